"""Examples as tests: every schema accepts its valid examples and rejects each invalid one for its clause."""
import json
from pathlib import Path

import pytest

from sora_conformance.paths import fixtures_dir
from sora_conformance.contract.schemas import schema_names
from sora_conformance.contract.validator import validate

VALID = sorted((fixtures_dir() / "valid").glob("*/*.json"))
INVALID = sorted((fixtures_dir() / "invalid").glob("*/*.json"))


def _id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


@pytest.mark.parametrize("name", schema_names())
def test_every_schema_has_minimal_and_full_valid_examples(name):
    folder = fixtures_dir() / "valid" / name
    assert (folder / "minimal.json").is_file() and (folder / "full.json").is_file()


@pytest.mark.parametrize("path", VALID, ids=_id)
def test_valid_example_is_accepted(path):
    assert validate(json.loads(path.read_text()), path.parent.name) == []


@pytest.mark.parametrize("path", INVALID, ids=_id)
def test_invalid_example_is_rejected_for_its_clause(path):
    example = json.loads(path.read_text())
    violations = validate(example["payload"], path.parent.name)
    assert example["clause"] in {v.clause for v in violations}, (example["reason"], [str(v) for v in violations])


def test_invalid_examples_cover_every_forbidden_legacy_key():
    names = {p.stem for p in (fixtures_dir() / "invalid" / "recording.report").glob("*.json")}
    assert {"metadata-key", "log-written", "no-session-id", "expire-time-zero"} <= names
