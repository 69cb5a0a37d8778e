"""The emulator's side of one WebRTC connection (aiortc), shaped the way sora-sdk expects."""
from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from aiortc import RTCBundlePolicy, RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import AudioStreamTrack, VideoStreamTrack
from aiortc.sdp import candidate_from_sdp

from ..media import tap
from . import candidates
from .messages import BadMessage

tap.install()
candidates.install()

# Direction of our transceivers, seen from the server, for each client role.
SERVER_DIRECTION = {"sendonly": "recvonly", "recvonly": "sendonly", "sendrecv": "sendrecv"}
RECEIVING = ("recvonly", "sendrecv")


class Peer:
    def __init__(self, role: str, on_connected: Callable[[], object], host: str = "127.0.0.1") -> None:
        # No ICE servers: aiortc would otherwise reach out to a public STUN server.
        self._pc = RTCPeerConnection(RTCConfiguration(iceServers=[], bundlePolicy=RTCBundlePolicy.MAX_BUNDLE))
        self._host = host
        self._closed = False
        self._close_lock = asyncio.Lock()
        self.media = tap.MediaTap()  # what this connection sends, decoded while an archive records it
        direction = SERVER_DIRECTION[role]
        for kind, track in (("audio", AudioStreamTrack), ("video", VideoStreamTrack)):
            if direction == "recvonly":
                self._pc.addTransceiver(kind, direction="recvonly")
            else:
                self._pc.addTransceiver(track(), direction=direction)

        @self._pc.on("track")
        def _on_track(track: object) -> None:
            # Emitted in setRemoteDescription, before the receiver starts its decoder thread.
            tap.attach(track, self.media)

        @self._pc.on("connectionstatechange")
        async def _on_state() -> None:
            if self._pc.connectionState == "connected":
                on_connected()

    async def create_offer(self) -> str:
        # aiortc gathers every candidate in setLocalDescription, so the SDP carries them (Sora is ICE-lite
        # and the SDK ignores server-sent candidates).
        candidates.offer_on(self._host)
        await self._pc.setLocalDescription(await self._pc.createOffer())
        return self._pc.localDescription.sdp

    def mids(self) -> dict[str, str]:
        return {t.kind: t.mid for t in self._pc.getTransceivers() if t.mid is not None}

    async def set_answer(self, sdp: str) -> None:
        try:
            await self._pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="answer"))
        except Exception as exc:  # aiortc fails in many ways on a bad SDP; each is the client's error
            raise BadMessage(f"answer SDP rejected ({type(exc).__name__})") from None
        # After the answer, as aiortc enables the receivers when it applies their direction.
        self.media.bind([t.receiver for t in self._pc.getTransceivers() if t.currentDirection in RECEIVING])

    async def add_candidate(self, line: str) -> None:
        if not line:
            return  # end of candidates
        text = line.split(":", 1)[1] if line.startswith("candidate:") else line
        try:
            candidate = candidate_from_sdp(text)
        except Exception:  # the parser indexes and converts fields without checking them first
            raise BadMessage("candidate is not an ICE candidate line") from None
        # The SDK sends no sdpMid; with BUNDLE every candidate belongs to the first transport.
        candidate.sdpMid = self._pc.getTransceivers()[0].mid
        candidate.sdpMLineIndex = 0
        with contextlib.suppress(Exception):
            await self._pc.addIceCandidate(candidate)

    async def close(self) -> None:
        async with self._close_lock:
            if self._closed:
                return
            self._closed = True
            await self._pc.close()
            for transceiver in self._pc.getTransceivers():
                if transceiver.receiver.track is not None:
                    tap.detach(transceiver.receiver.track)
