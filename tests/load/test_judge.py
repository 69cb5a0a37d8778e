"""Judging one recording under load: every check says pass / fail / warn per clause, never passes on nothing,
and says `error` or `not-judged` where it could not look."""
from types import SimpleNamespace

from sora_conformance.harness.archive import ArchiveDir
from sora_conformance.harness.capture import Captured
from sora_conformance.harness.verdict import ClauseFailure, HarnessError
from sora_conformance.load.checks import CHECKS, failed_archives
from sora_conformance.load.judge import Findings, NamedCheck, Recording, judge
from sora_conformance.media.signature import signature

SESSION = "0RHGJQ54VF8EGAJ2EKBQVX3V3E"


def webhook(kind, endpoint="session", seq=1, **data):
    payload = {"type": kind, "id": f"I{seq}", "timestamp": "2026-01-01T00:00:00.000Z", "channel_id": "ch",
               "session_id": SESSION, "data": {"channel_id": "ch", "session_id": SESSION, **data}}
    return Captured(seq, endpoint, {}, b"", payload, 0.0, "ch", kind)


def recording(report_data=None, webhooks=(), archive=None, signatures=(0, 1), **params):
    clients = [SimpleNamespace(connection_id=cid, signature=signature(i)) for cid, i in zip(("C1", "C2"), signatures, strict=True)]
    report = webhook("recording.report", seq=9, recording_id="R", **(report_data or {})) \
        if report_data is not None else None
    hooks = [webhook("recording.started", recording_id="R"), *webhooks] + ([report] if report else [])
    return Recording("ch", "R", SESSION, clients, params, hooks, report, archive)  # type: ignore[arg-type]


def verdicts(outcomes):
    return {o.clause: o.verdict for o in outcomes}


def entry(cid):
    return {"label": "L", "node_name": "N", "client_id": cid, "bundle_id": cid, "connection_id": cid}


def run(*functions, rec, clauses=("REC-CONN-FINALISE",)):
    return verdicts(judge(rec, [NamedCheck(f.__name__, clauses, f) for f in functions]))


def test_a_must_finding_fails_and_a_should_finding_warns():
    def check(rec, found):
        found.expect("REC-CONN-FINALISE", False, "must-level")
        found.expect("FILES-LAYOUT", False, "should-level")
    assert run(check, rec=recording({})) == {"REC-CONN-FINALISE": "fail", "FILES-LAYOUT": "warn"}


def test_strict_makes_a_should_finding_fail():
    found = Findings("x", ["FILES-LAYOUT"], strict=True)
    found.expect("FILES-LAYOUT", False, "should-level")
    assert verdicts(found.outcomes()) == {"FILES-LAYOUT": "fail"}


def test_a_check_stopped_by_a_failure_leaves_its_other_clauses_not_judged():
    def check(rec, found):
        raise ClauseFailure("FILES-IN-ARCHIVE-DIR", "no directory", "it exists")
    assert run(check, rec=recording({}), clauses=("MEDIA-OWN-CONTENT",)) == {
        "MEDIA-OWN-CONTENT": "not-judged", "FILES-IN-ARCHIVE-DIR": "fail"}


def test_a_check_the_harness_could_not_run_is_an_error_never_a_pass():
    def check(rec, found):
        raise HarnessError("archive_dir vanished")
    assert run(check, rec=recording({})) == {"REC-CONN-FINALISE": "error"}


def test_a_check_needing_archive_dir_is_unsupported_without_it():
    check = NamedCheck("files", ("FILES-LAYOUT",), lambda rec, found: None, needs_archive_dir=True)
    assert verdicts(judge(recording({}), [check])) == {"FILES-LAYOUT": "unsupported"}


def test_a_clause_two_checks_judge_counts_once_with_its_worst_verdict():
    def passes(rec, found):
        found.expect("REC-CONN-FINALISE", True, "fine")

    def fails(rec, found):
        found.expect("REC-CONN-FINALISE", False, "broken")
    outcomes = judge(recording({}), [NamedCheck("a", ("REC-CONN-FINALISE",), passes),
                                     NamedCheck("b", ("REC-CONN-FINALISE",), fails)])
    assert [(o.clause, o.verdict, o.message) for o in outcomes] == [("REC-CONN-FINALISE", "fail", "broken")]


