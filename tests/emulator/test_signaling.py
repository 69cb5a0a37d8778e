"""Signaling as sora-sdk needs it: offer fields, bad input, clean shutdown."""
import asyncio
import json

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus


async def exchange(url, first):
    async with connect(url) as ws:
        await ws.send(first)
        try:
            return json.loads(await asyncio.wait_for(ws.recv(), 10))
        except ConnectionClosed as closed:
            return {"closed": closed.rcvd.code if closed.rcvd else None,
                    "reason": closed.rcvd.reason if closed.rcvd else ""}


def test_offer_carries_every_field_the_sdk_requires(emulator):
    message = json.dumps({"type": "connect", "role": "sendonly", "channel_id": "sig-offer", "audio": True,
                          "video": True})
    offer = asyncio.run(exchange(emulator.signaling_url, message))
    assert offer["type"] == "offer" and offer["sdp"].startswith("v=0")
    assert len(offer["connection_id"]) == 26 and len(offer["session_id"]) == 26
    assert offer["config"]["iceServers"] == []
    assert "a=candidate" in offer["sdp"]  # the SDK ignores server candidates: they must be in the offer


def test_offer_bundles_audio_and_video_on_one_transport(emulator):
    message = json.dumps({"type": "connect", "role": "sendonly", "channel_id": "sig-bundle"})
    sdp = asyncio.run(exchange(emulator.signaling_url, message))["sdp"]
    ports = {line.split()[1] for line in sdp.splitlines() if line.startswith("m=")}
    assert "a=group:BUNDLE 0 1" in sdp and len(ports) == 1  # as Sora offers: one ICE and DTLS transport


@pytest.mark.parametrize("first", ["not json", '{"type": "offer"}', '{"type": "connect", "role": "x", "channel_id": "c"}',
                                   '{"type": "connect", "role": "sendonly"}'])
def test_bad_connect_messages_are_closed_with_a_reason(emulator, first):
    result = asyncio.run(exchange(emulator.signaling_url, first))
    assert result["closed"] == 4400 and result["reason"]
    ok = asyncio.run(exchange(emulator.signaling_url, json.dumps(
        {"type": "connect", "role": "recvonly", "channel_id": "sig-after-bad"})))
    assert ok["type"] == "offer"


def test_other_paths_are_not_signaling(emulator):
    with pytest.raises(InvalidStatus, match="404"):
        asyncio.run(exchange(emulator.signaling_url.replace("/signaling", "/other"), "{}"))


def test_the_offer_has_one_candidate_on_the_address_the_emulator_listens_on(emulator):
    message = json.dumps({"type": "connect", "role": "sendonly", "channel_id": "sig-candidate"})
    sdp = asyncio.run(exchange(emulator.signaling_url, message))["sdp"]
    found = {line.split()[4] for line in sdp.splitlines() if line.startswith("a=candidate")}
    assert found == {emulator.config.host}  # not every interface's address: media stays on 127.0.0.1
