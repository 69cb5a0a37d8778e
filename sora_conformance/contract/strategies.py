"""Hypothesis strategies built from our JSON Schemas (the subset of 2020-12 they use).

hypothesis-jsonschema would be the obvious tool, but its last release (0.23.1) fails on current Hypothesis
(`'many' object has no attribute 'more'`) and only knows drafts 4-7, so this compiles our own schemas:
`$ref` (resolved through the local registry, nothing fetched), `allOf` (merged), `anyOf` (one strategy per
branch), `not` (keys it forbids are never generated; anything else is filtered), `type`, `const`, `enum`,
`properties`, `required`, `items`, `pattern`, string lengths and integer bounds.

Choices that keep payloads the kind Sora can send, all still inside the schema:
- objects near the top (the payload and its `data`) may carry an unknown extra key: receivers must tolerate
  fields added later (deeper down they would double the cost of a payload for little more);
- optional keys come and go (Hypothesis shrinks them away), arrays are short or long;
- integers without a bound stay within +-2**53-1 (I-JSON, RFC 7493: what every JSON parser keeps exact);
- `overrides` maps a `$ref` target (e.g. ".../common.schema.json#/$defs/timestamp") to a strategy, for
  strings whose pattern alone allows values that are not what the description says (a 13th month).
"""
from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urldefrag, urljoin

import jsonschema
from hypothesis import strategies as st
from referencing import Registry

MAX_SAFE_INTEGER = 2**53 - 1
LONG_ARRAY = (16, 48)  # the "long" arrays: enough to catch per-item bugs and quadratic receivers
TEXT = st.text(st.characters(codec="utf-8"), max_size=40)  # any Unicode scalar value, NUL included
KEY_WORDS = {"description", "title", "$schema", "$id", "$defs", "$comment", "examples"}

JSON_SCALARS = st.none() | st.booleans() | st.integers(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER) | TEXT
# Any JSON value, nested up to three levels (an object of arrays of scalars): st.recursive drew ~55 times per
# metadata object, the costliest field of a payload; a fixed shape gives the same kinds of value in ~20 draws.
_LEAVES = JSON_SCALARS | st.floats(allow_nan=False, allow_infinity=False)
_SHALLOW = st.lists(_LEAVES, max_size=3) | st.dictionaries(TEXT, _LEAVES, max_size=3)
JSON_VALUES: st.SearchStrategy[Any] = st.one_of(_LEAVES, _SHALLOW, st.dictionaries(TEXT, _SHALLOW, max_size=2))
JSON_OBJECTS = st.dictionaries(TEXT, JSON_VALUES, max_size=3)