def test_a_lost_report_fails_rec_stop_on_destroy_and_leaves_the_listing_not_judged():
    outcomes = verdicts(judge(recording(None), CHECKS))
    assert outcomes["REC-STOP-ON-DESTROY"] == "fail"
    assert outcomes["REC-CONN-FINALISE"] == "not-judged"


def test_every_connection_listed_once_with_its_finished_webhook_passes():
    hooks = [webhook("archive.available", "event", seq=3 + i, connection_id=c) for i, c in enumerate(("C1", "C2"))]
    outcomes = verdicts(judge(recording({"archives": [entry("C1"), entry("C2")], "failed_archives": []}, hooks),
                              CHECKS))
    assert outcomes["REC-CONN-FINALISE"] == "pass" and outcomes["WH-ARCHIVE-UNCHANGED"] == "pass"
    assert outcomes["REC-STOP-ON-DESTROY"] == "pass"


def test_a_connection_missing_from_the_report_fails():
    hooks = [webhook("archive.available", "event", seq=3, connection_id="C1")]
    outcomes = verdicts(judge(recording({"archives": [entry("C1")], "failed_archives": []}, hooks), CHECKS))
    assert outcomes["REC-CONN-FINALISE"] == "fail"


def test_a_failed_archive_is_listed_not_a_clause_failure():
    hooks = [webhook("archive.available", "event", seq=3, connection_id="C1"),
             webhook("archive.failed", "event", seq=4, connection_id="C2")]
    rec = recording({"archives": [entry("C1")], "failed_archives": [entry("C2")]}, hooks)
    assert verdicts(judge(rec, CHECKS))["REC-CONN-FINALISE"] == "pass"
    assert [(f["connection_id"], f["archive.failed"]["connection_id"]) for f in failed_archives(rec)] == [("C2", "C2")]


def test_media_of_a_recording_whose_archives_all_failed_is_not_judged(tmp_path):
    (tmp_path / "R").mkdir()
    rec = recording({"archives": [], "failed_archives": [entry("C1"), entry("C2")]},
                    archive=ArchiveDir(tmp_path, lambda name, value: None))
    outcomes = verdicts(judge(rec, CHECKS))
    assert outcomes["MEDIA-OWN-CONTENT"] == "not-judged" and outcomes["OUT-SINGLE"] == "not-judged"


def test_a_missing_recording_directory_fails_files_in_archive_dir(tmp_path):
    hooks = [webhook("archive.available", "event", seq=3 + i, connection_id=c) for i, c in enumerate(("C1", "C2"))]
    rec = recording({"archives": [entry("C1"), entry("C2")], "failed_archives": []}, hooks,
                    archive=ArchiveDir(tmp_path, lambda name, value: None))
    outcomes = verdicts(judge(rec, CHECKS))
    assert outcomes["FILES-IN-ARCHIVE-DIR"] == "fail"
    assert outcomes["MEDIA-OWN-CONTENT"] == "not-judged" and outcomes["FILES-LAYOUT"] == "not-judged"


def test_expire_time_in_a_recording_webhook_fails_when_none_was_asked_for():
    rec = recording({"archives": [], "failed_archives": []}, [webhook("recording.started", seq=2, recording_id="R",
                                                                      expire_time=0)])
    assert verdicts(judge(rec, CHECKS))["EXPIRE-ABSENT-WHEN-UNSET"] == "fail"


def test_media_is_not_judged_when_two_clients_sent_the_same_signature(tmp_path):
    (tmp_path / "R").mkdir()
    rec = recording({"archives": [entry("C1"), entry("C2")], "failed_archives": []},
                    archive=ArchiveDir(tmp_path, lambda name, value: None), signatures=(3, 11))
    assert verdicts(judge(rec, CHECKS))["MEDIA-OWN-CONTENT"] == "not-judged"
