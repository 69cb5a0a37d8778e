"""The single-file Allure report, opened in a real headless Chromium: it renders our tests and clauses,
and references no outside host."""
import shutil
import sys
import subprocess

import pytest

from sora_conformance.paths import REPO_ROOT
from sora_conformance.reporting.allure_html import AllureUnavailable, find_cli, generate, outside_urls

pytest_plugins = ["pytester"]
pytestmark = pytest.mark.slow
SUITE = '''
import pytest


@pytest.mark.clause("REC-STOP-ON-DESTROY")
def test_recording_ends_when_session_is_destroyed():
    pass


@pytest.mark.clause("BLOCK-AUTH")
def test_blocked_connection_is_not_recorded():
    assert False, "[BLOCK-AUTH] the blocked connection is in the report"
'''
# An XML namespace is an identifier, not something a browser loads.
NAMESPACES = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xhtml", "http://www.w3.org/1999/xlink"}


@pytest.fixture(scope="module")
def html_report(tmp_path_factory):
    try:
        find_cli()
    except AllureUnavailable as exc:
        pytest.skip(str(exc))
    base = tmp_path_factory.mktemp("allure")
    (base / "test_suite.py").write_text(SUITE)
    subprocess.run([sys.executable, "-m", "pytest", str(base / "test_suite.py"), "-p", "sora_conformance.pytest_plugin",
                    "-p", "allure_pytest", f"--alluredir={base / 'results'}", "--report-dir", str(base / "out"),
                    "-p", "no:cacheprovider"], cwd=base, capture_output=True, timeout=300,
                   env={**__import__("os").environ, "PYTHONPATH": str(REPO_ROOT)})
    return generate(base / "results", base / "report")


def test_report_is_one_file_with_no_outside_host(html_report):
    html = html_report.read_text(encoding="utf-8")
    assert "googletagmanager" not in html and "gtag(" not in html
    assert set(outside_urls(html)) <= NAMESPACES


def test_report_renders_tests_and_clauses_in_chromium(html_report):
    browser = shutil.which("chromium")
    if browser is None:
        pytest.skip("Debian chromium is not installed (make chromium)")
    profile = html_report.parent / "profile"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
             "--virtual-time-budget=15000", "--window-size=1400,900"]
    url = html_report.as_uri()
    dom = subprocess.run([browser, *flags, "--dump-dom", url], capture_output=True, text=True, timeout=120).stdout
    # The tree groups by area (feature) then clause (story); failed groups open, passed ones stay folded.
    assert "test_blocked_connection_is_not_recorded" in dom and "BLOCK-AUTH" in dom
    assert "recording-block" in dom and ">stop<" in dom
    shots = REPO_ROOT / "reports" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    subprocess.run([browser, *flags, f"--screenshot={shots / 'allure-report.png'}", url], capture_output=True,
                   timeout=120)
    assert (shots / "allure-report.png").stat().st_size > 10_000
