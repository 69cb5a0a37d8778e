"""User-supplied YAML files (profiles, expectations), checked against their meta schema."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from ..paths import schemas_dir
from .config import ConfigError


def load_checked_yaml(path: Path, meta_schema: str, option: str, hint: str = "") -> Any:
    """The file's content, or ConfigError naming the option, the file and the first problem."""
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"{option} {path}: cannot read: {exc}") from None
    schema = json.loads((schemas_dir() / "meta" / meta_schema).read_text())
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema).iter_errors(data))
    if error is not None:
        where = "/".join(map(str, error.path)) or "(root)"
        raise ConfigError(f"{option} {path}: {where}: {error.message}{hint}")
    return data
