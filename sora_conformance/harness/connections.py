"""Which connections the webhook server keeps open when peers hold many (a slowloris on a shared network).

On asyncio a connection costs a coroutine, not a thread, so nobody waits for a free worker: every connection is
accepted at once. What stays bounded is how many are kept. A connection is in one of three states:
- WAITING: no request in progress (nothing sent yet, part of a request head, or an idle keep-alive);
- RECEIVING: a whole request head arrived and its body is still arriving;
- HANDLING: the whole request is here and is being answered.
When a peer address holds more than its share (`per_peer`), or all peers together more than `limit`, the oldest
WAITING connection (then RECEIVING) is closed, of that peer or of the peer holding the most. HANDLING ones are
never closed, and neither is any connection younger than `grace` in its state: a webhook sender sends its whole
head at once, so a fresh connection is given the moment its head needs to arrive even when a burst of them
(Sora posting dozens of webhooks at once) comes from the address an attacker shares (127.0.0.1 in the tests).
Over the limit with nothing old enough to close, connections are kept up to `ceiling` and rechecked once the
youngest is old enough; at the ceiling the oldest one that is not HANDLING is closed whatever its age: a newcomer
is then the youngest of all, so only a peer opening connections faster than a webhook sender sends a head (a
flood, not a slowloris) could have it closed. Only when every other connection is HANDLING is a newcomer closed.

Bodies being received are bounded together too (`body_budget` bytes): past it, the connection receiving the
largest body is closed; a webhook's body is a few KiB, so that is the one uploading megabytes.
"""
from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum


class State(IntEnum):
    WAITING = 0
    RECEIVING = 1
    HANDLING = 2


GRACE = 0.5  # s a fresh connection (or one just answered) is never closed to make room: time to send its head
CEILING_FACTOR = 4  # connections kept over the limit while the newest are all younger than GRACE


@dataclass(eq=False)
class Tracked:
    """One connection as the limits see it; `drop` closes it."""

    peer: str
    drop: Callable[[], None]
    state: State = State.WAITING
    since: float = field(default_factory=time.monotonic)  # when it entered its state
    buffered: int = 0  # bytes of the body it is receiving, held in memory

    def enter(self, state: State) -> None:
        self.state, self.since = state, time.monotonic()

    def closable(self, now: float | None) -> bool:
        """Not being answered, and (unless `now` is None) in its state for at least GRACE."""
        return self.state != State.HANDLING and (now is None or now - self.since >= GRACE)


class ConnectionLimits:
    """Runs on the server's event loop only (no lock)."""

    def __init__(self, limit: int, body_budget: int, per_peer: int | None = None) -> None:
        self.limit = limit
        self.body_budget = body_budget
        self.buffered = 0
        self.per_peer = per_peer if per_peer is not None else max(1, limit // 2)
        self.ceiling = limit * CEILING_FACTOR
        self._by_peer: dict[str, set[Tracked]] = {}
        self._open = 0  # an int, so another thread may read `open` while the loop changes the sets
        self._recheck: asyncio.TimerHandle | None = None
        self.closed_to_make_room = 0  # counters for the benchmarks and tests
        self.refused = 0

    @property
    def open(self) -> int:
        return self._open

    def opened(self, conn: Tracked) -> bool:
        """Registers a new connection; False when it must be closed at once (over the ceiling)."""
        self._by_peer.setdefault(conn.peer, set()).add(conn)
        self._open += 1
        self.enforce()
        while self.open > self.ceiling:
            if not self._close_oldest(self._fullest_peer(None, conn), None, conn):
                self.closed(conn)
                self.refused += 1
                return False
        return True

    def hold(self, conn: Tracked, size: int) -> bool:
        """Counts `size` more body bytes held for `conn`; False when its body is the largest over the budget."""
        conn.buffered += size
        self.buffered += size
        while self.buffered > self.body_budget:
            receiving = [c for conns in self._by_peer.values() for c in conns
                         if c.buffered and c.state == State.RECEIVING]
            largest = max(receiving, key=lambda c: c.buffered, default=conn)
            if largest is conn:
                return False
            self.closed(largest)
            self.closed_to_make_room += 1
            largest.drop()
        return True

    def release(self, conn: Tracked) -> None:
        """The body bytes held for `conn` are no longer counted (its body was read, or refused)."""
        self.buffered -= conn.buffered
        conn.buffered = 0

    def closed(self, conn: Tracked) -> None:
        """Forgets a connection (closed by us or by its peer) and the body bytes it held."""
        self.release(conn)
        conns = self._by_peer.get(conn.peer)
        if conns is not None and conn in conns:
            conns.discard(conn)
            self._open -= 1
            if not conns:
                del self._by_peer[conn.peer]

    def enforce(self) -> None:
        """Closes connections until every peer is within its share and all within the limit, or nothing more
        may be closed yet; then rechecks when the youngest closable-to-be connection is old enough."""
        now = time.monotonic()
        for peer in [p for p, conns in self._by_peer.items() if len(conns) > self.per_peer]:
            while len(self._by_peer.get(peer, ())) > self.per_peer and self._close_oldest(peer, now):
                pass
        while self.open > self.limit and self._close_oldest(self._fullest_peer(now), now):
            pass
        if self.open > self.limit or any(len(c) > self.per_peer for c in self._by_peer.values()):
            self._schedule_recheck(now)

    def _fullest_peer(self, now: float | None, sparing: Tracked | None = None) -> str | None:
        """The peer holding the most connections among those with one that may be closed (`now` None: any age)."""
        peers = [(len(conns), peer) for peer, conns in self._by_peer.items()
                 if any(c.closable(now) and c is not sparing for c in conns)]
        return max(peers)[1] if peers else None

    def _close_oldest(self, peer: str | None, now: float | None, sparing: Tracked | None = None) -> bool:
        candidates = [c for c in self._by_peer.get(peer, ()) if c.closable(now) and c is not sparing] \
            if peer is not None else []
        if not candidates:
            return False
        oldest = min(candidates, key=lambda c: (c.state, c.since))
        self.closed(oldest)
        self.closed_to_make_room += 1
        oldest.drop()
        return True

    def _schedule_recheck(self, now: float) -> None:
        if self._recheck is not None:
            return
        ripening = [c.since + GRACE for conns in self._by_peer.values() for c in conns
                    if c.state != State.HANDLING and c.since + GRACE > now]
        if not ripening:
            return  # only requests being answered: each ends by itself, and the next open() enforces again
        delay = min(ripening) - now + 0.01

        def recheck() -> None:
            self._recheck = None
            self.enforce()

        self._recheck = asyncio.get_running_loop().call_later(delay, recheck)

    def cancel(self) -> None:
        if self._recheck is not None:
            self._recheck.cancel()
            self._recheck = None
