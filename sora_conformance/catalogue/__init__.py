"""The clause catalogue: every normative behaviour the suite checks, with level and evidence."""
from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import yaml

from ..paths import schemas_dir

CATALOGUE_FILE = Path(__file__).with_name("clauses.yaml")
SEED_URL = "https://sora-doc.shiguredo.jp/LEGACY_RECORDING_TO_RECORDING"


class UnknownClause(KeyError):
    def __str__(self) -> str:
        return f"unknown clause id {self.args[0]!r} (see `sora-conformance clauses`)"


class CatalogueError(ValueError):
    pass


@dataclass(frozen=True)
class Clause:
    id: str
    level: str
    area: str
    statement: str
    source: str
    evidence: str
    capability: str | None
    coverage: tuple[str, ...]

    @property
    def source_url(self) -> str:
        """A link for reports: the seed page for seed sections, else the source when it is a URL."""
        if self.source.startswith("seed:"):
            return SEED_URL
        url = self.source.split(" ", 1)[0]
        return url if url.startswith("http") else SEED_URL

    @property
    def enforced_level(self) -> str:
        """Inferred clauses never fail a run unless --strict, whatever level they were given."""
        return "should" if self.evidence == "inferred" and self.level == "must" else self.level


class Catalogue:
    def __init__(self, clauses: list[Clause]) -> None:
        self._by_id = {c.id: c for c in clauses}

    def get(self, clause_id: str) -> Clause:
        try:
            return self._by_id[clause_id]
        except KeyError:
            raise UnknownClause(clause_id) from None

    def ids(self) -> list[str]:
        return list(self._by_id)

    def __iter__(self) -> Iterator[Clause]:
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, clause_id: object) -> bool:
        return clause_id in self._by_id


def parse_catalogue(text: str, source: str = str(CATALOGUE_FILE)) -> Catalogue:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise CatalogueError(f"{source}: not YAML: {exc}") from None
    schema = json.loads((schemas_dir() / "meta" / "clauses.schema.json").read_text())
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(data), key=lambda e: list(e.path))
    if errors:
        where = "/".join(str(p) for p in errors[0].path)
        raise CatalogueError(f"{source}: entry {where or '(root)'}: {errors[0].message}")
    clauses = [Clause(e["id"], e["level"], e["area"], e["statement"], e["source"], e["evidence"],
                      e.get("capability"), tuple(e["coverage"])) for e in data["clauses"]]
    seen: set[str] = set()
    for clause in clauses:
        if clause.id in seen:
            raise CatalogueError(f"{source}: clause {clause.id} appears twice")
        seen.add(clause.id)
    return Catalogue(clauses)


@functools.cache
def load_catalogue() -> Catalogue:
    return parse_catalogue(CATALOGUE_FILE.read_text(encoding="utf-8"))
