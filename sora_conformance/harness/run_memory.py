"""How much of this run's webhooks the capture server keeps: a bound, and which channels it refused.

Anyone who can list a staging Sora's sessions sees the run prefix and can post webhooks for its channels; they
are kept (a test may need them), so what is kept is bounded. Beyond the bound a webhook is answered 429 and its
channel remembered: a wait on that channel then cannot judge (HarnessError), because the webhook it awaits, or
the one it must not see, may be the one refused. Nothing refused on a channel: its waits judge as usual.
"""
from __future__ import annotations

DEFAULT_MAX_KEPT = 128 * 1024 * 1024  # estimated (webhook_body.footprint); the whole suite keeps ~7 MiB
REMEMBERED_CHANNELS = 10_000  # refused channels named; past that every channel counts as possibly refused


class RunMemory:
    """Not thread-safe: the capture server calls it under its own lock."""

    def __init__(self, limit: int = DEFAULT_MAX_KEPT) -> None:
        self.limit = limit
        self.kept = 0
        self.refused = 0
        self._refused_channels: set[str] = set()
        self._too_many_channels = False

    def take(self, cost: int, channel: str) -> bool:
        """True when a webhook costing `cost` may be kept (and counts it); False when it is over the bound."""
        if self.kept + cost <= self.limit:
            self.kept += cost
            return True
        self.refused += 1
        if len(self._refused_channels) < REMEMBERED_CHANNELS:
            self._refused_channels.add(channel)
        else:
            self._too_many_channels = True
        return False

    def refused_on(self, channel: str) -> bool:
        return self._too_many_channels or channel in self._refused_channels

    def describe(self) -> str:
        return (f"the capture server refused {self.refused} webhook(s) of this run (answered 429): what it keeps "
                f"of a run is bounded to {self.limit // (1024 * 1024)} MiB")
