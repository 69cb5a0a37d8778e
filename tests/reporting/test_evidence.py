"""Secrets never reach a report."""
from sora_conformance.reporting.evidence import redact
from sora_conformance.scrub import register


def test_secret_header_names_are_redacted():
    assert redact({"Authorization": "Bearer x", "x-sora-target": "T"}) == {"Authorization": "REDACTED",
                                                                          "x-sora-target": "T"}


def test_registered_secret_values_are_redacted_anywhere():
    register("hunter2-value")
    assert redact({"body": ["prefix hunter2-value suffix"]}) == {"body": ["prefix REDACTED suffix"]}


def test_access_tokens_in_metadata_are_redacted():
    assert redact({"metadata": {"access_token": "eyJ..."}})["metadata"]["access_token"] == "REDACTED"
