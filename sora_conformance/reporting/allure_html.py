"""A single-file Allure HTML report from allure-results, with the pinned Allure 3 CLI from npm.

The report must reference no outside host (compliance artifacts get archived and opened offline): Allure
3's default page embeds an analytics script, which is removed after generation.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

from ..paths import REPO_ROOT

ALLURE_VERSION = "3.18.0"
LOCAL_CLI = REPO_ROOT / ".tools" / "allure" / "node_modules" / ".bin" / "allure"
# <script> elements that load or configure third-party analytics.
ANALYTICS = re.compile(r"<script[^>]*googletagmanager[^>]*>\s*</script>|<script[^>]*>[^<]*(gtag|dataLayer)[^<]*</script>",
                       re.I | re.S)
OUTSIDE_URL = re.compile(r"https?://(?!localhost|127\.0\.0\.1)[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^\s\"'<>)]*")


class AllureUnavailable(RuntimeError):
    pass


def find_cli() -> Path:
    if LOCAL_CLI.exists():
        return LOCAL_CLI
    found = shutil.which("allure")
    if found:
        return Path(found)
    raise AllureUnavailable(f"the Allure CLI is not installed: run `make allure` (npm install --prefix .tools/allure "
                            f"allure@{ALLURE_VERSION})")


def write_config(output_dir: Path, name: str) -> Path:
    # A plain object, absolute output path: Allure resolves relative paths against its cwd, not the config.
    config = {"name": name, "output": str(output_dir.resolve()),
              "plugins": {"awesome": {"options": {"singleFile": True, "reportLanguage": "en",
                                                  "groupBy": ["feature", "story"], "reportName": name}}}}
    path = output_dir.parent / "allurerc.mjs"
    path.write_text("export default " + json.dumps(config, indent=2) + ";\n", encoding="utf-8")
    return path


def generate(results_dir: Path, output_dir: Path, name: str = "Sora recording conformance",
             timeout: float = 300) -> Path:
    """Writes output_dir/index.html; raises AllureUnavailable or RuntimeError with one clear line."""
    cli = find_cli()
    if not results_dir.is_dir() or not any(results_dir.iterdir()):
        raise RuntimeError(f"no Allure results in {results_dir}")
    output_dir.mkdir(parents=True, exist_ok=True)
    output_dir = output_dir.resolve()
    config = write_config(output_dir, name)
    env = dict(os.environ, ALLURE_NO_ANALYTICS="true")
    done = subprocess.run([str(cli), "generate", "--config", str(config), str(results_dir.resolve())],
                          capture_output=True, text=True, timeout=timeout, env=env, cwd=output_dir.parent)
    index = output_dir / "index.html"
    if done.returncode != 0 or not index.exists():
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        raise RuntimeError(f"allure generate failed ({done.returncode}): {tail[0]}")
    strip_outside_references(index)
    return index


def strip_outside_references(index: Path) -> list[str]:
    """Removes the analytics script; returns the outside URLs still in the file (links in test data)."""
    html = index.read_text(encoding="utf-8")
    html = ANALYTICS.sub("", html)
    index.write_text(html, encoding="utf-8")
    return outside_urls(html)


def outside_urls(html: str) -> list[str]:
    return sorted(set(OUTSIDE_URL.findall(html)))
