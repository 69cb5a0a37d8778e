"""A client nobody on the project wrote: Shiguredo's sora-js-sdk (pinned, `make sora-js-sdk`) in Debian's headless
Chromium, with its fake camera and microphone, connects to the embedded emulator, is recorded and leaves. Its
archive holds Chromium's ~640x480 ~20 fps video, passes the contract's file checks and container checks (Sora's WebM
shape, finalised), and hisui reads, decodes and composes it. Everything listens on 127.0.0.1; Chromium's
background networking is off."""
import functools
import http.server
import os
import shutil
import threading
import uuid

import av
import pytest

from sora_conformance.composing.check import check_recording, media_files, ready_hisui
from sora_conformance.contract.containers import check_media
from sora_conformance.contract.files import validate_archive_dir
from sora_conformance.paths import REPO_ROOT
from sora_conformance.harness.capture import CaptureServer
from sora_emulator import Emulator, EmulatorConfig

pytestmark = pytest.mark.slow

PAGE = REPO_ROOT / "tests" / "browser" / "page" / "index.html"
SDK = REPO_ROOT / ".tools" / "sora-js-sdk" / "node_modules" / "sora-js-sdk" / "dist" / "sora.js"
SDK_VERSION = "2026.1.0"  # the Makefile's pin
RECORD = 2.0  # seconds the browser sends while it is recorded
WAIT = 20.0  # seconds for each awaited webhook (a browser's first connect is slower than sora-sdk's)
# Chromium's own flags for a test browser (official-clients.md): a fake camera and microphone granted without a
# prompt, loopback ICE candidates allowed (the emulator offers 127.0.0.1 only), nothing fetched in the background.
FLAGS = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream", "--allow-loopback-in-peer-connection",
         "--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--no-first-run", "--no-default-browser-check", "--metrics-recording-only"]


def needed(present: bool, what: str) -> None:
    """Skips with one line where a tool is missing; under CI it must be there."""
    if not present:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{what} is missing under CI")
        pytest.skip(f"{what} is missing")


@pytest.fixture
def chromium():
    path = shutil.which("chromium")
    needed(path is not None, "Debian's chromium (make chromium)")
    needed(SDK.is_file(), f"sora-js-sdk {SDK_VERSION} under .tools (make sora-js-sdk; needs npm)")
    playwright = pytest.importorskip("playwright.sync_api", reason="playwright (pip install -e '.[dev]')")
    return path, playwright


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the base class's name) - no access log in test output
        pass


@pytest.fixture
def page_url(tmp_path):
    """The page and the SDK's own ESM bundle, served from 127.0.0.1 (getUserMedia needs a trustworthy origin)."""
    site = tmp_path / "site"
    site.mkdir()
    shutil.copyfile(PAGE, site / "index.html")
    shutil.copyfile(SDK, site / "sora.js")
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    server.shutdown()
    server.server_close()


@pytest.fixture
def browser(chromium, tmp_path):
    path, playwright = chromium
    with playwright.sync_playwright() as driver:
        # a fresh profile of its own: never the user's, nothing kept between runs
        context = driver.chromium.launch_persistent_context(str(tmp_path / "profile"), executable_path=path,
                                                            headless=True, args=FLAGS)
        yield context
        context.close()


@pytest.fixture
def capture():
    server = CaptureServer(run_prefix="browser").start()
    yield server
    server.stop()


@pytest.fixture
def emulator(tmp_path, capture):
    config = EmulatorConfig(api_port=0, signaling_port=0, archive_dir=tmp_path / "archive", log_dir=tmp_path / "log",
                            session_destroy_delay=0.3, session_webhook_url=capture.url("session"),
                            event_webhook_url=capture.url("event"), auth_webhook_url=capture.url("auth"))
    running = Emulator(config).start()
    yield running
    running.stop()


def test_a_sora_js_sdk_sender_in_chromium_is_recorded_and_composed(browser, page_url, emulator, capture, tmp_path):
    channel = f"browser-{uuid.uuid4().hex[:10]}"
    capture.answer(channel, "session.created", {"recording": True})
    page = browser.new_page()
    page.goto(page_url)
    page.wait_for_function("window.ready === true")
    sent = page.evaluate("([url, channel]) => send(url, channel)", [emulator.signaling_url, channel])
    assert sent["sdk"] == SDK_VERSION
    cid = sent["connectionId"]
    capture.wait_for("archive.started", channel, clause="browser", timeout=WAIT,
                     match=lambda r: r.data().get("connection_id") == cid)
    threading.Event().wait(RECORD)  # sleep-ok: the recorded interval itself
    page.evaluate("leave()")
    report = capture.wait_for("recording.report", channel, clause="browser", timeout=WAIT, endpoint="session")
    directory = tmp_path / "archive" / str(report.data()["recording_id"])

    with av.open(str(directory / f"archive-{cid}.webm")) as media:
        video = media.streams.video[0]
        frames = [f.time for f in media.decode(video)]
        assert (video.codec_context.width, video.codec_context.height) == (640, 480)
        assert any(s.type == "audio" for s in media.streams)
    fps = (len(frames) - 1) / (frames[-1] - frames[0])
    assert 15 <= fps <= 25, f"{len(frames)} frames over {frames[-1] - frames[0]:.2f} s"
    assert frames[-1] - frames[0] >= RECORD - 0.5

    contract = [str(v) for r in validate_archive_dir(directory) for v in r.violations if v.fails()]
    assert contract == [] and all(r.error is None for r in validate_archive_dir(directory))
    containers = [check_media(path) for path in media_files(directory)]  # FILE-WEBM-SHAPE, FILE-FINALISED
    assert containers and all(c.kind == "webm" and c.error is None for c in containers)
    assert [str(f) for c in containers for f in c.findings] == []
    composed = check_recording(ready_hisui(), directory)
    assert [f.title for f in composed.findings] == []
    assert composed.composition is not None and composed.composition.output_seconds >= RECORD - 0.5
