"""Usage errors are usage errors: one line, pytest's exit 4 (2 from `sora-conformance run`), no traceback,
no per-test ERROR. And plain `pytest --archive-dir /abs/path` works as users type it."""
import os
import subprocess
import sys

import pytest

from sora_conformance.paths import REPO_ROOT


def pytest_run(*args: str, cwd=REPO_ROOT, env=None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args], capture_output=True,
                          text=True, timeout=120, cwd=cwd, env=env)


def assert_usage_error(done: subprocess.CompletedProcess[str], words: str) -> None:
    output = done.stdout + done.stderr
    assert done.returncode == 4, output[-2000:]
    assert words in output and "Traceback" not in output and "INTERNALERROR" not in output


def test_path_valued_options_separated_by_a_space_keep_the_projects_rootdir(tmp_path):
    done = pytest_run("--archive-dir", str(tmp_path), "--report-dir", str(tmp_path / "r"), "--collect-only", "-q")
    assert done.returncode == 0, done.stdout[-2000:]
    assert "suites/test_session.py" in done.stdout and "tests/" not in done.stdout  # testpaths of pytest.ini


def test_options_are_known_in_another_project_that_only_installs_the_package(tmp_path):
    project = tmp_path / "staging-repo"
    project.mkdir()
    (project / "pytest.ini").write_text("[pytest]\ntestpaths = checks\n")
    (project / "conftest.py").write_text("# the operator's own conftest\n")
    (project / "checks").mkdir()
    (project / "checks" / "test_own.py").write_text("def test_own():\n    pass\n")
    done = pytest_run("--archive-dir", str(tmp_path), "--target-profile", str(tmp_path / "missing.yaml"), cwd=project)
    assert_usage_error(done, "--target-profile")
    done = pytest_run("--archive-dir", str(tmp_path), "--collect-only", "-q", cwd=project)
    assert done.returncode == 0 and "checks/test_own.py::test_own" in done.stdout, done.stdout[-2000:]


@pytest.mark.parametrize("content, words", [("name: x\nlegacy: maybe\n", "Additional properties"),
                                            ("name: [\n", "cannot read")], ids=["unknown-key", "malformed"])
def test_a_bad_target_profile_is_one_usage_error_not_an_error_per_test(tmp_path, content, words):
    profile = tmp_path / "profile.yaml"
    profile.write_text(content)
    assert_usage_error(pytest_run("--target-profile", str(profile), "-q"), words)


def test_a_malformed_api_url_is_a_usage_error():
    assert_usage_error(pytest_run("--sora-api-url", "http://[::1/", "--sora-signaling-url", "ws://127.0.0.1:9/",
                                  "-q"), "--sora-api-url")


def test_expectations_that_are_not_utf8_are_a_usage_error(tmp_path):
    path = tmp_path / "expect.yaml"
    path.write_bytes(b"expectations:\n  - clause: \xff\xfe\n")
    assert_usage_error(pytest_run("--expectations", str(path), "-q"), "--expectations")


@pytest.mark.parametrize("value", ["0", "-1", "nan"])
def test_a_timeout_multiplier_not_above_zero_is_a_usage_error(value):
    assert_usage_error(pytest_run(f"--timeout-multiplier={value}", "-q"), "--timeout-multiplier")


def test_sora_conformance_run_exits_2_on_a_usage_error_and_claims_no_reports(tmp_path):
    done = subprocess.run([sys.executable, "-m", "sora_conformance.cli", "run", "--report-dir", str(tmp_path),
                           "--timeout-multiplier=0"], capture_output=True, text=True, timeout=120, cwd=REPO_ROOT,
                          env={**os.environ})
    assert done.returncode == 2, done.stdout[-2000:] + done.stderr[-2000:]
    assert "reports in" not in done.stdout and not (tmp_path / "conformance-report.json").exists()
