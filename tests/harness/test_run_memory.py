"""Whoever sees the run prefix (anyone listing a staging Sora's sessions) can post webhooks for the run's channels:
what the capture server keeps of them is bounded (429 beyond it), and a wait on a channel whose webhook was
refused cannot judge (an error, never a pass or a clause failure)."""
import json
import tracemalloc

import pytest

from sora_conformance.harness.capture import CaptureServer, WaitTimeout
from sora_conformance.harness.verdict import HarnessError

from .http_client import post_bytes

MiB = 1024 * 1024


def webhook(channel: str, padding: object) -> bytes:
    return json.dumps({"type": "session.created", "channel_id": channel, "session_id": "S1", "pad": padding}).encode()


@pytest.fixture
def bounded():
    server = CaptureServer(run_prefix="run1", max_kept=2 * MiB).start()
    yield server
    server.stop()


def test_beyond_the_bound_the_runs_webhooks_are_answered_429_and_not_kept(bounded):
    statuses = [post_bytes(bounded.url("session"), webhook("run1-flood", "x" * (256 * 1024))).status
                for _ in range(10)]
    assert 200 in statuses and statuses[-1] == 429 and statuses == sorted(statuses)
    assert bounded.memory.kept <= 2 * MiB and len(bounded.records) == statuses.count(200)
    assert "bounded to 2 MiB" in post_bytes(bounded.url("session"), webhook("run1-flood", "x" * MiB)).json()["error"]


def test_a_wait_on_a_channel_with_a_refused_webhook_cannot_judge(bounded):
    assert post_bytes(bounded.url("session"), webhook("run1-filler", "x" * (700 * 1024))).status == 200
    assert post_bytes(bounded.url("session"), webhook("run1-victim", "x" * (1024 * 1024))).status == 429
    with pytest.raises(HarnessError, match="refused 1 webhook"):
        bounded.wait_for("session.created", "run1-victim", clause="X", timeout=0.1)
    with pytest.raises(HarnessError, match="may be it"):
        bounded.none_within("session.destroyed", "run1-victim", within=0.1)
    with pytest.raises(WaitTimeout):  # nothing refused on this channel: a plain timeout, judged as usual
        bounded.wait_for("session.destroyed", "run1-filler", clause="X", timeout=0.1)
    assert bounded.none_within("session.destroyed", "run1-filler", within=0.1) is None


@pytest.mark.parametrize("padding", [lambda n: "x" * n, lambda n: [{}] * (n // 4), lambda n: [0] * (n // 2)],
                         ids=["one string", "many objects", "many numbers"])
def test_what_is_kept_stays_within_the_bound_in_real_memory(padding):
    bound = 2 * MiB
    server = CaptureServer(run_prefix="run1", max_kept=bound).start()
    try:
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        for n in range(20):  # 20 posts of 256 KiB: 5 MiB, and up to 18x that once parsed, if all were kept
            post_bytes(server.url("session"), webhook(f"run1-m{n}", padding(MiB // 4)))
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
        server.stop()
    assert server.memory.refused > 0 and held < bound * 1.25, f"{held / MiB:.0f} MiB held for a {bound // MiB} MiB bound"
