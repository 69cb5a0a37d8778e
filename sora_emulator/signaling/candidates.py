"""Which local address the emulator offers as its ICE candidate: the one its signaling listens on.

aioice gathers a host candidate on every interface address but loopback; Sora offers the one address it is
configured with. The emulator offers the address it listens on (127.0.0.1 by default), so media stays where
the rest of the emulator is, and a connection has one socket and one candidate pair to check instead of one
per interface. An emulator listening on every interface (0.0.0.0, ::) or on a host name keeps aioice's choice.
"""
from __future__ import annotations

import contextvars
import ipaddress

from aioice import ice

_offered: contextvars.ContextVar[str | None] = contextvars.ContextVar("offered_host", default=None)
_every_interface = ice.get_host_addresses


def _host_addresses(use_ipv4: bool, use_ipv6: bool) -> list[str]:
    host = _offered.get()
    try:
        address = ipaddress.ip_address(host or "")
    except ValueError:  # not set, or a host name
        return _every_interface(use_ipv4, use_ipv6)
    if address.is_unspecified:
        return _every_interface(use_ipv4, use_ipv6)
    return [str(address)] if (use_ipv4 if address.version == 4 else use_ipv6) else []


def offer_on(host: str) -> None:
    """Candidates gathered from now on in the calling task (and the tasks it starts) are on `host`."""
    _offered.set(host)


def install() -> None:
    ice.get_host_addresses = _host_addresses  # aioice looks it up by name when it gathers