class SchemaStrategies:
    """Compiles the schemas of one registry into strategies; `for_uri(uri)` is the entry point."""

    def __init__(self, registry: Registry, overrides: Mapping[str, st.SearchStrategy[Any]] | None = None,
                 extra_keys_depth: int = 1) -> None:
        self.registry = registry
        self.overrides = dict(overrides or {})
        self.extra_keys_depth = extra_keys_depth  # objects this deep or less get extra keys (-1: none)

    def for_uri(self, uri: str) -> st.SearchStrategy[Any]:
        return self._build(self.flat(uri))

    def flat(self, uri: str) -> dict[str, Any]:
        """The schema at `uri` with $ref and allOf folded in (`properties` lists every key it names)."""
        return self._flatten({"$ref": uri}, self.registry.resolver(), uri)

    # --- flattening: $ref and allOf folded into one dict per node -------------------------------------
    def _flatten(self, node: Any, resolver: Any, base: str) -> dict[str, Any]:
        if node is True or node == {}:
            return {}
        if node is False:
            return {"x-never": True}
        out: dict[str, Any] = {}
        ref = node.get("$ref")
        if ref is not None:
            target = urljoin(base, ref)
            if target in self.overrides:
                out = {"x-override": target}
            else:
                resolved = resolver.lookup(ref)
                out = self._flatten(resolved.contents, resolved.resolver, urldefrag(target).url)
        for key, value in node.items():
            if key in KEY_WORDS or key.startswith("x-") or key == "$ref":
                continue
            if key == "allOf":
                for part in value:
                    out = merge(out, self._flatten(part, resolver, base))
            elif key == "properties":
                out = merge(out, {"properties": {k: self._flatten(v, resolver, base) for k, v in value.items()}})
            elif key == "items":
                out = merge(out, {"items": self._flatten(value, resolver, base)})
            elif key == "anyOf":
                out = merge(out, {"x-any": [[self._flatten(b, resolver, base) for b in value]]})
            elif key == "not":
                out = merge(out, forbidding(node["not"]))
            else:
                out = merge(out, {key: value})
        return out

    # --- building ---------------------------------------------------------------------------------------
    def _build(self, node: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
        if node.get("x-never"):
            return st.nothing()
        choices = node.get("x-any")
        if choices:
            base = {k: v for k, v in node.items() if k != "x-any"}
            combos = itertools.product(*choices)  # each anyOf: one branch at a time (branch 0 is the simplest)
            return st.one_of([self._build(merge_all(base, *combo), depth) for combo in combos])
        strategy = self._build_plain(node, depth)
        if "x-not" in node:  # a `not` we could not turn into forbidden keys: filter
            checks = [jsonschema.Draft202012Validator(s).is_valid for s in node["x-not"]]
            strategy = strategy.filter(lambda value: not any(check(value) for check in checks))
        return strategy

    def _build_plain(self, node: dict[str, Any], depth: int) -> st.SearchStrategy[Any]:
        if "x-override" in node:
            return self.overrides[node["x-override"]]
        if "const" in node:
            return st.just(node["const"])
        if "enum" in node:
            return st.sampled_from(node["enum"])
        kind = node.get("type")
        if isinstance(kind, list):
            return st.one_of([self._build_plain({**node, "type": k}, depth) for k in kind])
        if kind == "object" or (kind is None and ("properties" in node or "required" in node)):
            return self._object(node, depth)
        if kind == "array":
            items = self._build(node.get("items", {}), depth + 1)
            low, high = node.get("minItems", 0), node.get("maxItems")
            short = st.lists(items, min_size=low, max_size=high if high is not None else max(low, 4))
            if high is not None and high <= LONG_ARRAY[0]:
                return short
            # Long arrays repeat a few drawn items: drawing 48 rich items one by one costs 10x the time.
            size = st.integers(max(low, LONG_ARRAY[0]), LONG_ARRAY[1] if high is None else min(high, LONG_ARRAY[1]))
            few = st.lists(items, min_size=1, max_size=3)
            return short | st.tuples(few, size).map(lambda pair: [pair[0][i % len(pair[0])] for i in range(pair[1])])
        if kind == "string":
            if "pattern" in node:
                return pattern_strings(node["pattern"])
            return st.text(st.characters(codec="utf-8"), min_size=node.get("minLength", 0),
                           max_size=node.get("maxLength", 40))
        if kind == "integer":
            return st.integers(max(node.get("minimum", -MAX_SAFE_INTEGER), -MAX_SAFE_INTEGER),
                               min(node.get("maximum", MAX_SAFE_INTEGER), MAX_SAFE_INTEGER))
        if kind == "number":
            return st.floats(node.get("minimum"), node.get("maximum"), allow_nan=False, allow_infinity=False)
        if kind == "boolean":
            return st.booleans()
        if kind == "null":
            return st.none()
        return JSON_VALUES  # no type: any JSON value

    def _object(self, node: dict[str, Any], depth: int) -> st.SearchStrategy[dict[str, Any]]:
        properties: dict[str, Any] = node.get("properties", {})
        forbidden = set(node.get("x-forbid", ()))
        required = [k for k in node.get("required", []) if k not in forbidden]
        if len(required) < len(set(node.get("required", []))):
            return st.nothing()  # a required key is also forbidden: no payload can exist
        if not properties and not required:
            return JSON_OBJECTS.map(lambda d: {k: v for k, v in d.items() if k not in forbidden})
        fixed = {k: self._build(properties.get(k, {}), depth + 1) for k in required}
        optional = {k: self._build(v, depth + 1) for k, v in properties.items() if k not in fixed and k not in forbidden}
        known = set(properties) | set(required) | forbidden
        if depth > self.extra_keys_depth or node.get("additionalProperties") is False:
            return objects(fixed, optional, st.just({}))
        # At most one unknown key per object: enough to show a receiver that rejects them, at ~4 draws where
        # a dictionary of them cost ~10 (on the envelope and on `data`, a tenth of a payload's cost).
        names = st.text(st.characters(codec="utf-8"), min_size=1, max_size=20).filter(lambda k: k not in known)
        return objects(fixed, optional, st.just({}) | st.builds(lambda k, v: {k: v}, names, JSON_SCALARS))


@st.composite
def objects(draw: st.DrawFn, fixed: dict[str, st.SearchStrategy[Any]], optional: dict[str, st.SearchStrategy[Any]],
            extra: st.SearchStrategy[dict[str, Any]]) -> dict[str, Any]:
    """Required keys, then the optional ones a bit mask picks, then extra keys. One draw for which optional
    keys are present (a boolean each would be ~15 draws on a report, and Hypothesis charges per draw);
    the mask shrinks to 0, so the smallest failing payload keeps only the optional keys the failure needs."""
    out = {key: draw(strategy) for key, strategy in fixed.items()}
    present = draw(st.integers(0, 2 ** len(optional) - 1)) if optional else 0
    for index, (key, strategy) in enumerate(optional.items()):
        if present >> index & 1:
            out[key] = draw(strategy)
    return {**out, **draw(extra)}


def pattern_strings(pattern: str) -> st.SearchStrategy[str]:
    """`^[class]+$` and `^[class]{n}$` as one text draw (from_regex costs ~3 ms a string); others via from_regex."""
    simple = re.fullmatch(r"\^\[((?:[0-9A-Za-z](?:-[0-9A-Za-z])?)+)\](\+|\{(\d+)\})\$", pattern)
    if simple is None:
        return st.from_regex(pattern, fullmatch=True)
    alphabet = "".join(chr(c) for a, _, b in re.findall(r"(.)(-(.))?", simple.group(1))
                       for c in range(ord(a), ord(b or a) + 1))
    if simple.group(3):
        return st.text(alphabet, min_size=int(simple.group(3)), max_size=int(simple.group(3)))
    return st.text(alphabet, min_size=1, max_size=10)


def forbidding(not_schema: Any) -> dict[str, Any]:
    """`not` as forbidden keys where it only says "this key must be absent" (here or one object down)."""
    branches = not_schema.get("anyOf", [not_schema]) if isinstance(not_schema, dict) else [not_schema]
    out: dict[str, Any] = {}
    for branch in branches:
        keys = set(branch) - KEY_WORDS - {k for k in branch if k.startswith("x-")}
        required = branch.get("required", [])
        if keys == {"required"} and len(required) == 1:
            out = merge(out, {"x-forbid": required})
            continue
        inner = branch.get("properties", {})
        if keys == {"required", "properties"} and len(inner) == 1 and required == list(inner):
            (parent, sub), = inner.items()
            if set(sub) == {"required"} and len(sub["required"]) == 1:
                out = merge(out, {"properties": {parent: {"x-forbid": sub["required"]}}})
                continue
        out = merge(out, {"x-not": [branch]})
    return out


def merge(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Both constraints at once (the subset our schemas use: no conflicting bounds or types)."""
    out = dict(a)
    for key, value in b.items():
        if key not in out:
            out[key] = value
        elif key == "properties":
            props = dict(out[key])
            for name, sub in value.items():
                props[name] = merge(props[name], sub) if name in props else sub
            out[key] = props
        elif key in ("required", "x-forbid", "x-any", "x-not"):
            out[key] = list(out[key]) + [v for v in value if v not in out[key]]
        elif key == "minimum" or key == "minLength":
            out[key] = max(out[key], value)
        elif key == "maximum" or key == "maxLength":
            out[key] = min(out[key], value)
        elif key == "type" and out[key] != value:
            out["x-never"] = True
        else:
            out[key] = value  # const, pattern, enum: the later (more specific) schema wins
    return out


def merge_all(*nodes: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for node in nodes:
        out = merge(out, node)
    return out
