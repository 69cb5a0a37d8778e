"""A small HTTP/1.1 server for the API: POST / only, Content-Length bodies, keep-alive.

Parsing stays here; what a request means is dispatch.py's job.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable
from typing import Any

Handler = Callable[[str, dict[str, str], bytes], Awaitable[tuple[int, Any]]]
MAX_BODY = 1 << 20
REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed", 413: "Payload Too Large",
           500: "Internal Server Error"}


class ApiServer:
    def __init__(self, host: str, port: int, handler: Handler) -> None:
        self._host, self._port, self._handler = host, port, handler
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._serve, self._host, self._port)
        return int(self._server.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            for writer in list(self._writers):
                writer.close()
            with contextlib.suppress(Exception):
                await self._server.wait_closed()
            self._server = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        try:
            while await self._one(reader, writer):
                pass
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            pass
        finally:
            self._writers.discard(writer)
            writer.close()

    async def _one(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        line = await reader.readline()
        if not line:
            return False
        parts = line.decode("latin-1").split()
        headers: dict[str, str] = {}
        while (raw := await reader.readline()) not in (b"\r\n", b"\n", b""):
            name, _, value = raw.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0") or 0)
        if len(parts) != 3 or length < 0:
            await _respond(writer, 400, {"error_type": "BAD-REQUEST", "message": "malformed HTTP request"}, False)
            return False
        if length > MAX_BODY:
            await _respond(writer, 413, {"error_type": "BODY-TOO-LARGE", "message": "body over 1 MiB"}, False)
            return False
        body = await reader.readexactly(length) if length else b""
        method, path = parts[0], parts[1]
        keep_alive = headers.get("connection", "").lower() != "close"
        if path.split("?", 1)[0] != "/" and not path.startswith("/control/"):
            status, answer = 404, {"error_type": "NOT-FOUND", "message": "the API lives at POST /"}
        elif method != "POST":
            status, answer = 405, {"error_type": "METHOD-NOT-ALLOWED", "message": "the API takes POST only"}
        else:
            status, answer = await self._handler(path, headers, body)
        await _respond(writer, status, answer, keep_alive)
        return keep_alive


async def _respond(writer: asyncio.StreamWriter, status: int, answer: Any, keep_alive: bool) -> None:
    body = json.dumps(answer, ensure_ascii=False).encode()
    head = (f"HTTP/1.1 {status} {REASONS.get(status, 'Error')}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: {'keep-alive' if keep_alive else 'close'}\r\n\r\n")
    writer.write(head.encode() + body)
    await writer.drain()
