"""The harness side of the client worker: connect sora-sdk clients without risking the pytest process."""
from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from ..media.signature import Signature, signature
from ..scrub import scrub, scrub_text


class ClientError(Exception):
    pass


class ClientConnectError(ClientError):
    """The server did not let the client in (refused, no offer, no connection.created)."""


class ClientCrashed(ClientError):
    """The worker process died: sora-sdk aborts on an offer it cannot use."""


@dataclass
class CloseInfo:
    code: str | None
    message: str | None


class _Worker:
    """One live worker process and the replies it owes."""

    def __init__(self) -> None:
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "sora_conformance.clients.worker"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
        self.pending: dict[int, Future[dict[str, Any]]] = {}
        self.closed_events: dict[str, dict[str, Any]] = {}
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)
        self.ready = threading.Event()
        self.dead: str | None = None
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            try:
                message = scrub(json.loads(line))  # offers, notifies, close reasons: the server may echo metadata
            except ValueError:
                continue
            if message.get("event") == "ready":
                self.ready.set()
            elif message.get("event") == "closed":
                with self.changed:
                    self.closed_events[message["handle"]] = message
                    self.changed.notify_all()
            else:
                with self.lock:
                    future = self.pending.pop(message.get("id"), None)
                if future is not None:
                    future.set_result(message)
        code = self.proc.wait()
        reason = f"client worker exited with {'signal ' + str(-code) if code < 0 else 'code ' + str(code)}"
        with self.changed:
            self.dead = reason + (" (SIGABRT: sora-sdk aborts on an offer it cannot use)" if code == -6 else "")
            pending, self.pending = self.pending, {}
            self.changed.notify_all()
        self.ready.set()
        for future in pending.values():
            future.set_exception(ClientCrashed(self.dead))

    def request(self, message: dict[str, Any], timeout: float) -> dict[str, Any]:
        future: Future[dict[str, Any]] = Future()
        with self.lock:
            if self.dead:
                raise ClientCrashed(self.dead)
            self.pending[message["id"]] = future
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(json.dumps(message) + "\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            pass  # the reader thread reports the death
        try:
            return future.result(timeout)
        except TimeoutError:
            raise ClientError(f"client worker gave no answer to {message['op']} within {timeout:.0f} s") from None

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                assert self.proc.stdin is not None
                self.proc.stdin.close()
                self.proc.wait(timeout=20)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()


def _scrubbed(reason: Any) -> Any:
    return scrub_text(reason) if isinstance(reason, str) else reason


@dataclass
class SoraClient:
    pool: ClientPool
    worker: _Worker
    handle: str
    channel_id: str
    role: str
    offer: dict[str, Any] = field(default_factory=dict)
    notifies: list[dict[str, Any]] = field(default_factory=list)
    close_info: CloseInfo | None = None
    signature: Signature = field(default_factory=lambda: signature(0))

    @property
    def connection_id(self) -> str | None:
        return self.offer.get("connection_id")

    @property
    def session_id(self) -> str | None:
        return self.offer.get("session_id")

    def disconnect(self, timeout: float = 10.0) -> CloseInfo:
        if self.close_info is None:
            try:
                reply = self.pool._request(self.worker, {"op": "disconnect", "handle": self.handle,
                                                         "timeout": timeout}, timeout + 5)
                self.close_info = CloseInfo(reply.get("code"), _scrubbed(reply.get("message")))
            except ClientCrashed as exc:
                self.close_info = CloseInfo(None, str(exc))
        self.pool._forget(self)
        return self.close_info

    def wait_closed(self, timeout: float = 10.0) -> CloseInfo:
        """Waits for a close the server started (DisconnectConnection, TerminateSession)."""
        with self.worker.changed:
            if not self.worker.changed.wait_for(
                    lambda: self.handle in self.worker.closed_events or self.worker.dead is not None, timeout):
                raise ClientError(f"client {self.connection_id} was not closed by the server within {timeout:.0f} s")
            event = self.worker.closed_events.get(self.handle)
        if event is None:
            raise ClientCrashed(self.worker.dead or "client worker died")
        self.close_info = CloseInfo(event.get("code"), _scrubbed(event.get("message")))
        self.pool._forget(self)
        return self.close_info

    def __enter__(self) -> SoraClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.disconnect()


class ClientPool:
    """Thread-safe; starts its worker on first use and a fresh one after a crash."""

    def __init__(self, timeout_multiplier: float = 1.0) -> None:
        self.multiplier = timeout_multiplier
        self._worker: _Worker | None = None
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._senders = itertools.count()
        self._clients: dict[str, SoraClient] = {}

    @property
    def worker_pid(self) -> int | None:
        """The live worker process (benchmarks read its CPU time), None before the first connect."""
        worker = self._worker
        return worker.proc.pid if worker is not None and not worker.dead else None

    def _live_worker(self) -> _Worker:
        with self._lock:
            if self._worker is None or self._worker.dead:
                self._worker = _Worker()
            worker = self._worker
        if not worker.ready.wait(60 * self.multiplier) or worker.dead:
            raise ClientCrashed(worker.dead or "client worker did not start")
        return worker

    def _request(self, worker: _Worker, message: dict[str, Any], timeout: float) -> dict[str, Any]:
        return worker.request({"id": next(self._ids)} | message, timeout)

    def connect(self, signaling_urls: list[str], channel_id: str, role: str = "sendonly", metadata: Any = None,
                audio: bool = True, video: bool = True, client_id: str | None = None,
                timeout: float = 10.0) -> SoraClient:
        worker = self._live_worker()
        handle = f"c{next(self._ids)}"
        sig = signature(next(self._senders))  # consecutive clients (a test's) never share a signature
        timeout *= self.multiplier
        reply = self._request(worker, {"op": "connect", "handle": handle, "signaling_urls": signaling_urls,
                                       "channel_id": channel_id, "role": role, "metadata": metadata,
                                       "audio": audio, "video": video, "client_id": client_id,
                                       "signature": sig.index, "timeout": timeout}, timeout + 10)
        client = SoraClient(self, worker, handle, channel_id, role, reply.get("offer") or {},
                            reply.get("notifies") or [], signature=sig)
        if not reply.get("ok"):
            # the server's close reason may echo the connect message (metadata, access_token)
            raise ClientConnectError(scrub_text(f"{role} client could not connect to channel {channel_id}: "
                                                f"{reply.get('error')}"))
        self._clients[handle] = client
        return client

    def _forget(self, client: SoraClient) -> None:
        self._clients.pop(client.handle, None)

    def close(self) -> None:
        for client in list(self._clients.values()):
            try:
                client.disconnect(timeout=5)
            except ClientError:
                pass
        with self._lock:
            worker, self._worker = self._worker, None
        if worker is not None:
            worker.stop()
