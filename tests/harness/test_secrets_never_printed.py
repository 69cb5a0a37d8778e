"""TEST_SECRET_KEY and --api-header values never appear in any output: console, junit.xml, Allure results,
conformance reports, even when a fixture fails (pytest prints fixture arguments) or an assertion does."""
import base64
import os
import re
import subprocess
import sys

import pytest

from sora_conformance.harness.config import build_config

SECRET_KEY = "supersecret123"
TOKEN = "tok-XYZ-987"

PROBE = '''
import pytest


@pytest.fixture
def broken_setup(harness_config):
    raise RuntimeError("setup broke")  # pytest then prints this fixture's arguments


def test_setup_error(broken_setup):
    pass


def test_failure_shows_the_config(harness_config):
    assert harness_config is None


def test_failure_compares_headers_and_the_key(harness_config):
    assert dict(harness_config.api_headers) == {}


def test_failure_diffs_the_key(harness_config):
    assert harness_config.secret_key == "something else"
'''


def test_no_output_of_a_failing_run_shows_a_secret(tmp_path):
    (tmp_path / "test_probe.py").write_text(PROBE)
    profile = tmp_path / "profile.yaml"
    profile.write_text("name: staging\n")
    reports = tmp_path / "reports"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "test_probe.py", "-p", "sora_conformance.pytest_plugin", "-p", "allure_pytest",
         "-p", "no:cacheprovider", f"--alluredir={reports / 'allure-results'}", f"--junitxml={reports / 'junit.xml'}",
         f"--report-dir={reports}", "--api-header", f"Authorization: Bearer {TOKEN}", "--target-profile",
         str(profile), "--sora-api-url", "http://127.0.0.1:9/", "--sora-signaling-url", "ws://127.0.0.1:9/sig",
         "--showlocals", "--tb=long", "-rA", "-vv"],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "TEST_SECRET_KEY": SECRET_KEY})
    console = done.stdout + done.stderr
    assert "3 failed" in console and "1 error" in console, console[-3000:]
    assert "REDACTED" in console  # the config and the headers were printed, redacted
    written = [path for path in reports.rglob("*") if path.is_file()]
    assert len(written) >= 5  # junit.xml, conformance-report.*, Allure results of four tests
    for name, text in [("console", console)] + [(str(p), p.read_text(errors="replace")) for p in written]:
        assert SECRET_KEY not in text and TOKEN not in text, f"a secret leaked into {name}"


def test_the_config_redacts_itself_and_still_sends_the_real_values():
    config = build_config({"api_header": [f"Authorization: Bearer {TOKEN}"]}, env={"TEST_SECRET_KEY": SECRET_KEY})
    for shown in (repr(config), str(config), repr(dict(config.api_headers)), f"{config!r}"):
        assert SECRET_KEY not in shown and TOKEN not in shown
    assert config.secret_key == SECRET_KEY and config.secret_key.encode() == SECRET_KEY.encode()
    assert dict(config.api_headers)["Authorization"] == f"Bearer {TOKEN}"


def test_a_bad_api_header_is_reported_without_its_value():
    from sora_conformance.harness.config import ConfigError

    try:
        build_config({"api_header": [f"Bearer {TOKEN}"]}, env={})
    except ConfigError as exc:
        assert TOKEN not in str(exc) and "--api-header" in str(exc)
    else:
        raise AssertionError("a header without a name was accepted")


def test_a_bad_url_is_reported_without_its_credentials():
    from sora_conformance.harness.config import ConfigError

    for option in ("forward_webhooks", "sora_api_url"):
        try:
            build_config({option: f"ftp://ops:{TOKEN}@backend/hooks?key={SECRET_KEY}"}, env={})
        except ConfigError as exc:
            assert TOKEN not in str(exc) and SECRET_KEY not in str(exc) and "ftp://backend/hooks" in str(exc)
        else:
            raise AssertionError(f"{option}: an ftp URL was accepted")


@pytest.mark.slow
def test_a_real_failing_run_and_its_html_report_show_no_secret(tmp_path):
    """The suite against a faulty emulator: webhooks, API exchanges and the JWT in evidence, then the HTML
    report (whose data is embedded base64, so it is decoded before searching)."""
    reports = tmp_path / "reports"
    done = subprocess.run(
        [sys.executable, "-m", "sora_conformance.cli", "run", "--report-dir", str(reports), "--api-header",
         f"Authorization: Bearer {TOKEN}", "--emulator-fault", "recording-survives-destroy", "--clause",
         "REC-STOP-ON-DESTROY", "--clause", "BLOCK-AUTH", "--showlocals", "--tb=long"],
        capture_output=True, text=True, timeout=600, cwd=tmp_path, env=os.environ | {"TEST_SECRET_KEY": SECRET_KEY})
    console = done.stdout + done.stderr
    assert done.returncode == 1 and " failed" in console, console[-3000:]
    texts = [("console", console)] + [(str(p), p.read_text(errors="replace")) for p in reports.rglob("*") if p.is_file()]
    html = reports / "allure-report" / "index.html"
    if html.exists():
        for blob in re.findall(r"[A-Za-z0-9+/]{200,}={0,2}", html.read_text()):
            texts.append(("decoded HTML data", base64.b64decode(blob + "=" * (-len(blob) % 4)).decode("utf-8", "replace")))
    assert any("REDACTED" in text for name, text in texts if "allure-results" in name)
    for name, text in texts:
        assert SECRET_KEY not in text and TOKEN not in text, f"a secret leaked into {name}"


def test_the_conformance_report_names_the_target_without_credentials(tmp_path):
    (tmp_path / "test_probe.py").write_text(
        "import pytest\n\n@pytest.mark.clause('SESSION-NEW-ID')\ndef test_ok():\n    pass\n")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "test_probe.py", "-p", "sora_conformance.pytest_plugin", "-p",
         "no:cacheprovider", f"--report-dir={tmp_path / 'r'}", "--sora-api-url",
         "http://admin:hunter2@127.0.0.1:9/?token=abc123", "--sora-signaling-url", "ws://u:pw9@127.0.0.1:9/sig"],
        capture_output=True, text=True, timeout=120, cwd=tmp_path)
    written = "".join(p.read_text() for p in (tmp_path / "r").iterdir()) + done.stdout + done.stderr
    assert "http://127.0.0.1:9/" in written
    for secret in ("hunter2", "abc123", "pw9"):
        assert secret not in written
