"""A recording a test set up: the value the recipes hand to the suites and the suites hand to `sora.files`."""
from __future__ import annotations

from dataclasses import dataclass

from ..clients import SoraClient
from .capture import Captured


@dataclass
class Recorded:
    """A recording a test set up: its channel, its first client and its recording.started."""

    channel: str
    client: SoraClient
    started: Captured
    recording_id: str
    session_id: str | None
    report: Captured | None = None  # its recording.report, once a step has stopped it
