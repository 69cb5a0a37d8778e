"""Validate payloads against the contract: a fast pass (jsonschema_rs), and jsonschema for precise errors.

Every violation names the JSON pointer, the clause and the evidence behind the rule it breaks, and gets
a level: `must` (fails), `should` / `info` (warn), `warning` (rule only inferred; warns unless --strict).
"""
from __future__ import annotations

import functools
from dataclasses import asdict, dataclass
from typing import Any

import jsonschema
import jsonschema_rs

from ..catalogue import UnknownClause, load_catalogue
from .schemas import load_schemas, schema_uri

# The strongest level a rule may have, by the evidence behind it.
EVIDENCE_CAP = {"seed": "must", "doc": "must", "sora-output": "must", "sdk": "should", "inferred": "warning"}
ORDER = ["must", "should", "info", "warning"]


@dataclass(frozen=True)
class Violation:
    schema: str
    pointer: str
    message: str
    clause: str | None
    evidence: str
    level: str

    def fails(self, strict: bool = False) -> bool:
        return self.level == "must" or strict

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        where = self.pointer or "/"
        return f"{where}: {self.message} [{self.clause or 'no clause'}, {self.level}, evidence {self.evidence}]"


def _weaker(a: str, b: str) -> str:
    return a if ORDER.index(a) > ORDER.index(b) else b


def level_for(clause_id: str | None, evidence: str) -> str:
    cap = EVIDENCE_CAP.get(evidence, "warning")
    if clause_id is None:
        return cap
    try:
        clause = load_catalogue().get(clause_id)
    except UnknownClause:
        return cap
    return _weaker(clause.level, cap)


@functools.cache
def _rs_validator(name: str) -> Any:
    schemas = load_schemas()
    return jsonschema_rs.validator_for(schemas.documents[schema_uri(name)], registry=schemas.rs_registry)


@functools.cache
def _py_validator(name: str) -> jsonschema.Draft202012Validator:
    schemas = load_schemas()
    return jsonschema.Draft202012Validator(schemas.documents[schema_uri(name)], registry=schemas.registry)


def is_valid(payload: Any, schema_name: str) -> bool:
    return bool(_rs_validator(schema_name).is_valid(payload))


def validate(payload: Any, schema_name: str) -> list[Violation]:
    """All violations of `payload` against the named schema; [] when it conforms."""
    if is_valid(payload, schema_name):
        return []
    root = load_schemas().documents[schema_uri(schema_name)]
    out: list[Violation] = []
    for error in _py_validator(schema_name).iter_errors(payload):
        out.extend(_violations(error, schema_name, root))
    return _dedupe(out)


def annotations_along(root: dict[str, Any], path: list[Any]) -> tuple[str | None, str]:
    """The innermost x-clause / x-evidence on the way from the root to the failing keyword ($refs followed)."""
    resolver = load_schemas().registry.resolver(base_uri=root["$id"])
    node: Any = root
    clause, evidence = root.get("x-clause"), root.get("x-evidence", "inferred")
    for key in path[:-1]:  # the last step is the failing keyword itself
        try:
            if key == "$ref":
                resolved = resolver.lookup(node["$ref"])
                node, resolver = resolved.contents, resolved.resolver
            else:
                node = node[key]
        except (KeyError, IndexError, TypeError, LookupError):
            break
        if isinstance(node, dict):
            clause = node.get("x-clause", clause)
            evidence = node.get("x-evidence", evidence)
    return clause, evidence


def _violations(error: jsonschema.ValidationError, name: str, root: dict[str, Any]) -> list[Violation]:
    schema = error.schema if isinstance(error.schema, dict) else {}
    clause, evidence = annotations_along(root, list(error.absolute_schema_path))
    # The schema holding the failing keyword is innermost of all (jsonschema's path may skip a $ref hop).
    clause = schema.get("x-clause", clause)
    evidence = schema.get("x-evidence", evidence)
    pointer = "".join(f"/{str(p).replace('~', '~0').replace('/', '~1')}" for p in error.absolute_path)
    message = error.message
    if error.validator == "not":
        message = f"forbidden here: {schema.get('description', 'the payload matches a forbidden pattern')}"
    elif error.validator == "anyOf" and schema.get("description"):
        branches = schema.get("anyOf") or []
        requires = all(isinstance(b, dict) and "required" in b for b in branches)
        message = f"{'missing' if requires else 'none of the allowed shapes'}: {schema['description']}"
    return [Violation(name, pointer, message, clause, evidence, level_for(clause, evidence))]


def _dedupe(items: list[Violation]) -> list[Violation]:
    seen: set[tuple[str, str, str | None]] = set()
    out = []
    for v in items:
        key = (v.pointer, v.message, v.clause)
        if key not in seen:
            seen.add(key)
            out.append(v)
    return out
