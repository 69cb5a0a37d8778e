"""`sora-emulator`: run the emulator standalone, with options named after sora.conf keys."""
from __future__ import annotations

import argparse
import dataclasses
import gc
import os
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from .config import ConfigError, EmulatorConfig, parse_sora_conf
from .faults import ALL_FAULTS, UnknownFault, known
from .runner import Emulator, EmulatorStartError


CONTROL_TOKEN_ENV = "SORA_EMULATOR_CONTROL_TOKEN"  # enables /control/stats for requests carrying it


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one clear line and exit 2, as argparse does, minus the usage dump
        self.exit(2, f"sora-emulator: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="sora-emulator", description="A Sora stand-in for the recording conformance suite.")
    p.add_argument("--config", type=Path, help="sora.conf-style file (key = value); options given here win")
    p.add_argument("--host", help="listen address (default 127.0.0.1)")
    p.add_argument("--api-port", type=int, help="API port (default 3000)")
    p.add_argument("--signaling-port", type=int, help="signaling port, path /signaling (default 5000)")
    p.add_argument("--session-webhook-url")
    p.add_argument("--event-webhook-url")
    p.add_argument("--auth-webhook-url")
    p.add_argument("--archive-dir", type=Path, help="where recordings are written (default ./archive)")
    p.add_argument("--log-dir", type=Path, help="webhook logs (default <archive-dir>/../log)")
    p.add_argument("--legacy-recording", action="store_true", default=None, help="enable legacy recording")
    p.add_argument("--session-destroy-delay", type=float, help="seconds from the last disconnect to destruction")
    p.add_argument("--recording-max-expire-time", type=int)
    p.add_argument("--recording-max-split-duration", type=int)
    p.add_argument("--recording-dual-output", action="store_true", default=None,
                   help="with split_duration (split_only false), write the single archive and the split files")
    p.add_argument("--session-updated-webhook-interval", type=float,
                   help="seconds between session.updated webhooks of a live session (default 60, as Sora; 0: none)")
    p.add_argument("--cluster-nodes", type=int, metavar="N",
                   help="run N nodes sharing one state, like a Sora cluster: node i listens on api-port + i and "
                        "signaling-port + i, and its webhooks name it in node_name (default 1)")
    p.add_argument("--fault", action="append", default=[], metavar="NAME", help="switch on a fault (repeatable)")
    p.add_argument("--list-faults", action="store_true", help="print the faults and the clause each breaks")
    return p


def config_from(args: argparse.Namespace) -> EmulatorConfig:
    settings: dict[str, Any] = {}
    if args.config is not None:
        try:
            text = args.config.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot read {args.config}: {exc.strerror}") from None
        settings |= parse_sora_conf(text, str(args.config))
    names = {f.name for f in dataclasses.fields(EmulatorConfig)}
    for key, value in vars(args).items():
        if key in names and value is not None:
            settings[key] = value
    if os.environ.get(CONTROL_TOKEN_ENV):  # from the environment, never the command line (ps shows that)
        settings["control_token"] = os.environ[CONTROL_TOKEN_ENV]
    faults = set(settings.get("faults", frozenset())) | set(args.fault)
    settings["faults"] = known(faults)  # unknown names are a usage error
    if settings.get("session_updated_webhook_interval", 0) < 0:
        raise ConfigError("session-updated-webhook-interval must be 0 (none) or more seconds")
    if not 1 <= settings.get("cluster_nodes", 1) <= 16:
        raise ConfigError("cluster-nodes must be from 1 to 16")
    for key in ("api_port", "signaling_port"):
        if key in settings and not 0 <= settings[key] <= 65535:
            raise ConfigError(f"{key.replace('_', '-')} must be from 0 to 65535")
    return EmulatorConfig(**settings)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.list_faults:
        width = max(len(name) for name in ALL_FAULTS)
        for fault in ALL_FAULTS.values():
            print(f"{fault.name:<{width}}  {fault.clause:<30}  {fault.description}")
        return 0
    try:
        config = config_from(args)
        emulator = Emulator(config).start()
    except (ConfigError, UnknownFault, EmulatorStartError) as exc:
        print(f"sora-emulator: {exc}", file=sys.stderr)
        return 2
    print(f"sora-emulator: API {', '.join(emulator.api_urls)}  signaling {', '.join(emulator.signaling_urls)}  "
          f"archive_dir {config.archive_dir}  faults {sorted(config.faults) or 'none'}", flush=True)
    stopped = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopped.set())
    # Everything imported and started so far lives as long as the process: keep it out of the collector, or
    # every full collection scans it while blocking the event loop (~40 ms here, in the middle of a burst).
    gc.freeze()
    stopped.wait()
    emulator.stop()
    print("sora-emulator: stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
