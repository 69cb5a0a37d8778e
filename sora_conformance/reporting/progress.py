"""Progress for people watching a run: long waits say what they wait for."""
from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

ANNOUNCE_AFTER = 2.0  # seconds: short waits stay silent


@contextmanager
def waiting(what: str) -> Iterator[None]:
    done = threading.Event()

    def announce() -> None:
        if not done.wait(ANNOUNCE_AFTER):
            sys.stderr.write(f"\n  waiting for {what}…\n")
            sys.stderr.flush()

    thread = threading.Thread(target=announce, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
