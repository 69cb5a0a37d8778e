"""`replay` always ends: every post has one deadline (--timeout) for all of it and reads at most 4 MiB of an
answer, whatever the receiver does; a receiver that trickles, streams for ever or never answers fails its
payloads (exit 1) within --timeout per post plus a bounded margin."""
from __future__ import annotations

import json
import re
import socket
import ssl
import time

import pytest
from pytest_httpserver import HTTPServer

from sora_conformance.cli import main

TIMEOUT = 0.3
MARGIN = 0.5  # per post, beyond --timeout: connecting, the watchdog waking up, a busy machine
STARTUP = 5.0  # loading the schemas, printing, a busy machine (a hang lasts LIFETIME = 30 s per connection)


def trickle_head(conn: socket.socket, pause) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
    while pause(0.02):
        conn.sendall(b"a")  # each byte well within --timeout: no read ever times out


def trickle_status_line(conn: socket.socket, pause) -> None:
    while pause(0.02):
        conn.sendall(b"H")


def trickle_body(conn: socket.socket, pause) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000000\r\n\r\n")
    while pause(0.02):
        conn.sendall(b" ")


def endless_body(conn: socket.socket, pause) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n")
    chunk = b" " * 65536
    while pause(0):
        conn.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))


def never_answers(conn: socket.socket, pause) -> None:
    while pause(0.1):
        pass


HOSTILE = {"trickles its headers": (trickle_head, "no answer within 0.3 s (timeout)"),
           "trickles its status line": (trickle_status_line, "no answer within 0.3 s (timeout)"),
           "trickles its body": (trickle_body, "answer not complete within 0.3 s (timeout)"),
           "streams an endless body": (endless_body, "the answer is longer than 4 MiB (cut there"),
           "never answers": (never_answers, "no answer within 0.3 s (timeout)")}


@pytest.mark.parametrize("behaviour", list(HOSTILE))
def test_a_hostile_receiver_fails_its_payloads_within_the_timeout(raw_receiver, tmp_path, capsys, behaviour):
    serve, reason = HOSTILE[behaviour]
    receiver = raw_receiver(serve)
    started = time.monotonic()
    code = main(["replay", "--to", receiver.url, "--types", "session.destroyed", "--timeout", str(TIMEOUT),
                 "--failures-dir", str(tmp_path)])
    elapsed = time.monotonic() - started
    out = capsys.readouterr().out
    posts = receiver.connections  # the reachability probe connects too
    assert code == 1 and f"FAIL session.destroyed: {reason}" in out
    assert elapsed < posts * (TIMEOUT + MARGIN) + STARTUP, f"{posts} connections took {elapsed:.1f} s"


def test_generated_payloads_end_too(raw_receiver, tmp_path, capsys):
    receiver = raw_receiver(trickle_head)
    started = time.monotonic()
    code = main(["replay", "--to", receiver.url, "--types", "session.destroyed", "--timeout", str(TIMEOUT),
                 "--generate", "2", "--seed", "1", "--failures-dir", str(tmp_path)])
    elapsed = time.monotonic() - started
    posted = int(re.search(r"(\d+) payloads posted", capsys.readouterr().out).group(1))
    assert code == 1 and elapsed < posted * (TIMEOUT + MARGIN) + STARTUP


def test_a_40_kb_session_created_answer_is_read_whole(httpserver: HTTPServer, tmp_path, capsys):
    answer = {"recording": True, "recording_metadata": {"notes": "x" * 40_000}}
    httpserver.expect_request(re.compile(".*"), method="POST").respond_with_json(answer)
    code = main(["replay", "--to", httpserver.url_for("/hooks"), "--types", "session.created",
                 "--failures-dir", str(tmp_path)])
    assert code == 0, capsys.readouterr().out


def test_an_answer_over_the_cap_is_reported_cut_not_as_invalid_json(httpserver: HTTPServer, tmp_path, capsys):
    answer = json.dumps({"recording": False, "session_metadata": {"notes": "x" * (5 << 20)}})
    httpserver.expect_request(re.compile(".*"), method="POST").respond_with_data(
        answer, content_type="application/json")
    code = main(["replay", "--to", httpserver.url_for("/hooks"), "--types", "session.created",
                 "--failures-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 1 and "the answer is longer than 4 MiB (cut there" in out and "not JSON" not in out


def answers_garbage(conn: socket.socket, pause) -> None:
    conn.sendall(b"SSH-2.0-OpenSSH_9.6\r\n\r\n")


def hangs_up_mid_body(conn: socket.socket, pause) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{")


@pytest.mark.parametrize("serve, reason", [(answers_garbage, "not an HTTP answer (BadStatusLine"),
                                           (hangs_up_mid_body, "connection dropped or refused (IncompleteRead")],
                         ids=["not-http", "cut-mid-body"])
def test_an_answer_that_is_not_http_or_cut_short_says_which(raw_receiver, tmp_path, capsys, serve, reason):
    receiver = raw_receiver(serve)
    code = main(["replay", "--to", receiver.url, "--types", "session.destroyed", "--failures-dir", str(tmp_path)])
    assert code == 1 and f"FAIL session.destroyed: {reason}" in capsys.readouterr().out



def test_a_tls_receiver_that_trickles_its_headers_ends_at_the_deadline(raw_receiver, certificate, tmp_path, capsys,
                                                                       monkeypatch):
    from sora_conformance.replay import post

    cert, key = certificate
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert, key)
    monkeypatch.setattr(post.Poster, "_tls", ssl.create_default_context(cafile=str(cert)))  # trust it
    receiver = raw_receiver(trickle_head, tls=server)
    started = time.monotonic()
    code = main(["replay", "--to", receiver.url, "--types", "session.destroyed", "--timeout", str(TIMEOUT),
                 "--failures-dir", str(tmp_path)])
    elapsed = time.monotonic() - started
    assert code == 1 and "FAIL session.destroyed: no answer within 0.3 s (timeout)" in capsys.readouterr().out
    assert elapsed < receiver.connections * (TIMEOUT + MARGIN) + STARTUP
