"""`sora-conformance clauses`: print the clause catalogue."""
from __future__ import annotations

import argparse
import dataclasses
import json

from ..catalogue import load_catalogue

HELP = "print the clause catalogue (what is checked, at which level, on what evidence)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def run(args: argparse.Namespace) -> int:
    catalogue = load_catalogue()
    if args.json:
        print(json.dumps([dataclasses.asdict(c) for c in catalogue], indent=2, ensure_ascii=False))
        return 0
    width = max(len(c.id) for c in catalogue)
    print(f"{'ID':<{width}}  LEVEL   EVIDENCE     AREA             CAPABILITY        STATEMENT")
    for c in catalogue:
        print(f"{c.id:<{width}}  {c.level:<6}  {c.evidence:<11}  {c.area:<15}  {c.capability or '-':<16}  {c.statement}")
    return 0
