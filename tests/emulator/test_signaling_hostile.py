"""Bad signaling input is the client's fault: a 4400-range close with one log line, never 1011 or a traceback."""
import asyncio
import json
import logging

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

CONNECT = json.dumps({"type": "connect", "role": "sendonly", "channel_id": "sig-hostile"})
BAD_MESSAGES = {
    "deep-json": "[" * 100_000,
    "non-json": "not json at all",
    "not-an-object": "[1, 2]",
    "invalid-candidate": json.dumps({"type": "candidate", "candidate": "candidate:garbage"}),
    "candidate-not-a-string": json.dumps({"type": "candidate", "candidate": {"deep": [1]}}),
    "garbage-sdp": json.dumps({"type": "answer", "sdp": "v=0\r\nthis is not SDP\r\n"}),
    "answer-without-sdp": json.dumps({"type": "answer"}),
}


async def close_code_after(url, messages):
    """Sends the messages in turn (reading the offer after a connect) and returns the close code received,
    or None when the socket is still open after 10 s."""
    async with connect(url, max_size=None) as ws:
        try:
            async with asyncio.timeout(10):
                for message in messages:
                    await ws.send(message)
                    if message == CONNECT:
                        assert json.loads(await ws.recv())["type"] == "offer"
                while True:  # pings may come before the close
                    await ws.recv()
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None
        except TimeoutError:
            return None


def no_tracebacks(caplog, capfd):
    assert [r.getMessage() for r in caplog.records if r.exc_info] == []
    assert "Traceback" not in capfd.readouterr().err


# Each bad message after a good connect; the malformed ones also in place of the connect.
CASES = [(name, False) for name in BAD_MESSAGES] + [(name, True) for name in ("deep-json", "non-json", "not-an-object")]


@pytest.mark.parametrize("name, first", CASES, ids=[f"{n}{'-as-first' if f else ''}" for n, f in CASES])
def test_bad_message_closes_4400_with_one_log_line(make_emulator, caplog, capfd, name, first):
    caplog.set_level(logging.INFO)
    emulator = make_emulator(auth_webhook_url=None)
    messages = [BAD_MESSAGES[name]] if first else [CONNECT, BAD_MESSAGES[name]]
    code = asyncio.run(close_code_after(emulator.signaling_url, messages))
    emulator.stop()  # waits for every handler to finish: whatever they log is in caplog now
    assert code is not None and 4400 <= code < 4500
    lines = [r.getMessage() for r in caplog.records if r.name == "sora_emulator.signaling"]
    assert len(lines) == 1, lines
    no_tracebacks(caplog, capfd)


def test_dropped_connections_print_no_tracebacks(make_emulator, caplog, capfd):
    caplog.set_level(logging.INFO)
    emulator = make_emulator(auth_webhook_url=None)

    async def connect_and_drop(number):
        async with connect(emulator.signaling_url) as ws:
            if number % 2:
                await ws.send(CONNECT)
            ws.transport.abort()  # gone without a close frame, before or while the offer is sent

    async def many():
        await asyncio.gather(*(connect_and_drop(n) for n in range(100)), return_exceptions=True)

    asyncio.run(many())
    emulator.stop()
    no_tracebacks(caplog, capfd)
