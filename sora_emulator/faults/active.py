"""The one owner of the faults switched on in one emulator. Each seam asks it for its own changes."""
from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import replace
from typing import Any, TypeVar

from ..files import FileWrite
from ..media.seams import NO_CHANGES, At, Element, MediaChanges, Muxing
from ..params import RecordingRules
from ..policies import POLICIES
from ..webhooks import Hook
from .catalogue import CATALOGUE, UNDER_LOAD
from .model import Answer, ApiCall, Fault, Outgoing, kind_of

FAULTS: dict[str, Fault] = {fault.name: fault for fault in CATALOGUE}  # the suite catches each (mutation matrix)
LOAD_FAULTS: dict[str, Fault] = {fault.name: fault for fault in UNDER_LOAD}  # only a load run meets these
ALL_FAULTS: dict[str, Fault] = FAULTS | LOAD_FAULTS
P = TypeVar("P")


class UnknownFault(ValueError):
    """A selection of faults the emulator cannot run: a name it does not know, or two faults replacing one policy."""


def known(names: Iterable[str]) -> frozenset[str]:
    """The names, once each is known to be a fault and no two replace the same policy."""
    names = frozenset(names)
    unknown = sorted(names - ALL_FAULTS.keys())
    if unknown:
        raise UnknownFault(f"unknown fault(s): {', '.join(unknown)} (see sora-emulator --list-faults)")
    for base in POLICIES:
        replacing = sorted(name for name in names if _replaces(ALL_FAULTS[name], base))
        if len(replacing) > 1:
            raise UnknownFault(f"faults {', '.join(replacing)} each replace the emulator's {base.__name__}: "
                               "choose one of them")
    return names


def _replaces(fault: Fault, base: type) -> bool:
    return fault.policy is not None and issubclass(fault.policy, base)


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

    def policy(self, base: type[P]) -> type[P]:
        """The policy to build in place of Sora's `base`: the one active fault's replacement, else `base`."""
        for fault in self._faults:
            if fault.policy is not None and issubclass(fault.policy, base):
                return fault.policy
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

    def media(self) -> MediaChanges:
        """The frame and container seams of the media writer: every active change, in turn."""
        frames = [fault.media for fault in self._faults if fault.media]
        muxings = [fault.muxing for fault in self._faults if fault.muxing]
        elements = [fault.element for fault in self._faults if fault.element]
        if not (frames or muxings or elements):
            return NO_CHANGES

        def changed_frame(kind: str, frame: Any, at: At) -> Any:
            for change in frames:
                if frame is None:
                    return None
                frame = change(kind, frame, at)
            return frame

        def changed_muxing(planned: Muxing) -> Muxing:
            for change in muxings:
                planned = change(planned)
            return planned

        def changed_elements(planned: Element) -> list[Element]:
            written = [planned]
            for change in elements:
                written = [changed for one in written for changed in change(one)]
            return written

        return MediaChanges(changed_frame, changed_muxing, changed_elements)

    def answer(self, call: ApiCall) -> Answer | None:
        """Dispatch: an answer instead of the handler's, or None."""
        for fault in self._faults:
            if fault.answer and (answer := fault.answer(call)) is not None:
                return answer
        return None

    def answered(self, call: ApiCall, answer: Any) -> Any:
        """Dispatch: the handler's answer as this emulator gives it."""
        for fault in self._faults:
            if fault.answered:
                answer = fault.answered(call, answer)
        return answer

    def refusal(self, status: int, body: dict[str, Any]) -> Answer:
        """Dispatch: a refusal (4xx) as this emulator answers it."""
        for fault in self._faults:
            if fault.refusal:
                status, body = fault.refusal(status, body)
        return status, body
