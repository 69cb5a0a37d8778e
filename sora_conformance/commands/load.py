"""`sora-conformance load`: recording judged under load, on Locust (sora_conformance/load/)."""
from __future__ import annotations

import argparse
import sys

from ..harness.config import ConfigError

HELP = ("record many sessions at once on Locust (embedded emulator unless a target is given), judge every "
        "recording with the contract's checks, and write reports/load/")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from ..load.options import add_arguments as load_arguments

    load_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from ..load.options import MAX_RUN_TIME, parse
    from ..load.processes import run_locust, worker_command

    try:
        options = parse(args)
    except ConfigError as exc:
        print(f"sora-conformance load: {exc}", file=sys.stderr)
        return 2
    if args.worker:  # the master forwards the run's settings when the run starts
        if not args.master_port:
            print("sora-conformance load: --worker needs the master's --master-port", file=sys.stderr)
            return 2
        args.report_dir.mkdir(parents=True, exist_ok=True)
        ran = run_locust(worker_command(args.master_host, args.master_port), [], MAX_RUN_TIME * 2,
                         args.report_dir / "locust-worker.log")
        return 128 + ran.stopped_by if ran.stopped_by else (ran.codes[0] or 0)
    from ..load.run import Outputs, run as run_load

    return run_load(options, Outputs(args.report_dir, not args.no_html, args.master_port))
