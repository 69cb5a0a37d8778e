"""A pytest plugin for the hostile-network self-test (`-p tests.harness.webhook_latency`): when the run ends, it
writes to $WEBHOOK_LATENCY_OUT how long after its own `timestamp` each of this run's webhooks arrived."""
import datetime as dt
import json
import os
import time
from pathlib import Path

import pytest


def sent_at(payload: object) -> float | None:
    stamp = payload.get("timestamp") if isinstance(payload, dict) else None
    try:
        return dt.datetime.fromisoformat(stamp).timestamp() if isinstance(stamp, str) else None
    except ValueError:
        return None


@pytest.fixture(scope="session", autouse=True)
def webhook_latency(capture):
    yield
    wall_minus_monotonic = time.time() - time.monotonic()
    delays = sorted(record.arrived + wall_minus_monotonic - sent for record in capture.records
                    if (sent := sent_at(record.payload)) is not None)
    figures = {"webhooks": len(delays), "worst": delays[-1] if delays else None,
               "p50": delays[len(delays) // 2] if delays else None,
               "connections_closed_to_make_room": capture.limits.closed_to_make_room}
    Path(os.environ["WEBHOOK_LATENCY_OUT"]).write_text(json.dumps(figures))
