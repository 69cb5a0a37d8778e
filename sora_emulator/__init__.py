"""A Sora stand-in for the conformance suite: real signaling (sora-sdk compatible), sessions, session and
legacy recording, webhooks and recording files, with named faults."""
from .config import EmulatorConfig
from .faults import FAULTS, Fault
from .runner import Emulator, EmulatorStartError

__all__ = ["Emulator", "EmulatorConfig", "EmulatorStartError", "FAULTS", "Fault"]
