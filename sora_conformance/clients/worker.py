"""The client worker: a child process hosting sora-sdk connections, driven by JSON lines on stdin.

It exists for crash isolation: sora-sdk aborts the whole process (SIGABRT) on an offer it cannot use, and
that must fail one test, not the pytest run. Requests: {"id", "op", ...}; replies: {"id", "ok", ...};
unsolicited events: {"event": "closed", "handle", ...}.
"""
from __future__ import annotations

import itertools
import json
import sys
import threading
from typing import Any

from sora_sdk import Sora

from ..media.signature import AUDIO_RATE, signature
from .feeder import MediaFeeder, Sender


class Output:
    def __init__(self) -> None:
        self._lock = threading.Lock()

    def send(self, message: dict[str, Any]) -> None:
        with self._lock:
            sys.stdout.write(json.dumps(message) + "\n")
            sys.stdout.flush()


class Client:
    """One sora-sdk connection fed its own signature media (colour, tone) from the moment it is up until it closes."""

    def __init__(self, sora: Sora, feeder: MediaFeeder, out: Output, handle: str, req: dict[str, Any]) -> None:
        self.out = out
        self.feeder = feeder
        self.handle = handle
        self.role = req["role"]
        self.created = threading.Event()
        self.closed = threading.Event()
        self.offer: dict[str, Any] = {}
        self.notifies: list[dict[str, Any]] = []
        self.close_info: dict[str, Any] = {}
        self.signature = signature(int(req.get("signature", 0)))
        sends = self.role != "recvonly"
        self.audio = sora.create_audio_source(1, AUDIO_RATE) if sends and req.get("audio", True) else None
        self.video = sora.create_video_source() if sends and req.get("video", True) else None
        self.sender = Sender(self.signature, self.audio, self.video) if self.audio or self.video else None
        self.conn = sora.create_connection(
            signaling_urls=req["signaling_urls"], role=self.role, channel_id=req["channel_id"],
            client_id=req.get("client_id"), metadata=req.get("metadata"), audio=req.get("audio", True),
            video=req.get("video", True), audio_source=self.audio, video_source=self.video,
            video_codec_type="VP8", websocket_close_timeout=3, disconnect_wait_timeout=5)
        self.conn.on_set_offer = self._on_offer
        self.conn.on_notify = self._on_notify
        self.conn.on_disconnect = self._on_disconnect

    def stop_media(self) -> None:
        if self.sender is not None:
            self.feeder.remove(self.sender)

    def _on_offer(self, raw: str) -> None:
        self.offer = json.loads(raw)

    def _on_notify(self, raw: str) -> None:
        message = json.loads(raw)
        self.notifies.append(message)
        if (message.get("event_type") == "connection.created"
                and message.get("connection_id") == self.offer.get("connection_id")):
            if self.sender is not None and not self.closed.is_set():
                self.feeder.add(self.sender)  # the connection is up: start sending
            self.created.set()

    def _on_disconnect(self, code: Any, message: str) -> None:
        self.close_info = {"code": str(code), "message": message}
        self.stop_media()
        self.closed.set()
        self.created.set()  # wake a pending connect
        self.out.send({"event": "closed", "handle": self.handle, **self.close_info})


# libwebrtc answers a factory's offers one at a time, on that factory's signaling thread: with one factory, a
# burst of connects is set up one after the other on one core. Clients are spread over a few factories (each
# costs ~2 ms and under 1 MiB to make).
FACTORIES = 4


class Worker:
    def __init__(self, factories: list[Any] | None = None) -> None:
        self.factories = factories or [Sora() for _ in range(FACTORIES)]
        self._factory = itertools.cycle(self.factories)
        self.feeder = MediaFeeder()
        self.out = Output()
        self.clients: dict[str, Client] = {}

    def handle(self, req: dict[str, Any]) -> dict[str, Any]:
        op = req.get("op")
        if op == "connect":
            client = Client(next(self._factory), self.feeder, self.out, req["handle"], req)
            self.clients[req["handle"]] = client
            client.conn.connect()
            if not client.created.wait(req.get("timeout", 10)) or client.closed.is_set():
                reason = client.close_info.get("message") or "no connection.created notify for this connection"
                client.stop_media()
                if not client.closed.is_set():
                    client.conn.disconnect()
                return {"ok": False, "error": reason, "offer": client.offer}
            return {"ok": True, "offer": client.offer, "notifies": client.notifies}
        known = self.clients.get(req.get("handle", ""))
        if known is None:
            return {"ok": False, "error": "unknown client handle"}
        client = known
        if op == "disconnect":
            if not client.closed.is_set():
                client.conn.disconnect()
            client.stop_media()
            client.closed.wait(req.get("timeout", 10))
            return {"ok": True, **client.close_info}
        if op == "wait_closed":
            closed = client.closed.wait(req.get("timeout", 10))
            return {"ok": closed, **client.close_info, "error": None if closed else "still connected"}
        if op == "notifies":
            return {"ok": True, "notifies": client.notifies}
        return {"ok": False, "error": f"unknown op {op!r}"}

    def serve(self) -> None:
        self.out.send({"event": "ready"})
        for line in sys.stdin:
            try:
                req = json.loads(line)
            except ValueError:
                continue
            threading.Thread(target=self._run, args=(req,), daemon=True).start()

    def _run(self, req: dict[str, Any]) -> None:
        try:
            reply = self.handle(req)
        except Exception as exc:  # a bad request must not kill the other clients
            reply = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        self.out.send({"id": req.get("id")} | reply)


if __name__ == "__main__":
    Worker().serve()
