"""Which connection the webhook server closes to make room: never one being answered, never a fresh one below the
ceiling, first the oldest without a whole request head of the peer holding the most; and of the bodies being
received, the largest."""
import asyncio
import time

from sora_conformance.harness.connections import GRACE, ConnectionLimits, State, Tracked


def connection(peer: str, age: float, state: State = State.WAITING) -> Tracked:
    conn = Tracked(peer, drop=lambda: dropped.append(conn))
    conn.state, conn.since = state, time.monotonic() - age
    return conn


dropped: list[Tracked] = []


def on_loop(check):
    """ConnectionLimits lives on an event loop (it schedules its rechecks there)."""
    dropped.clear()

    async def run():
        check()

    asyncio.run(run())


def test_the_oldest_connection_without_a_head_of_the_fullest_peer_goes_first():
    def check():
        limits = ConnectionLimits(limit=4, body_budget=1 << 20, per_peer=10)
        quiet = [connection("10.0.0.9", age=9.0) for _ in range(2)]  # the oldest of all, but its peer holds 2
        greedy = [connection("10.0.0.1", age=age) for age in (3.0, 5.0, 4.0)]
        for conn in quiet + greedy:
            assert limits.opened(conn)
        assert dropped == [greedy[1]]  # 5 connections for 4 places: the greedy peer's oldest

    on_loop(check)


def test_waiting_connections_go_before_those_receiving_a_body_and_those_being_answered_never():
    def check():
        limits = ConnectionLimits(limit=2, body_budget=1 << 20, per_peer=10)
        answering = connection("p", age=9.0, state=State.HANDLING)
        receiving = connection("p", age=8.0, state=State.RECEIVING)
        waiting = connection("p", age=1.0)
        for conn in (answering, receiving, waiting):
            limits.opened(conn)
        assert dropped == [waiting]

    on_loop(check)


def test_a_peer_over_its_share_loses_its_own_oldest_even_below_the_limit():
    def check():
        limits = ConnectionLimits(limit=100, body_budget=1 << 20, per_peer=2)
        mine = [connection("p", age=age) for age in (1.0, 3.0, 2.0)]
        for conn in mine:
            limits.opened(conn)
        assert dropped == [mine[1]]

    on_loop(check)


def test_fresh_connections_are_spared_until_the_ceiling():
    def check():
        limits = ConnectionLimits(limit=2, body_budget=1 << 20, per_peer=100)
        burst = [connection("p", age=GRACE / 10) for _ in range(limits.ceiling)]
        assert all(limits.opened(conn) for conn in burst) and dropped == []
        newcomer = connection("p", age=0.0)
        assert limits.opened(newcomer)
        assert len(dropped) == 1 and dropped[0] is not newcomer  # at the ceiling, an older one goes

    on_loop(check)


def test_a_newcomer_is_refused_only_when_every_other_connection_is_being_answered():
    def check():
        limits = ConnectionLimits(limit=1, body_budget=1 << 20, per_peer=100)
        for _ in range(limits.ceiling):
            limits.opened(connection("p", age=1.0, state=State.HANDLING))
        assert not limits.opened(connection("p", age=0.0))
        assert dropped == [] and limits.refused == 1 and limits.open == limits.ceiling

    on_loop(check)


def test_over_the_body_budget_the_largest_body_being_received_is_closed():
    def check():
        limits = ConnectionLimits(limit=10, body_budget=1000, per_peer=10)
        large, small = connection("p", 1.0, State.RECEIVING), connection("p", 1.0, State.RECEIVING)
        limits.opened(large), limits.opened(small)
        assert limits.hold(large, 900) and limits.hold(small, 50)
        assert limits.hold(small, 100)  # 1050 held: the large upload goes, not the webhook
        assert dropped == [large] and limits.buffered == 150
        assert not limits.hold(small, 2000)  # now it is the largest itself: refused

    on_loop(check)
