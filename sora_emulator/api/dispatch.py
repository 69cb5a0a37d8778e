"""x-sora-target -> handler, and the one place where errors become HTTP answers (never a 500)."""
from __future__ import annotations

import hmac
import json
import logging
from typing import Any

from ..errors import ApiError, InvalidJson, UnknownTarget
from ..faults.model import ApiCall
from . import handlers
from .handlers import Context

log = logging.getLogger("sora_emulator.api")

TARGETS: dict[str, handlers.Handler] = {
    "Sora_20231220.StartRecording": handlers.start_recording,
    "Sora_20231220.StopRecording": handlers.stop_recording,
    "Sora_20231220.GetSession": handlers.get_session,
    "Sora_20231220.ListSessions": handlers.list_sessions,
    "Sora_20230628.TerminateSession": handlers.terminate_session,
    "Sora_20151104.DisconnectChannel": handlers.disconnect_channel,
    "Sora_20151104.DisconnectConnection": handlers.disconnect_connection,
    "Sora_20161101.StartRecording": handlers.legacy_start_recording,
    "Sora_20161101.StopRecording": handlers.legacy_stop_recording,
    "Sora_20161101.GetStartedRecording": handlers.legacy_get_started_recording,
    "Sora_20161101.ListStartedRecording": handlers.legacy_list_started_recording,
    "Sora_20161101.ListArchiving": handlers.legacy_list_archiving,
}
CONTROL = {"/control/stats": handlers.control_stats}


async def dispatch(ctx: Context, path: str, headers: dict[str, str], raw: bytes) -> tuple[int, Any]:
    """The API seam: an API-answer fault answers here instead of the handler, others change the handler's answer or
    any 4xx."""
    app = ctx.app
    target = headers.get("x-sora-target", "")
    if path != "/" and (path not in CONTROL or not app.config.control_token):
        return 404, {"error_type": "NOT-FOUND", "message": f"no control endpoint {path}"}
    if path in CONTROL and not hmac.compare_digest(headers.get("x-control-token", "").encode(),
                                                   str(app.config.control_token).encode()):
        return 403, {"error_type": "FORBIDDEN", "message": "the control endpoint needs its x-control-token"}

    async def handle(body: dict[str, Any]) -> tuple[int, Any]:
        if path in CONTROL:
            return 200, await CONTROL[path](ctx, body)
        call = ApiCall(target, body, app.state)
        instead = app.faults.answer(call)
        if instead is not None:
            return instead
        handler = TARGETS.get(target)
        if handler is None:
            raise UnknownTarget(f"unknown x-sora-target {target!r}" if target else "x-sora-target header is missing")
        return 200, app.faults.answered(call, await handler(ctx, body))

    try:
        return await handle(_body(raw))
    except ApiError as exc:
        return app.faults.refusal(exc.status, exc.body())
    except Exception as exc:  # a bug of ours still answers 400 with a reason, never a 500 or a crash
        log.exception("API handler failed")
        return 400, {"error_type": "INTERNAL-ERROR", "message": f"{type(exc).__name__}: {exc}"}


def _body(raw: bytes) -> dict[str, Any]:
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise InvalidJson("the body is not JSON") from None
    except RecursionError:  # json.loads recurses once per level: a client decides how deep
        log.info("API refused a body: JSON nested too deeply to read")  # one line, no traceback
        raise InvalidJson("the body is JSON nested too deeply to read") from None
    if not isinstance(body, dict):
        raise InvalidJson("the body must be a JSON object")
    return body
