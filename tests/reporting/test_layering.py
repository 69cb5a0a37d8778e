"""The report writers read what tests report and the run facts; they never import the harness."""
import ast
from pathlib import Path

import sora_conformance.reporting as reporting


def imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            found.add("." * node.level + (node.module or ""))
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return found


def test_reporting_never_imports_the_harness():
    for path in Path(reporting.__file__).parent.glob("*.py"):
        harness = [m for m in imported_modules(path) if m.lstrip(".").startswith("harness")
                   or "sora_conformance.harness" in m]
        assert not harness, f"{path.name} imports {harness}"
