"""`sora-conformance`: one entry point, one module per subcommand (sora_conformance.commands.*).

Each subcommand module exposes `HELP: str`, `add_arguments(parser)` and `run(args) -> int`.
Exit codes: 0 success, 1 conformance failure / invalid input found, 2 usage or environment error.
"""
from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

SUBCOMMANDS: dict[str, str] = {
    "validate": "sora_conformance.commands.validate",
    "clauses": "sora_conformance.commands.clauses",
    "run": "sora_conformance.commands.run",
    "replay": "sora_conformance.commands.replay",
    "load": "sora_conformance.commands.load",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sora-conformance",
        description="Conformance suite and contract checks for Sora session-based recording.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module_name in SUBCOMMANDS.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue  # subcommand not built yet
            raise
        command_parser = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(command_parser)
        command_parser.set_defaults(handler=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        if getattr(args, "command", None) != "run":
            parser.error(f"unrecognized arguments: {' '.join(unknown)}")
        args.pytest_args = list(getattr(args, "pytest_args", [])) + unknown  # harness and pytest options
    if getattr(args, "handler", None) is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.handler(args))
    except KeyboardInterrupt:
        print("sora-conformance: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into head and the like
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
