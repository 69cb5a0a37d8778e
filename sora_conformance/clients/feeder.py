"""One thread paces the signature media of every connected client of a worker process.

A client starts sending once its connection is up (the server's `connection.created` notify for it): before
that, libwebrtc would already run its Opus and VP8 encoders on frames nobody can receive yet, and with many
clients connecting at once that work slows every handshake still in progress. One thread for all clients
(a 20 ms audio chunk each tick, a video frame every 100 ms, as a microphone and a camera deliver them)
replaces a thread per client waking 50 times a second.
"""
from __future__ import annotations

import threading
import time
from typing import Any, Protocol

from ..media.signature import FPS, Signature, audio_chunk, video_frame

TICK = 0.02  # seconds of audio per chunk
VIDEO_EVERY = round(1 / FPS / TICK)  # ticks between video frames


class AudioSource(Protocol):
    def on_data(self, data: Any) -> None: ...


class VideoSource(Protocol):
    def on_captured(self, frame: Any) -> None: ...


class Sender:
    """One client's sources and its signature media, fed from its first tick on."""

    def __init__(self, sig: Signature, audio: AudioSource | None, video: VideoSource | None) -> None:
        self.audio = audio
        self.video = video
        self._signature = sig
        self._tone = audio_chunk(sig)
        self._ticks = 0
        self._frames = 0
        self.stopped = False  # set by MediaFeeder.remove: a stopped sender is never fed again

    def tick(self) -> None:
        if self.audio is not None:
            self.audio.on_data(self._tone)
        if self.video is not None and self._ticks % VIDEO_EVERY == 0:  # the first tick sends a frame at once
            self.video.on_captured(video_frame(self._signature, self._frames))  # numbered: drops show
            self._frames += 1
        self._ticks += 1


class MediaFeeder:
    """Thread-safe. Its thread starts with the first sender and sleeps while there is none."""

    def __init__(self, tick: float = TICK) -> None:
        self._tick = tick
        self._changed = threading.Condition()
        self._senders: list[Sender] = []
        self._closed = False
        self._thread: threading.Thread | None = None

    def add(self, sender: Sender) -> None:
        with self._changed:
            if self._closed or sender.stopped or sender in self._senders:
                return
            self._senders.append(sender)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="media-feeder", daemon=True)
                self._thread.start()
            self._changed.notify_all()

    def remove(self, sender: Sender) -> None:
        with self._changed:
            sender.stopped = True  # even if not yet added: a late add (the notify racing a close) is ignored
            if sender in self._senders:
                self._senders.remove(sender)

    def __contains__(self, sender: object) -> bool:
        with self._changed:
            return sender in self._senders

    def close(self) -> None:
        with self._changed:
            self._closed = True
            self._senders.clear()
            self._changed.notify_all()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        deadline = time.monotonic()
        while True:
            with self._changed:
                while not self._senders and not self._closed:
                    self._changed.wait()  # idle: nothing to pace
                    deadline = time.monotonic()
                if self._closed:
                    return
                senders = list(self._senders)
            for sender in senders:
                try:
                    sender.tick()
                except Exception:  # a source that fails (its connection torn down) must not silence the others
                    self.remove(sender)
            deadline += self._tick
            delay = deadline - time.monotonic()
            if delay < -self._tick:
                deadline = time.monotonic()  # fell behind (a loaded machine): skip ahead instead of bursting
            elif delay > 0:
                with self._changed:
                    # Pacing, as a real capture device delivers media: there is no event to wait for.
                    self._changed.wait_for(lambda: self._closed, delay)  # sleep-ok: media pacing (20 ms audio)
