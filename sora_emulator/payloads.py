"""Pure builders for every webhook body and recording file the emulator emits.

Shapes follow docs/ARCHITECTURE.md "Payload shapes": session recording webhooks are the legacy event
ones with the migration page's changes applied. Pure and fault-free: a fault that corrupts a payload changes
it where it is sent (webhooks) or written (files), see sora_emulator/faults/.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from .hooks import ConnectRequest
from .ids import new_id
from .params import UNSET
from .state import Archive, Connection, Recording, Session

VERSION = "2025.2.0"
LABEL = "WebRTC SFU Sora (emulator)"
NODE_NAME = "emulator@127.0.0.1"


def timestamp(seconds: float) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def base(kind: str, now: float) -> dict[str, Any]:
    return {"type": kind, "id": new_id(), "timestamp": timestamp(now), "version": VERSION, "label": LABEL,
            "node_name": NODE_NAME}


# --- session webhooks ---------------------------------------------------------------------------
def session_created(session: Session, now: float) -> dict[str, Any]:
    """The keys of Sora 2025.2.1's own session.created (fixtures/real/kohaku): no multistream, no group_id."""
    return base("session.created", now) | {
        "channel_id": session.channel_id, "session_id": session.session_id, "spotlight": False,
        "created_time": int(session.created_at), "created_timestamp": timestamp(session.created_at),
    }


def session_updated(session: Session, now: float) -> dict[str, Any]:
    """Sent periodically while the session lives; shape of Sora 2025.2.1's session.updated."""
    return session_created(session, now) | {
        "type": "session.updated", "group_id": session.session_id, "max_connections": session.max_connections,
        "total_connections": session.total_connections,
        "connections": [session_connection(c) for c in session.connections.values() if c.connected],
    }


def session_destroyed(session: Session, now: float) -> dict[str, Any]:
    body = session_created(session, now) | {
        "type": "session.destroyed", "destroyed_time": int(now), "destroyed_timestamp": timestamp(now),
        "max_connections": session.max_connections, "total_connections": session.total_connections,
        "connections": [session_connection(c) for c in session.history],
    }
    if session.session_metadata is not UNSET:
        body["session_metadata"] = session.session_metadata
    return body


def session_connection(c: Connection) -> dict[str, Any]:
    destroyed = timestamp(c.destroyed_at) if c.destroyed_at is not None else None
    return {"connection_id": c.connection_id, "role": c.role, "bundle_id": c.bundle_id, "client_id": c.client_id,
            "audio": c.audio is not False, "video": c.video is not False, "simulcast": False,
            "connection_created_timestamp": timestamp(c.created_at), "connection_destroyed_timestamp": destroyed}


def _recording_data(rec: Recording) -> dict[str, Any]:
    p = rec.params
    data: dict[str, Any] = {"channel_id": rec.channel_id, "recording_id": rec.recording_id, "split_only": p.split_only,
                            "created_at": int(rec.created_at), "start_timestamp": timestamp(rec.created_at)}
    if p.split_duration is not None:
        data["split_duration"] = p.split_duration
    if p.format != "webm":
        data["format"] = p.format
    if rec.legacy:
        data["expire_time"] = p.expire_time or 0
        data["expired_at"] = int(rec.expires_at or 0)
        if p.metadata is not UNSET:
            data["metadata"] = p.metadata
        return data
    data["session_id"] = rec.session_id
    if p.expire_time is not None:
        data["expire_time"] = p.expire_time
        data["expired_at"] = int(rec.created_at + p.expire_time)
    if p.metadata is not UNSET:
        data["recording_metadata"] = p.metadata
    return data


def archive_entry(rec: Recording, a: Archive, split_last_index: int | None) -> dict[str, Any]:
    c = a.connection
    stop = a.stop_time if a.stop_time is not None else a.start_time
    entry: dict[str, Any] = {
        "label": LABEL, "node_name": NODE_NAME, "client_id": c.client_id, "bundle_id": c.bundle_id,
        "connection_id": c.connection_id, "start_time_offset": offset(rec, a.start_time),
        "start_timestamp": timestamp(a.start_time), "stop_time_offset": offset(rec, stop, ceil=True),
        "stop_timestamp": timestamp(stop),
    }
    if split_last_index is None:
        entry |= {"file_path": "", "filename": f"archive-{c.connection_id}.{rec.params.format}",
                  "metadata_filename": f"archive-{c.connection_id}.json"}
    else:
        entry["split_last_index"] = f"{split_last_index:04d}"
    return entry


def offset(rec: Recording, at: float, ceil: bool = False) -> int:
    seconds = max(0.0, at - rec.created_at)
    whole = int(seconds)
    return whole + 1 if ceil and seconds > whole else whole


def recording_webhook(kind: str, rec: Recording, session: Session | None, now: float,
                      report: dict[str, Any] | None = None) -> dict[str, Any]:
    """`kind` is recording.started or recording.report; `report` is the report file's content."""
    body = base(kind, now) | {"channel_id": rec.channel_id}
    data = _recording_data(rec)
    if report is not None:
        data |= {"file_path": report["file_path"], "filename": report["filename"], "file_written": True,
                 "stop_timestamp": report["stop_timestamp"], "archives": report["archives"],
                 "failed_archives": report["failed_archives"]}
    if rec.legacy:
        body["log_written"] = True
    else:
        body["session_id"] = rec.session_id
        if session is not None and session.session_metadata is not UNSET:
            body["session_metadata"] = session.session_metadata
    body["data"] = data
    return body


