"""The API is a server facing any client: read deadlines, and a JSON 4xx for what it cannot or will not read."""
import http.client
import json
import logging
import socket
import struct
import time

import requests

READ_TIMEOUT = 0.5
HEAD = b"POST / HTTP/1.1\r\nHost: emulator\r\nx-sora-target: Sora_20231220.ListSessions\r\n"


def exchange(port, data):
    """Sends raw bytes and reads the answer with http.client: (status, JSON body)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(data)
        answer = http.client.HTTPResponse(sock)
        answer.begin()
        return answer.status, json.loads(answer.read())


def closed_within(sock, deadline):
    """Reads until the server closes the socket; True when that happens before the deadline."""
    sock.settimeout(max(deadline - time.monotonic(), 0.01))
    try:
        while sock.recv(65536):
            sock.settimeout(max(deadline - time.monotonic(), 0.01))
    except (TimeoutError, socket.timeout):
        return False
    except ConnectionError:
        pass
    return True


def test_half_sent_requests_are_closed_within_a_bounded_time(make_emulator):
    emulator = make_emulator(api_read_timeout=READ_TIMEOUT)
    partial = [HEAD[:20], HEAD, HEAD + b"Content-Length: 100\r\n\r\n{"]  # request line, headers, body
    sockets = [socket.create_connection(("127.0.0.1", emulator.api_port)) for _ in range(60)]
    for number, sock in enumerate(sockets):
        sock.sendall(partial[number % len(partial)])
    deadline = time.monotonic() + 2 * READ_TIMEOUT + 3  # head deadline, or body deadline + dropping the rest
    try:
        held = [number for number, sock in enumerate(sockets) if not closed_within(sock, deadline)]
    finally:
        for sock in sockets:
            sock.close()
    assert held == [], f"{len(held)} half-sent requests were still held open"
    assert exchange(emulator.api_port, HEAD + b"Content-Length: 2\r\n\r\n{}")[0] == 200


def test_non_numeric_content_length_is_answered_400(emulator):
    status, body = exchange(emulator.api_port, HEAD + b"Content-Length: twelve\r\n\r\n{}")
    assert status == 400 and body["error_type"]


def test_huge_header_line_is_answered_431(emulator):
    status, body = exchange(emulator.api_port, HEAD + b"X-Padding: " + b"a" * 100_000 + b"\r\n\r\n")
    assert status == 431 and body["error_type"]


def test_body_over_the_limit_is_answered_413(emulator):
    headers = {"x-sora-target": "Sora_20231220.ListSessions"}
    declared = requests.post(emulator.api_url, headers=headers, data=b"{" + b" " * (2 << 20) + b"}", timeout=10)
    chunked = requests.post(emulator.api_url, headers=headers, data=(b" " * 65536 for _ in range(40)), timeout=10)
    for answer in (declared, chunked):
        assert answer.status_code == 413 and answer.json()["error_type"]
    assert requests.post(emulator.api_url, headers=headers, json={}, timeout=5).status_code == 200


def test_dropped_connections_print_no_tracebacks(make_emulator, caplog, capfd):
    caplog.set_level(logging.INFO)
    emulator = make_emulator()
    for number in range(90):
        with socket.create_connection(("127.0.0.1", emulator.api_port)) as sock:
            sock.sendall([HEAD[:20], HEAD, HEAD + b"Content-Length: 100\r\n\r\n{"][number % 3])
            if number % 2:  # reset rather than close
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    assert exchange(emulator.api_port, HEAD + b"Content-Length: 2\r\n\r\n{}")[0] == 200
    emulator.stop()
    assert [r.getMessage() for r in caplog.records if r.exc_info or r.levelno >= logging.WARNING] == []
    assert "Traceback" not in capfd.readouterr().err


def test_deeply_nested_json_is_one_log_line_and_a_json_400(make_emulator, caplog):
    caplog.set_level(logging.INFO)
    emulator = make_emulator()
    for body in (b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 100_000 + b"1" + b"}" * 100_000):
        raw = HEAD + b"Content-Length: %d\r\n\r\n" % len(body) + body
        status, answer = exchange(emulator.api_port, raw)
        assert status == 400 and answer["error_type"] == "INVALID-JSON", answer
    assert [r for r in caplog.records if r.exc_info] == []
    assert [r.getMessage() for r in caplog.records if "nested" in r.getMessage()] == [
        "API refused a body: JSON nested too deeply to read"] * 2
    assert exchange(emulator.api_port, HEAD + b"Content-Length: 2\r\n\r\n{}")[0] == 200

