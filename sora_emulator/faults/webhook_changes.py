"""Changes to outgoing webhooks, applied at the sending seam (sora_emulator/sending.py)."""
from __future__ import annotations

from typing import Any

from ..webhooks import Hook
from .model import ARCHIVE, LEGACY_RECORDING, SESSION_RECORDING, Outgoing, WebhookChange


def _only(kind: str, change: WebhookChange) -> WebhookChange:
    def changed(out: Outgoing) -> None:
        if out.kind == kind:
            change(out)
    return changed


def _data(out: Outgoing) -> dict[str, Any]:
    data = out.body.get("data")
    return data if isinstance(data, dict) else {}


def _send_to(hook: Hook) -> WebhookChange:
    def change(out: Outgoing) -> None:
        out.hook = hook
    return change


def _drop_session_id(out: Outgoing) -> None:
    out.body.pop("session_id", None)
    _data(out).pop("session_id", None)


def _metadata_under_legacy_key(out: Outgoing) -> None:
    data = _data(out)
    if "recording_metadata" in data:
        data["metadata"] = data.pop("recording_metadata")


def _zero_when_unset(key: str) -> WebhookChange:
    """expire_time / expired_at are there only when expire_time was given: otherwise the fault writes 0."""
    return lambda out: _data(out).setdefault(key, 0)


recording_webhook_on_event = _only(SESSION_RECORDING, _send_to(Hook.EVENT))
legacy_webhook_on_session = _only(LEGACY_RECORDING, _send_to(Hook.SESSION))
archive_webhook_on_session = _only(ARCHIVE, _send_to(Hook.SESSION))
no_session_id = _only(SESSION_RECORDING, _drop_session_id)
drop_session_metadata = _only(SESSION_RECORDING, lambda out: out.body.pop("session_metadata", None))
drop_recording_metadata = _only(SESSION_RECORDING, lambda out: _data(out).pop("recording_metadata", None))
legacy_metadata_key = _only(SESSION_RECORDING, _metadata_under_legacy_key)
log_written_leak = _only(SESSION_RECORDING, lambda out: out.body.update(log_written=True))
without_id = _only(SESSION_RECORDING, lambda out: out.body.pop("id", None))
expire_time_zero_when_unset = _only(SESSION_RECORDING, _zero_when_unset("expire_time"))
expired_at_when_unset = _only(SESSION_RECORDING, _zero_when_unset("expired_at"))
