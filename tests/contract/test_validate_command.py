"""`sora-conformance validate`: files, webhook logs and archive directories; exit 0/1/2; never a traceback."""
import json

import pytest

from sora_conformance.cli import main
from tests.validating import run
from sora_conformance.paths import fixtures_dir

from .media_builders import SoraWebm


def valid(name):
    return json.loads((fixtures_dir() / "valid" / name / "full.json").read_text())



def test_valid_file_exits_0(tmp_path, capsys):
    path = tmp_path / "started.json"
    path.write_text(json.dumps(valid("recording.started")))
    assert run(capsys, path)[0] == 0


def test_invalid_file_exits_1_naming_pointer_and_clause(tmp_path, capsys):
    payload = valid("recording.started")
    payload["data"]["metadata"] = {"x": 1}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(payload))
    code, out, _ = run(capsys, path)
    assert code == 1 and "WH-REC-NO-METADATA" in out and "bad.json" in out


def test_unknown_as_type_is_a_usage_error(tmp_path, capsys):
    path = tmp_path / "x.json"
    path.write_text("{}")
    code, _, err = run(capsys, path, "--as", "no.such.type")
    assert code == 2 and "recording.report" in err


def test_missing_path_is_a_usage_error(tmp_path, capsys):
    assert run(capsys, tmp_path / "nope.json")[0] == 2


@pytest.mark.parametrize("content", [b"{not json", b"\xff\xfe\x00binary", b""])
def test_unreadable_content_is_reported_without_traceback(tmp_path, capsys, content):
    path = tmp_path / "junk.json"
    path.write_bytes(content)
    code, out, _ = run(capsys, path)
    assert code == 1 and "ERROR" in out


def test_webhook_log_lines_are_checked_one_by_one(tmp_path, capsys):
    bad = valid("recording.report")
    bad["log_written"] = True
    lines = [json.dumps(valid("recording.started")), "", "not json", json.dumps({"request": bad})]
    path = tmp_path / "session_webhook.jsonl"
    path.write_text("\n".join(lines) + "\n")
    code, out, _ = run(capsys, path, "--json")
    report = json.loads(out)
    assert code == 1 and report["checked"] == 3
    assert {item["line"] for item in report["items"]} == {3, 4}


def build_archive(tmp_path, with_media=True):
    report = valid("file.report") | {"split_only": False}
    rid, cid = report["recording_id"], report["archives"][0]["connection_id"]
    directory = tmp_path / rid
    directory.mkdir()
    (directory / f"report-{rid}.json").write_text(json.dumps(report))
    archive = valid("file.archive") | {"recording_id": rid, "channel_id": report["channel_id"],
                                        "session_id": report["session_id"], "connection_id": cid}
    (directory / f"archive-{cid}.json").write_text(json.dumps(archive))
    if with_media:
        SoraWebm().write(directory / f"archive-{cid}.webm")
    return directory


def test_complete_archive_directory_is_valid(tmp_path, capsys):
    build_archive(tmp_path)
    assert run(capsys, tmp_path)[0] == 0


def test_archive_without_media_breaks_the_layout_rule(tmp_path, capsys):
    build_archive(tmp_path, with_media=False)
    code, out, _ = run(capsys, tmp_path, "--strict")
    assert code == 1 and "FILES-LAYOUT" in out and ".webm/.mp4 is missing" in out


def test_ids_must_agree_across_files(tmp_path, capsys):
    directory = build_archive(tmp_path)
    archive = next(directory.glob("archive-*.json"))
    content = json.loads(archive.read_text()) | {"channel_id": "another-channel"}
    archive.write_text(json.dumps(content))
    code, out, _ = run(capsys, tmp_path, "--strict")
    assert code == 1 and "differs from the report" in out


def test_clauses_command_prints_the_catalogue(capsys):
    assert main(["clauses", "--json"]) == 0
    clauses = json.loads(capsys.readouterr().out)
    assert any(c["id"] == "BLOCK-AUTH" and c["evidence"] == "seed" for c in clauses)


@pytest.mark.parametrize("layout", ["empty", "junk", "media-only"])
def test_a_directory_without_sora_output_never_passes(tmp_path, capsys, layout):
    if layout == "junk":
        (tmp_path / "notes.txt").write_text("hello")
        (tmp_path / "sub").mkdir()
    elif layout == "media-only":
        (tmp_path / "rec").mkdir()
        (tmp_path / "rec" / "archive-X.webm").write_bytes(b"\x1a\x45\xdf\xa3")
    code, out, _ = run(capsys, tmp_path)
    assert code == 1 and f"no Sora output found in {tmp_path}" in out


