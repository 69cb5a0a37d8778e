"""Reading a media file back: colours per frame, the dominant tone, the span, and what a broken file gives."""
import av

from sora_conformance.media.content import MOST, read_media, tone_matches
from sora_conformance.media.signature import PALETTE, TONES, audio_chunk, signature, video_frame

from .conftest import audio, video


def write(path, frames, tone_hz=None, amplitude=8000):
    with av.open(str(path), "w", format="webm") as container:
        stream = container.add_stream("libvpx", rate=10)
        stream.width, stream.height, stream.pix_fmt = 160, 120, "yuv420p"
        sound = container.add_stream("libopus", rate=48000) if tone_hz else None
        if sound is not None:
            sound.layout = "stereo"
        for index, colour in enumerate(frames):
            frame = video(colour)
            frame.pts = index
            container.mux(stream.encode(frame))
            for part in range(5) if sound is not None else ():
                chunk = audio(tone_hz, amplitude)
                chunk.pts = (index * 5 + part) * 960
                container.mux(sound.encode(chunk))
        container.mux(stream.encode())
        if sound is not None:
            container.mux(sound.encode())


def test_signatures_are_distinct_and_sent_in_sora_sdk_order():
    sigs = [signature(i) for i in range(len(PALETTE))]
    assert len({s.colour for s in sigs}) == len({s.tone_hz for s in sigs}) == len(PALETTE)
    assert {s.tone_hz for s in sigs} == set(TONES)
    assert tuple(video_frame(sigs[0])[-1, 0]) == sigs[0].colour[::-1]  # BGR, as sora-sdk's source takes it
    assert audio_chunk(sigs[0]).shape == (320, 1)


def test_a_file_of_one_signature(tmp_path):
    red = signature(0)
    write(tmp_path / "a.webm", [red.colour] * 15, red.tone_hz)
    content = read_media(tmp_path / "a.webm")
    assert content.error is None and content.share(red) == 1.0 and tone_matches(content, red)
    assert abs(content.span - 1.5) < 0.1


def test_another_connections_frames_are_counted(tmp_path):
    red, green = signature(0), signature(1)
    write(tmp_path / "a.webm", [red.colour] * 8 + [green.colour] * 4)
    content = read_media(tmp_path / "a.webm")
    assert content.frames_of(green) == 4 and content.share(red) < MOST


def test_silence_has_no_tone(tmp_path):
    red = signature(0)
    write(tmp_path / "a.webm", [red.colour] * 10, red.tone_hz, amplitude=0)
    assert read_media(tmp_path / "a.webm").tone_hz is None


def test_a_file_that_is_not_media_is_an_error_not_a_pass(tmp_path):
    (tmp_path / "a.webm").write_bytes(b"not a webm")
    content = read_media(tmp_path / "a.webm")
    assert content.error and not content.colours and content.span == 0.0
    assert content.share(signature(0)) == 0.0
