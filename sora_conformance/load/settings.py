"""What every harness process of a load run is given: one private JSON file the command writes and each Locust
process hands its agent (by path: the file holds the hub token and the target's secrets, so it is written for
this user only, in a directory only this user can open, and deleted when the run ends)."""
from __future__ import annotations

import itertools
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .session import SessionSpec

STARTS = ("session.created", "api")
OUTPUTS = ("single", "split")
FORMATS = ("webm", "mp4")


@dataclass(frozen=True)
class SessionPlan:
    """What the recorded sessions do; with several starts / outputs / formats, sessions take every combination
    in turn."""

    clients: int = 2
    hold: float = 5.0
    starts: tuple[str, ...] = ("session.created",)
    outputs: tuple[str, ...] = ("single",)
    formats: tuple[str, ...] = ("webm",)
    split_duration: int = 2
    report_timeout: float = 30.0

    @property
    def combinations(self) -> list[tuple[str, str, str]]:
        """(start, output, format) in turn. "format" is a StartRecording parameter with no documented
        session.created counterpart (reference sora-spec.md OQ-13), so MP4 sessions start through the API."""
        return [(start, output, fmt) for start, output, fmt in itertools.product(self.starts, self.outputs, self.formats)
                if not (start == "session.created" and fmt == "mp4")]

    def spec(self, number: int) -> SessionSpec:
        combinations = self.combinations
        start, output, fmt = combinations[number % len(combinations)]
        return SessionSpec(start, output, fmt, self.clients, self.hold, self.split_duration, self.report_timeout)

    @property
    def longest(self) -> float:
        """Seconds one session may take at most, before the multiplier: connects, hold, report, its webhooks."""
        return self.clients * 10 + 10 + self.hold + self.report_timeout + 10


@dataclass(frozen=True)
class AgentSettings:
    harness_options: dict[str, Any]  # as harness.config.build_config reads them (the target as the agents see it)
    env: dict[str, str]  # TEST_SECRET_KEY when set
    profile: dict[str, Any]  # harness.profile.TargetProfile fields
    hub_url: str
    hub_token: str
    results_dir: str
    plan: SessionPlan = field(default_factory=SessionPlan)
    max_sessions: int = 1000  # recorded sessions one agent starts at most
    pacing: float = 0.0  # seconds from one session's start to the user's next (max rate)

    def write(self, path: Path) -> None:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            json.dump(asdict(self), out)

    @classmethod
    def read(cls, path: Path) -> AgentSettings:
        data = json.loads(path.read_text(encoding="utf-8"))
        plan = data.pop("plan")
        for key in ("starts", "outputs", "formats"):
            plan[key] = tuple(plan[key])
        return cls(plan=SessionPlan(**plan), **data)