def test_deeply_nested_json_is_one_error_and_the_rest_is_still_checked(tmp_path, capsys):
    (tmp_path / "deep.json").write_text("[" * 100_000)
    good = tmp_path / "started.json"
    good.write_text(json.dumps(valid("recording.started")))
    code, out, _ = run(capsys, tmp_path / "deep.json", good)
    assert code == 1 and "deep.json: ERROR JSON nested too deeply" in out and "2 checked" in out


def test_a_log_line_that_is_not_utf8_is_reported_with_its_line_and_the_rest_checked(tmp_path, capsys):
    log = tmp_path / "session_webhook.jsonl"
    started = json.dumps(valid("recording.started")).encode()
    log.write_bytes(started + b"\n\xff\xfe broken\n" + started + b"\n")
    code, out, _ = run(capsys, log)
    assert code == 1 and f"{log}:2: ERROR not UTF-8 text" in out and "3 checked" in out


def test_a_fifo_is_skipped_with_a_note_instead_of_hanging(tmp_path, capsys):
    import os

    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    good = tmp_path / "started.json"
    good.write_text(json.dumps(valid("recording.started")))
    code, out, err = run(capsys, fifo, good)
    assert code == 0 and "not a regular file, skipped" in err and "1 checked" in out


def test_sora_log_lines_are_unwrapped_from_req(tmp_path, capsys):
    started = valid("recording.started")
    bad = valid("recording.report") | {"log_written": True}
    lines = [{"id": "L1", "timestamp": "2026-04-17T02:36:51.902750Z", "req": started},
             {"id": "L2", "timestamp": "2026-04-17T02:37:51.898409Z", "req": bad}]
    path = tmp_path / "session_webhook.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    code, out, _ = run(capsys, path, "--json")
    report = json.loads(out)
    assert code == 1 and report["checked"] == 2
    assert [(i["line"], i["schema"]) for i in report["items"]] == [(2, "recording.report")]


def test_unknown_webhook_type_is_reported_as_not_covered_never_invalid(tmp_path, capsys):
    line = {"id": "L1", "timestamp": "2026-04-17T02:36:51.902750Z",
            "req": {"type": "audio-streaming.started", "id": "X", "channel_id": "c"}}
    path = tmp_path / "session_webhook.jsonl"
    path.write_text(json.dumps(line) + "\n")
    code, out, _ = run(capsys, path)
    assert code == 0 and "INFO type 'audio-streaming.started' is not covered by the contract" in out
    assert run(capsys, path, "--strict")[0] == 0


def test_a_payload_type_wins_over_its_file_name(tmp_path, capsys):
    path = tmp_path / "report-ABC.json"
    path.write_text(json.dumps(valid("recording.report") | {"log_written": True}))
    code, out, _ = run(capsys, path, "--json")
    assert code == 1 and {i["schema"] for i in json.loads(out)["items"]} == {"recording.report"}


def test_a_recording_webhook_that_says_neither_session_nor_legacy_is_ambiguous(tmp_path, capsys):
    payload = valid("recording.report")
    del payload["session_id"], payload["data"]["session_id"]
    path = tmp_path / "webhook.json"
    path.write_text(json.dumps(payload))
    code, out, _ = run(capsys, path)
    assert code == 1 and "ambiguous" in out and "--as recording.report" in out
    assert "--as legacy.recording.report" in out
    log = tmp_path / "session_webhook.jsonl"  # the endpoint says which: judged as a session webhook
    log.write_text(json.dumps(payload) + "\n")
    code, out, _ = run(capsys, log)
    assert code == 1 and "WH-REC-SESSION-ID" in out and "ambiguous" not in out


@pytest.mark.parametrize("name", ["session.created", "session.updated", "session.destroyed", "recording.started",
                                  "recording.report", "legacy.recording.started", "legacy.recording.report",
                                  "connection.created", "connection.destroyed", "archive.started",
                                  "archive.available", "archive.failed", "split-archive.available",
                                  "split-archive.end", "auth.request", "file.report", "file.legacy-report",
                                  "file.archive", "file.split-archive", "file.split-archive-end"])
