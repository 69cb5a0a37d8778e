"""Target profiles: every shipped profile loads, limits are configuration, capabilities follow the fields."""
import json
from pathlib import Path

import pytest

from sora_conformance.paths import REPO_ROOT
from sora_conformance.harness.profile import CAPABILITIES, TargetProfile, load_profile

PROFILES = sorted((REPO_ROOT / "fixtures" / "profiles").glob("*.yaml"))


@pytest.mark.parametrize("path", PROFILES, ids=lambda p: p.stem)
def test_every_shipped_profile_loads(path):
    profile = load_profile(path)
    assert profile.capabilities() <= set(CAPABILITIES)


def test_profiles_cover_2024_2_to_2025_1_2025_2_and_sora_cloud_limits():
    by_name = {p.stem: load_profile(p) for p in PROFILES}
    older = by_name["sora-2024.2-2025.1"]
    assert older.legacy_recording == "disabled"  # the default since 2024.2.0
    assert "legacy_removed" in older.capabilities() and "legacy_recording" not in older.capabilities()
    assert by_name["sora-2025.2"].legacy_recording == "removed"
    assert by_name["sora-cloud-like"].recording_max_expire_time == 10800


def test_capabilities_follow_dual_output_and_cluster():
    assert {"dual_output", "cluster"} <= TargetProfile("x", dual_output=True, cluster=True).capabilities()
    assert not {"dual_output", "cluster"} & TargetProfile("x").capabilities()


def test_the_old_limit_field_names_are_refused_with_their_name(tmp_path):
    path = tmp_path / "old.yaml"
    path.write_text("name: old\nmax_expire_time: 86400\n")
    with pytest.raises(Exception, match="max_expire_time"):
        load_profile(path)


def _maxima(node, where=""):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "maximum":
                yield where, value
            yield from _maxima(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _maxima(value, f"{where}/{index}")


def test_no_schema_hard_codes_a_configurable_limit():
    """recording_max_expire_time / recording_max_split_duration are sora.conf settings (Sora Cloud: 10800)."""
    found = [(str(p.relative_to(REPO_ROOT)), w) for p in Path(REPO_ROOT / "schemas").rglob("*.json")
             for w, v in _maxima(json.loads(p.read_text())) if v == 86400]
    assert not found


def test_a_cluster_profile_with_one_api_url_cannot_judge_cluster_clauses(tmp_path):
    from sora_conformance.harness.config import build_config
    from sora_conformance.harness.profile import resolve_profile

    path = tmp_path / "cluster.yaml"
    path.write_text("name: c\ncluster: true\n")
    one = build_config({"target_profile": str(path)}, {"TEST_API_URL": "http://a/", "TEST_SIGNALING_URLS": "ws://a/"})
    two = build_config({"target_profile": str(path)}, {"TEST_API_URL": "http://a/,http://b/",
                                                       "TEST_SIGNALING_URLS": "ws://a/,ws://b/"})
    assert "cluster" not in resolve_profile(one).capabilities()
    assert "cluster" in resolve_profile(two).capabilities()
