"""A client crash (sora-sdk aborts on a bad offer) fails that call only; the next client works."""
import asyncio
import json
import threading

import pytest
from websockets.asyncio.server import serve

from sora_conformance.clients import ClientCrashed, ClientPool


@pytest.fixture
def bad_server():
    """Answers connect with an offer lacking connection_id and config: sora-sdk aborts on that."""
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    holder = {}

    async def handler(ws):
        await ws.recv()
        await ws.send(json.dumps({"type": "offer", "sdp": "v=0\r\n"}))
        await ws.wait_closed()

    async def main():
        async with serve(handler, "127.0.0.1", 0) as server:
            holder["port"] = next(iter(server.sockets)).getsockname()[1]
            holder["stop"] = loop.create_future()
            ready.set()
            await holder["stop"]

    thread = threading.Thread(target=loop.run_until_complete, args=(main(),), daemon=True)
    thread.start()
    ready.wait(10)
    yield f"ws://127.0.0.1:{holder['port']}/signaling"
    loop.call_soon_threadsafe(holder["stop"].set_result, None)
    thread.join(10)


def test_a_crashing_client_raises_and_the_next_one_works(bad_server, tmp_path):
    from sora_emulator import Emulator, EmulatorConfig

    pool = ClientPool()
    try:
        with pytest.raises(ClientCrashed, match="exited"):
            pool.connect([bad_server], "crash", "sendonly", timeout=5)
        with Emulator(EmulatorConfig(api_port=0, signaling_port=0, archive_dir=tmp_path)) as emulator:
            client = pool.connect([emulator.signaling_url], "after-crash", "sendonly")
            assert client.connection_id
            client.disconnect()
    finally:
        pool.close()
