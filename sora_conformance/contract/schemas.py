"""All schemas, by name, resolved locally: nothing is ever fetched (the $id host is .invalid)."""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema_rs
from referencing import Registry, Resource

from ..paths import schemas_dir

SUFFIX = ".schema.json"
NAME_PREFIX = {"webhooks": "", "files": "file.", "api": "api."}  # folder -> name prefix
INTERNAL = {"_defs", "_base", "meta"}  # shared parts, not payload schemas of their own


class UnknownSchema(KeyError):
    def __str__(self) -> str:
        return f"unknown schema {self.args[0]!r}; known: {', '.join(schema_names())}"


@dataclass(frozen=True)
class SchemaSet:
    documents: dict[str, dict[str, Any]]  # $id -> schema
    by_name: dict[str, str]  # payload schema name -> $id
    registry: Registry  # for jsonschema (precise errors)
    rs_registry: Any  # for jsonschema_rs (the fast path)


def name_for(path: Path, root: Path) -> str | None:
    parts = path.relative_to(root).parts
    if parts[0] in INTERNAL or (len(parts) > 1 and parts[1] in INTERNAL):
        return None
    return NAME_PREFIX.get(parts[0], parts[0] + ".") + path.name[: -len(SUFFIX)]


@functools.cache
def load_schemas(root: Path | None = None) -> SchemaSet:
    root = root or schemas_dir()
    documents: dict[str, dict[str, Any]] = {}
    by_name: dict[str, str] = {}
    for path in sorted(root.rglob("*" + SUFFIX)):
        schema = json.loads(path.read_text(encoding="utf-8"))
        documents[schema["$id"]] = schema
        name = name_for(path, root)
        if name is not None:
            by_name[name] = schema["$id"]
    registry = Registry().with_resources((uri, Resource.from_contents(doc)) for uri, doc in documents.items())
    rs_registry = jsonschema_rs.Registry(list(documents.items()))
    return SchemaSet(documents, by_name, registry, rs_registry)


def schema_names() -> list[str]:
    return sorted(load_schemas().by_name)


def schema_uri(name: str) -> str:
    try:
        return load_schemas().by_name[name]
    except KeyError:
        raise UnknownSchema(name) from None
