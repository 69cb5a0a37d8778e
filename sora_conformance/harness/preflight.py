"""Before the first test: can the target's API and signaling be reached at all? One line if not.

Without this, an unreachable signaling URL would fail every test as a clause failure ("no
connection.created") after each test's own timeout.
"""
from __future__ import annotations

from websockets.exceptions import InvalidHandshake, InvalidURI
from websockets.sync.client import connect

from .target import SoraApi
from .verdict import HarnessError


def check_api(url: str, headers: dict[str, str], timeout: float) -> None:
    SoraApi(url, headers, timeout=timeout).reachable()


def check_signaling(urls: list[str], timeout: float) -> None:
    """A WebSocket handshake with each signaling URL, closed at once (nothing is sent)."""
    for url in urls:
        try:
            with connect(url, open_timeout=timeout, close_timeout=1):
                pass
        except TimeoutError:
            raise HarnessError(f"signaling {url}: no WebSocket handshake within {timeout:.0f} s") from None
        except (OSError, InvalidHandshake, InvalidURI, ValueError) as exc:
            raise HarnessError(f"signaling {url}: cannot open a WebSocket: {exc}") from None
