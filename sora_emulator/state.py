"""The emulator's state: sessions, connections, recordings. No HTTP, no sockets, no asyncio.

Every method is one operation; the async layer (app.py) calls them and sends the webhooks and writes the
files their results describe.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .errors import AlreadyRecording, NotRecording, SessionNotFound
from .ids import new_id
from .params import UNSET, RecordingParams


@dataclass
class Connection:
    connection_id: str
    channel_id: str
    session_id: str
    role: str
    client_id: str
    bundle_id: str
    audio: Any
    video: Any
    recording_block: bool
    created_at: float
    connected: bool = False
    destroyed_at: float | None = None

    @property
    def records_media(self) -> bool:
        # recvonly connections send nothing, so there is nothing of theirs to record
        return self.role != "recvonly"


@dataclass
class Session:
    session_id: str
    channel_id: str
    created_at: float
    session_metadata: Any = UNSET
    connections: dict[str, Connection] = field(default_factory=dict)
    max_connections: int = 0
    total_connections: int = 0
    history: list[Connection] = field(default_factory=list)


@dataclass
class Archive:
    connection: Connection
    start_time: float
    stop_time: float | None = None


@dataclass
class Recording:
    recording_id: str
    channel_id: str
    session_id: str | None  # None for legacy recordings
    params: RecordingParams
    created_at: float
    archives: dict[str, Archive] = field(default_factory=dict)
    finished: list[Archive] = field(default_factory=list)
    stopped_at: float | None = None

    @property
    def legacy(self) -> bool:
        return self.params.legacy

    @property
    def expires_at(self) -> float | None:
        if self.params.expire_time:  # None (not given) and legacy 0 both mean no expiry
            return self.created_at + self.params.expire_time
        return None


class State:
    def __init__(self, clock: Callable[[], float], id_factory: Callable[[], str] = new_id,
                 session_id_factory: Callable[[str | None], str] | None = None) -> None:
        """`session_id_factory(previous)`: a new session's id, given the channel's last one (default: a new id)."""
        self._clock = clock
        self._new_id = id_factory
        self._new_session_id = session_id_factory or (lambda previous: id_factory())
        self.sessions: dict[str, Session] = {}  # channel_id -> live session
        self.recordings: dict[str, Recording] = {}  # channel_id -> running recording (one kind at a time)
        self.connections: dict[str, Connection] = {}
        self.last_session_id: dict[str, str] = {}

    # --- sessions and connections ------------------------------------------------------------
    def add_connection(
        self, connection_id: str, channel_id: str, role: str, client_id: str | None, bundle_id: str | None,
        audio: Any, video: Any, recording_block: bool,
    ) -> tuple[Connection, Session | None]:
        """Returns the connection and the session when this connection created it (0 -> 1)."""
        created = None
        session = self.sessions.get(channel_id)
        if session is None:
            session = Session(self._new_session_id(self.last_session_id.get(channel_id)), channel_id, self._clock())
            self.sessions[channel_id] = session
            self.last_session_id[channel_id] = session.session_id
            created = session
        client_id = client_id or connection_id
        connection = Connection(
            connection_id, channel_id, session.session_id, role, client_id, bundle_id or client_id,
            audio, video, recording_block, self._clock(),
        )
        session.connections[connection_id] = connection
        session.history.append(connection)
        session.total_connections += 1
        session.max_connections = max(session.max_connections, len(session.connections))
        self.connections[connection_id] = connection
        return connection, created

    def remove_connection(self, connection_id: str) -> Connection | None:
        connection = self.connections.pop(connection_id, None)
        if connection is None:
            return None
        connection.destroyed_at = self._clock()
        session = self.sessions.get(connection.channel_id)
        if session is not None:
            session.connections.pop(connection_id, None)
        return connection

    def session_is_empty(self, channel_id: str, session_id: str) -> bool:
        session = self.sessions.get(channel_id)
        return session is not None and session.session_id == session_id and not session.connections

    def destroy_session(self, channel_id: str) -> Session | None:
        return self.sessions.pop(channel_id, None)

    def session_connections(self, channel_id: str) -> list[Connection]:
        session = self.sessions.get(channel_id)
        return list(session.connections.values()) if session else []

    def connected_by_role(self, channel_id: str) -> dict[str, int]:
        """How many of the channel's connections are up, by role (the channel_*_connections counts)."""
        counts: dict[str, int] = {}
        for c in self.session_connections(channel_id):
            if c.connected:
                counts[c.role] = counts.get(c.role, 0) + 1
        return counts

    def session(self, channel_id: str, session_id: str | None = None) -> Session:
        session = self.sessions.get(channel_id)
        if session is None or (session_id is not None and session.session_id != session_id):
            raise SessionNotFound(f"no live session for channel_id {channel_id!r}")
        return session

    # --- recordings ------------------------------------------------------------------------------
    def start_recording(self, params: RecordingParams, *, require_session: bool) -> Recording:
        if params.channel_id in self.recordings:
            raise AlreadyRecording(f"channel_id {params.channel_id!r} is already being recorded")
        session = self.sessions.get(params.channel_id)
        if session is None and require_session:
            raise SessionNotFound(f"no live session for channel_id {params.channel_id!r}: start a session first")
        recording = Recording(
            self._new_id(), params.channel_id, None if params.legacy else (session.session_id if session else None),
            params, self._clock(),
        )
        self.recordings[params.channel_id] = recording
        return recording

    def recording(self, channel_id: str) -> Recording:
        recording = self.recordings.get(channel_id)
        if recording is None:
            raise NotRecording(f"channel_id {channel_id!r} is not being recorded")
        return recording

    def open_archive(self, recording: Recording, connection: Connection) -> Archive | None:
        """Starts the connection's archive unless it has none to give (recvonly, blocked, already open)."""
        if not connection.records_media or connection.connection_id in recording.archives:
            return None
        if connection.recording_block and not recording.legacy:
            return None
        archive = Archive(connection, self._clock())
        recording.archives[connection.connection_id] = archive
        return archive

    def close_archive(self, recording: Recording, connection_id: str) -> Archive | None:
        archive = recording.archives.pop(connection_id, None)
        if archive is not None:
            archive.stop_time = self._clock()
            recording.finished.append(archive)
        return archive

    def stop_recording(self, channel_id: str) -> tuple[Recording, list[Archive]]:
        """Ends the recording; returns it and the archives this closed."""
        recording = self.recording(channel_id)
        closed = [a for cid in list(recording.archives) if (a := self.close_archive(recording, cid))]
        recording.stopped_at = self._clock()
        del self.recordings[channel_id]
        return recording, closed
