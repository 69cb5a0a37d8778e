"""Relaying a webhook to another receiver (the operator's backend, or a worker behind the hub) and handing its
answer back.

A receiver may be slow or hostile, and must never hold what this run's webhooks need:
- the whole exchange (connect, send, answer head and body) ends within `deadline`: at the deadline the socket is
  shut down from the event loop, whatever the receiver trickles (urllib3's timeouts count per socket read);
- at most `max_answer` bytes of answer are read; a larger one is a 502;
- a redirect is returned to the poster as it came (status, body, Location), never followed;
- at most `concurrency` relays run at once, each on its own thread of this relay; one more is answered 503 at
  once instead of waiting, so a stalled backend holds a bounded number of connections for a bounded time.
The answer names no address of the receiver (the poster may be anyone on the network).
"""
from __future__ import annotations

import asyncio
import socket
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlsplit

from urllib3.connection import HTTPConnection, HTTPSConnection

from .webhook_server import Answer, Incoming, json_answer

HOP_BY_HOP = ("host", "content-length", "transfer-encoding", "connection", "keep-alive", "accept-encoding")
DEADLINE = 10.0  # s for a whole relayed exchange
MAX_ANSWER = 1 << 20  # a webhook answer is a small JSON object
FOREIGN_RELAYS = 16  # other channels' webhooks relayed to --forward-webhooks at once; more are answered 503


class Relay:
    def __init__(self, concurrency: int, deadline: float = DEADLINE, max_answer: int = MAX_ANSWER) -> None:
        self.concurrency = concurrency
        self.deadline = deadline
        self.max_answer = max_answer
        self._free = concurrency  # changed on the event loop only
        self._threads = ThreadPoolExecutor(concurrency, thread_name_prefix="webhook-relay")
        self._live: set[_Exchange] = set()

    async def post(self, url: str, incoming: Incoming) -> Answer:
        if self._free <= 0:
            return json_answer({"error": f"relay busy: {self.concurrency} relayed webhooks in progress"}, 503)
        self._free -= 1
        headers = {k: v for k, v in incoming.headers.items() if k.lower() not in HOP_BY_HOP}
        call = _Exchange(url, headers | {"Accept-Encoding": "identity"}, incoming.body, self.deadline,
                         self.max_answer)
        self._live.add(call)
        try:
            work = asyncio.get_running_loop().run_in_executor(self._threads, call.run)
            return await asyncio.wait_for(work, self.deadline)
        except TimeoutError:
            call.abort()  # its thread's pending read returns now
            return json_answer({"error": f"relay failed: no whole answer within {self.deadline:g} s"}, 504)
        finally:
            call.abort()  # a no-op once it is done; when the server stops mid-relay, it ends the thread
            self._live.discard(call)
            self._free += 1

    def close(self) -> None:
        for call in list(self._live):
            call.abort()
        self._threads.shutdown(wait=False, cancel_futures=True)


class _Exchange:
    """One POST on its own connection (the socket is ours to shut down), run on a relay thread."""

    def __init__(self, url: str, headers: dict[str, str], body: bytes, deadline: float, max_answer: int) -> None:
        self.url, self.headers, self.body = url, headers, body
        self.deadline, self.max_answer = deadline, max_answer
        self._connection: HTTPConnection | None = None
        self._aborted = False

    def run(self) -> Answer:
        try:
            return self._post()
        except Exception as exc:  # the poster learns nothing of the receiver's address
            return json_answer({"error": f"relay failed: {type(exc).__name__}"}, 502)
        finally:
            if self._connection is not None:
                self._connection.close()

    def _post(self) -> Answer:
        parts = urlsplit(self.url)
        kind = HTTPSConnection if parts.scheme == "https" else HTTPConnection
        self._connection = connection = kind(parts.hostname or "", parts.port, timeout=self.deadline)
        connection.connect()
        if self._aborted:  # the deadline passed while connecting: abort() found no socket to shut down
            raise TimeoutError("aborted")
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.request("POST", target, body=self.body, headers=self.headers, preload_content=False,
                           decode_content=False)
        response = connection.getresponse()
        body = response.read(self.max_answer + 1)
        if len(body) > self.max_answer:
            return json_answer({"error": f"relay failed: the answer is over {self.max_answer} bytes"}, 502)
        return Answer(response.status, body, response.headers.get("content-type", "application/json"),
                      location=response.headers.get("location"))

    def abort(self) -> None:
        self._aborted = True
        sock: Any = getattr(self._connection, "sock", None)
        if isinstance(sock, socket.socket):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