def test_an_empty_object_is_rejected_as_every_webhook_and_file(tmp_path, capsys, name):
    path = tmp_path / "empty.json"
    path.write_text("{}")
    code, out, _ = run(capsys, path, "--as", name)
    failing = [line for line in out.splitlines() if ": FAIL " in line]
    assert code == 1 and failing
    assert all("ID-" in line or "WH-REC-SESSION-ID" in line or "WH-ARCHIVE" in line or "LEGACY-EVENT" in line
               for line in failing), failing
    identity = {"auth.request": ["channel_id", "connection_id"], "file.report": ["recording_id"],
                "file.legacy-report": ["recording_id"]}.get(name)
    if identity is None:
        identity = ["connection_id"] if name.startswith("file.") else ["type", "id", "timestamp", "channel_id"]
    assert all(f"'{field}' is a required property [ID-" in out for field in identity), out


def archive_dir(root, recording_id="REC1"):
    """A recording directory (report, one archive JSON; its media is judged elsewhere) under root."""
    directory = root / recording_id
    directory.mkdir(parents=True)
    report = valid("file.report") | {"recording_id": recording_id}
    report["archives"] = [{"connection_id": "C1"}]
    report["split_only"] = False
    (directory / f"report-{recording_id}.json").write_text(json.dumps(report))
    archive = valid("file.archive") | {"recording_id": recording_id, "connection_id": "C1"}
    archive.update({k: report[k] for k in ("channel_id", "session_id") if k in report})
    (directory / "archive-C1.json").write_text(json.dumps(archive))
    return directory


def test_symbolic_links_in_an_archive_dir_are_never_followed(tmp_path, capsys):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "report-OUT.json").write_text(json.dumps(valid("file.report") | {"recording_id": "OUT"}))
    (outside / "passwd.json").write_text("root:x:0:0:root:/root:/bin/bash")
    (outside / "session_webhook.jsonl").write_text("not a log\n")
    root = tmp_path / "archive"
    recording = archive_dir(root)
    (root / "etc").symlink_to(outside, target_is_directory=True)  # a recording dir pointing out
    (recording / "stolen.json").symlink_to(outside / "passwd.json")  # a file pointing out
    (root / "session_webhook.jsonl").symlink_to(outside / "session_webhook.jsonl")
    (outside / "movie.webm").write_bytes(b"\x1a\x45\xdf\xa3")
    (recording / "archive-C1.webm").symlink_to(outside / "movie.webm")  # a media file pointing out
    code, out, _ = run(capsys, root, "--json")
    report = json.loads(out)
    assert {i["source"]: i["skipped"] is not None for i in report["items"] if i["skipped"]} == {
        str(root / "etc"): True, str(recording / "stolen.json"): True, str(root / "session_webhook.jsonl"): True,
        str(recording / "archive-C1.webm"): True}
    assert not any(str(outside) in (i["source"] or "") for i in report["items"])
    assert code == 0, out


def test_a_directory_holding_only_links_out_never_passes(tmp_path, capsys):
    outside = archive_dir(tmp_path / "elsewhere")
    root = tmp_path / "archive"
    root.mkdir()
    (root / "REC1").symlink_to(outside, target_is_directory=True)
    code, out, _ = run(capsys, root)
    assert code == 1 and "SKIPPED symbolic link, not followed" in out and "no Sora output found" in out


def test_a_file_name_that_is_not_utf8_is_printed_escaped(tmp_path, capsys):
    import os

    name = tmp_path / os.fsdecode(b"bad\xff.json")
    name.write_text("not json")
    code, out, _ = run(capsys, name)  # capsys writes UTF-8 strictly, as a UTF-8 terminal's stdout does
    assert code == 1 and "bad\\xff.json: ERROR not JSON" in out
    code, out, _ = run(capsys, name, "--json")
    assert code == 1 and os.fsencode(json.loads(out)["items"][0]["source"]).endswith(b"bad\xff.json")


def test_control_characters_in_file_names_cannot_forge_output_lines(tmp_path, capsys):
    forged = tmp_path / "x.json\nall.json: OK\r\u2028\u202e"
    forged.write_text("not json")
    code, out, _ = run(capsys, forged)
    lines = out.splitlines()
    assert code == 1 and len(lines) == 2 and lines[0].startswith(str(tmp_path / "x.json"))
    assert "x.json\\nall.json: OK\\r\\u2028\\u202e: ERROR not JSON" in lines[0]
