"""The one owner of the faults switched on in one emulator. Each seam asks it for its own changes."""
from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from ..behaviour import Behaviour
from ..files import FileWrite
from ..params import RecordingRules
from ..webhooks import Hook
from .catalogue import CATALOGUE, UNDER_LOAD
from .model import Answer, ApiCall, Fault, Outgoing, kind_of

FAULTS: dict[str, Fault] = {fault.name: fault for fault in CATALOGUE}  # the suite catches each (mutation matrix)
LOAD_FAULTS: dict[str, Fault] = {fault.name: fault for fault in UNDER_LOAD}  # only a load run meets these
ALL_FAULTS: dict[str, Fault] = FAULTS | LOAD_FAULTS


class UnknownFault(ValueError):
    pass


def known(names: Iterable[str]) -> frozenset[str]:
    """The names, once each is known to be a fault."""
    names = frozenset(names)
    unknown = sorted(names - ALL_FAULTS.keys())
    if unknown:
        raise UnknownFault(f"unknown fault(s): {', '.join(unknown)} (see sora-emulator --list-faults)")
    return names


class ActiveFaults:
    def __init__(self, names: Iterable[str] = ()) -> None:
        self.names = known(names)
        # a load fault counts what it has seen (faults/load_changes.py): each emulator gets its own copy
        self._faults = [copy.deepcopy(ALL_FAULTS[name]) if name in LOAD_FAULTS else ALL_FAULTS[name]
                        for name in sorted(self.names)]

    # --- what the app builds once -------------------------------------------------------------------
    def rules(self, base: RecordingRules) -> RecordingRules:
        for fault in self._faults:
            base = replace(base, **fault.rules)
        return base

    def behaviour(self, base: Behaviour) -> Behaviour:
        for fault in self._faults:
            base = replace(base, **fault.behaviour)
        return base

    # --- what the seams apply -----------------------------------------------------------------------
    def webhook(self, hook: Hook, body: dict[str, Any]) -> Outgoing:
        """The sending seam: the webhook as this emulator sends it (the builder's body is never changed)."""
        changes = [fault.webhook for fault in self._faults if fault.webhook]
        out = Outgoing(hook, copy.deepcopy(body) if changes else body, kind_of(body))
        for change in changes:
            change(out)
        return out

    def file(self, write: FileWrite) -> list[FileWrite]:
        """The recorder's disk: what is written instead of the planned file (nothing, it changed, or more)."""
        writes = [write]
        for fault in self._faults:
            if fault.file:
                writes = [changed for planned in writes for changed in fault.file(planned)]
        return writes

    def answer(self, call: ApiCall) -> Answer | None:
        """Dispatch: an answer instead of the handler's, or None."""
        for fault in self._faults:
            if fault.answer and (answer := fault.answer(call)) is not None:
                return answer
        return None

    def refusal(self, status: int, body: dict[str, Any]) -> Answer:
        """Dispatch: a refusal (4xx) as this emulator answers it."""
        for fault in self._faults:
            if fault.refusal:
                status, body = fault.refusal(status, body)
        return status, body
