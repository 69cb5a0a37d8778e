"""What the webhook receiver gives to everyone else on a shared target: the answers for channels that are not
this run's, and the startup lines that say so and say what the listen address exposes."""
from __future__ import annotations

from typing import Any

from .config import HarnessConfig, without_credentials
from .webhook_server import ENDPOINTS, is_loopback

DENIED_REASON = "not a channel of the sora-conformance run that receives this auth webhook"


def foreign_answer(endpoint: str, allow_foreign: bool) -> dict[str, Any]:
    """For a channel outside the run (or no channel at all) when nothing relays it: auth is denied unless
    the operator allowed it; session.created starts no recording either way."""
    if endpoint == "auth":
        return {"allowed": True} if allow_foreign else {"allowed": False, "reason": DENIED_REASON}
    return {}


def policy_line(config: HarnessConfig, distributed: bool) -> str:
    prefix = f"{config.channel_prefix}-<run id of each worker>" if distributed else config.run_prefix
    if config.forward_webhooks:
        return (f"sora-conformance: webhooks of channels outside {prefix}* or without channel_id are relayed to "
                f"{without_credentials(config.forward_webhooks)}, whose answer is returned unchanged")
    verdict = "ALLOWED (--allow-foreign-channels)" if config.allow_foreign_channels else "DENIED"
    hint = "" if config.allow_foreign_channels else \
        " (--forward-webhooks URL relays them to your backend, --allow-foreign-channels allows them)"
    return (f"sora-conformance: auth webhooks of channels outside {prefix}* or without channel_id are {verdict}; "
            f"their session.created starts no recording{hint}")


def exposure_line(config: HarnessConfig, distributed: bool) -> str | None:
    if is_loopback(config.webhook_host):
        return None
    paths = ", ".join(ENDPOINTS)
    if distributed and config.webhook_port:
        paths += ", /hub/register (refused without this run's token)"
    every = " (every interface)" if config.webhook_host in ("0.0.0.0", "::", "") else ""
    where = f"{config.webhook_host}:{config.webhook_port or '<a free port>'}{every}"
    return f"sora-conformance: the webhook capture server listens on {where}; reachable from other hosts: POST {paths}"


def startup_lines(config: HarnessConfig, distributed: bool) -> list[str]:
    """Nothing for the embedded emulator on loopback: no one else can post there."""
    exposed = exposure_line(config, distributed)
    if config.embedded and exposed is None:
        return []
    return [policy_line(config, distributed)] + ([exposed] if exposed else [])
