"""Every API call the suite makes has a request schema, and what the harness sends conforms to it."""
import json
import re

import pytest
from pytest_httpserver import HTTPServer

from sora_conformance.paths import REPO_ROOT
from sora_conformance.contract.schemas import schema_names
from sora_conformance.contract.validator import validate
from sora_conformance.harness.target import SoraApi

SESSION_ID = "1AWZ6JBTS58HV9GY00FFQBW7G5"
# Sent only to see them refused: an unknown operation, and what Sora 2025.2 removed with legacy recording.
REFUSED_ONLY = {"Sora_20231220.NoSuchOperation"}


def schema_for(target: str) -> str:
    version, operation = target.split(".")
    return f"api.{'legacy.' if version == 'Sora_20161101' else ''}{operation}.request"


def targets_named_in(paths) -> set[str]:
    found = set()
    for path in paths:
        found |= set(re.findall(r'"(Sora_\d{8}\.\w+)"', path.read_text(encoding="utf-8")))
    return found - REFUSED_ONLY


def test_every_target_the_suite_and_harness_call_has_a_request_schema():
    paths = [*sorted((REPO_ROOT / "suites").glob("*.py")), *sorted((REPO_ROOT / "sora_conformance" / "harness")
                                                                   .glob("*.py"))]
    targets = targets_named_in(paths)
    assert {"Sora_20231220.GetSession", "Sora_20231220.ListSessions"} <= targets
    assert sorted(t for t in targets if schema_for(t) not in schema_names()) == []


@pytest.fixture
def api(httpserver: HTTPServer):
    httpserver.expect_request("/").respond_with_json({})
    return SoraApi(httpserver.url_for("/"))


@pytest.mark.parametrize("call", [
    lambda api: api.start_recording("ch", expire_time=60, split_only=True, split_duration=10, metadata={"a": 1}),
    lambda api: api.stop_recording("ch"),
    lambda api: api.get_session("ch", SESSION_ID),
    lambda api: api.get_session("ch"),
    lambda api: api.list_sessions(),
    lambda api: api.terminate_session("ch", SESSION_ID),
    lambda api: api.disconnect_channel("ch"),
    lambda api: api.disconnect_connection("ch", "38VB3MP7ZE87Y9SRT78MGJPP5W"),
    lambda api: api.legacy_start_recording("ch", expire_time=0),
    lambda api: api.legacy_stop_recording("ch"),
])
def test_what_the_harness_sends_conforms_to_the_request_schema(api, httpserver, call):
    call(api)
    request, _ = httpserver.log[-1]
    name = schema_for(request.headers["x-sora-target"])
    assert validate(json.loads(request.get_data()), name) == []


def test_get_session_carries_the_session_id_when_it_is_known(api, httpserver):
    api.get_session("ch", SESSION_ID)
    assert json.loads(httpserver.log[-1][0].get_data()) == {"channel_id": "ch", "session_id": SESSION_ID}