# --- auth webhook --------------------------------------------------------------------------------
def auth_request(r: ConnectRequest, counts: dict[str, int], now: float) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": new_id(), "timestamp": timestamp(now), "version": VERSION, "label": LABEL, "node_name": NODE_NAME,
        "role": r.role, "channel_id": r.channel_id, "connection_id": r.connection_id, "multistream": r.multistream,
        "simulcast": r.simulcast, "spotlight": r.spotlight, "audio": r.audio, "video": r.video,
        "data_channel_signaling": False, "ignore_disconnect_websocket": False, "e2ee": False,
        "channel_connections": sum(counts.values()),
        "channel_sendrecv_connections": counts.get("sendrecv", 0),
        "channel_sendonly_connections": counts.get("sendonly", 0),
        "channel_recvonly_connections": counts.get("recvonly", 0)}
    for key, value in (("client_id", r.client_id), ("bundle_id", r.bundle_id), ("metadata", r.metadata)):
        if value is not None:
            body[key] = value
    return body


# --- event webhooks ------------------------------------------------------------------------------
def connection_scope(c: Connection) -> dict[str, Any]:
    return {"role": c.role, "channel_id": c.channel_id, "session_id": c.session_id, "client_id": c.client_id,
            "bundle_id": c.bundle_id, "connection_id": c.connection_id, "multistream": True, "simulcast": False,
            "spotlight": False}


def connection_event(kind: str, c: Connection, counts: dict[str, int], now: float) -> dict[str, Any]:
    data = {"minutes": 0, "audio": c.audio is not False, "video": c.video is not False,
            "channel_connections": sum(counts.values()),
            "channel_sendrecv_connections": counts.get("sendrecv", 0),
            "channel_sendonly_connections": counts.get("sendonly", 0),
            "channel_recvonly_connections": counts.get("recvonly", 0), "turn_transport_type": "udp",
            "created_time": int(c.created_at), "created_timestamp": timestamp(c.created_at),
            "total_received_bytes": 0, "total_sent_bytes": 0}
    if kind == "connection.destroyed":
        end = c.destroyed_at or now
        data |= {"destroyed_time": int(end), "destroyed_timestamp": timestamp(end)}
    return base(kind, now) | {"log_written": True} | connection_scope(c) | {"data": data}


def archive_event(kind: str, rec: Recording, a: Archive, now: float, extra: dict[str, Any]) -> dict[str, Any]:
    c = a.connection
    data = {"recording_id": rec.recording_id, "channel_id": c.channel_id, "session_id": c.session_id,
            "client_id": c.client_id, "bundle_id": c.bundle_id, "connection_id": c.connection_id,
            "created_at": int(rec.created_at), "audio": c.audio is not False, "video": c.video is not False,
            "start_time": int(a.start_time), "start_time_offset": offset(rec, a.start_time),
            "start_timestamp": timestamp(a.start_time)} | extra
    return base(kind, now) | {"log_written": True} | connection_scope(c) | {"data": data}


# --- files ---------------------------------------------------------------------------------------
def archive_file(rec: Recording, a: Archive, directory: Path, stem: str, start: float, stop: float,
                 size: int, *, inner_stop: bool = False) -> dict[str, Any]:
    """`inner_stop`: `stop` is where the next split piece starts, so its offset is rounded down like that piece's
    start_time_offset and consecutive pieces meet (hisui drops a piece that starts before the previous one stops);
    an archive's own end is rounded up, so its offsets cover what was recorded."""
    c = a.connection
    body = {"recording_id": rec.recording_id, "channel_id": c.channel_id, "session_id": c.session_id,
            "client_id": c.client_id, "bundle_id": c.bundle_id, "connection_id": c.connection_id,
            "file_path": str(directory / f"{stem}.{rec.params.format}"), "filename": f"{stem}.{rec.params.format}",
            "metadata_file_path": str(directory / f"{stem}.json"), "metadata_filename": f"{stem}.json",
            "format": rec.params.format, "audio": c.audio is not False, "video": c.video is not False,
            "created_at": int(rec.created_at), "start_time": int(start), "stop_time": int(stop),
            "start_time_offset": offset(rec, start), "stop_time_offset": offset(rec, stop, ceil=not inner_stop),
            "start_timestamp": timestamp(start), "stop_timestamp": timestamp(stop), "size": size}
    if rec.legacy:
        body.pop("session_id")
    return body


def split_archive_end_file(rec: Recording, a: Archive, directory: Path, stop: float, last_index: int) -> dict[str, Any]:
    end = archive_file(rec, a, directory, f"split-archive-end-{a.connection.connection_id}", a.start_time, stop, 0)
    for key in ("file_path", "filename", "metadata_file_path", "metadata_filename", "format", "size"):
        end.pop(key)
    return end | {"split_last_index": f"{last_index:04d}"}


def report_file(rec: Recording, directory: Path, archives: list[dict[str, Any]]) -> dict[str, Any]:
    stop = rec.stopped_at or rec.created_at
    name = f"report-{rec.recording_id}.json"
    report: dict[str, Any] = {"recording_id": rec.recording_id, "channel_id": rec.channel_id,
                              "file_path": str(directory / name), "filename": name,
                              "split_only": rec.params.split_only, "created_at": int(rec.created_at),
                              "start_timestamp": timestamp(rec.created_at), "stop_timestamp": timestamp(stop),
                              "archives": archives, "failed_archives": []}
    data = _recording_data(rec)
    for key in ("split_duration", "expire_time", "expired_at"):
        if key in data:
            report[key] = data[key]
    if rec.legacy:
        if "metadata" in data:
            report["metadata"] = data["metadata"]
        return report
    report["session_id"] = rec.session_id
    if rec.params.metadata is not UNSET:
        report["recording_metadata"] = rec.params.metadata
    return report
