"""What a test started and must undo, whatever happened: its clients and the recordings it may have started."""
from __future__ import annotations

from ..clients import ClientError, SoraClient
from .target import SoraApi
from .verdict import HarnessError

START, STOP = "Sora_20231220.StartRecording", "Sora_20231220.StopRecording"
LEGACY_START, LEGACY_STOP = "Sora_20161101.StartRecording", "Sora_20161101.StopRecording"


class Started:
    def __init__(self, api: SoraApi, disconnect_timeout: float) -> None:
        self._api = api
        self._disconnect_timeout = disconnect_timeout
        self.clients: list[SoraClient] = []
        self._stops: dict[str, set[str]] = {}  # channel -> the StopRecording targets that may be needed

    def recording(self, start_target: str, channel: str) -> None:
        """A recording may have started on the channel (even a refused or unanswered start is stopped)."""
        self._stops.setdefault(channel, set()).add(LEGACY_STOP if start_target == LEGACY_START else STOP)

    def cleanup(self) -> list[str]:
        """Closes every client, then stops every recording; returns what went wrong, never raises."""
        problems = []
        for client in self.clients:
            try:
                client.disconnect(timeout=self._disconnect_timeout)
            except ClientError as exc:
                problems.append(f"client {client.connection_id}: {exc}")
        for channel, stops in self._stops.items():
            for target in sorted(stops):
                try:
                    self._api.call(target, {"channel_id": channel})  # a 4xx: already ended, as most tests expect
                except HarnessError as exc:
                    problems.append(f"{target} {channel}: {exc}")
        return problems
