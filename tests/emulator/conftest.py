"""In-process emulators with a webhook receiver, for the emulator's own tests."""
import pytest

from sora_conformance.clients import ClientPool
from sora_conformance.harness.capture import CaptureServer
from sora_emulator import Emulator, EmulatorConfig


@pytest.fixture(scope="session")
def receiver():
    server = CaptureServer(run_prefix="").start()
    yield server
    server.stop()


def config_for(receiver, base, **overrides):
    settings = dict(api_port=0, signaling_port=0, archive_dir=base / "archive", log_dir=base / "log",
                    session_destroy_delay=0.2, session_webhook_url=receiver.url("session"),
                    event_webhook_url=receiver.url("event"), auth_webhook_url=receiver.url("auth"))
    return EmulatorConfig(**(settings | overrides))


@pytest.fixture
def make_emulator(tmp_path, receiver):
    started = []

    def make(**overrides):
        emulator = Emulator(config_for(receiver, tmp_path, **overrides)).start()
        started.append(emulator)
        return emulator

    yield make
    for emulator in started:
        emulator.stop()


@pytest.fixture(scope="module")
def emulator(tmp_path_factory, receiver):
    running = Emulator(config_for(receiver, tmp_path_factory.mktemp("emulator"))).start()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def pool():
    clients = ClientPool()
    yield clients
    clients.close()
