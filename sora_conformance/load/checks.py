"""The checks a load run makes on every recording, in the contract's terms (webhooks and the report here; files
and media in file_checks.py). `CHECKS` is the list `judge` runs; a new check is one more `NamedCheck`."""
from __future__ import annotations

from .compose_checks import COMPOSE_CHECKS
from .file_checks import FILE_CHECKS
from .judge import Findings, NamedCheck, Recording

WEBHOOK_CLAUSES = ("ID-WEBHOOK", "SESSION-ID-FORMAT", "WH-REC-SESSION-ID", "WH-REC-SESSION-WEBHOOK",
                   "WH-REC-NO-METADATA", "WH-REC-NO-LOG-WRITTEN", "WH-REC-REST-UNCHANGED", "WH-ARCHIVE-UNCHANGED")
FINISHED = {False: "archive.available", True: "split-archive.end"}  # by split_only: the webhook a finished archive gets


def webhooks_keep_the_contract(rec: Recording, found: Findings) -> None:
    """Every webhook of the session was validated against the contract as it arrived (capture server): each
    violation counts against its own clause, at its own level."""
    for hook in rec.webhooks:
        for violation in hook.violations:
            found.expect(violation.clause or "WH-REC-REST-UNCHANGED", False,
                         f"{hook.type} on the {hook.endpoint} webhook: {violation}", hook.as_evidence())


def recording_webhooks_name_the_session(rec: Recording, found: Findings) -> None:
    """recording.started and recording.report come on the session webhook, carry this session's session_id and,
    as no expire_time was asked for, neither expire_time nor expired_at."""
    for hook in rec.of("recording.started") + rec.of("recording.report"):
        data = hook.data()
        found.expect("WH-REC-SESSION-WEBHOOK", hook.endpoint == "session",
                     f"{hook.type} arrived on the {hook.endpoint} webhook", hook.as_evidence())
        found.expect("WH-REC-SESSION-ID", rec.session_id is not None and data.get("session_id") == rec.session_id,
                     f"{hook.type} does not carry the session's session_id {rec.session_id}", data.get("session_id"))
        for key, clause in (("expire_time", "EXPIRE-ABSENT-WHEN-UNSET"), ("expired_at", "EXPIRED-AT-ABSENT-WHEN-UNSET")):
            found.expect(clause, key not in data, f"{hook.type} carries {key} although none was asked for",
                         data.get(key))


def report_arrives(rec: Recording, found: Findings) -> None:
    """The session was destroyed (everyone left): its recording ends and recording.report follows, once."""
    reports = [r for r in rec.of("recording.report") if r.data().get("recording_id") == rec.recording_id]
    found.expect("REC-STOP-ON-DESTROY", rec.report is not None,
                 f"no recording.report for recording {rec.recording_id} after every client left",
                 _arrived(rec))
    found.expect("REC-STOP-ON-DESTROY", len(reports) <= 1, f"{len(reports)} recording.report for one recording",
                 [r.data() for r in reports])


def report_lists_every_connection(rec: Recording, found: Findings) -> None:
    """Each connection that was recorded is in the report, in archives or failed_archives, once; one in
    archives got its finished-archive webhook (archive.available, or split-archive.end) on the event webhook."""
    if rec.report is None:
        for clause in ("REC-CONN-FINALISE", "WH-ARCHIVE-UNCHANGED"):
            found.cannot_judge(clause, "no recording.report to read the archives from (REC-STOP-ON-DESTROY)")
        return
    data = rec.report.data()
    listed = [entry_connection(e) for e in _entries(data, "archives")]
    failed = [entry_connection(e) for e in _entries(data, "failed_archives")]
    for cid in rec.connection_ids:
        count = listed.count(cid) + failed.count(cid)
        found.expect("REC-CONN-FINALISE", count == 1, f"connection {cid} is listed {count} times in the report",
                     {"archives": listed, "failed_archives": failed})
        if cid in listed:
            kind = FINISHED[rec.split_only]
            found.expect("WH-ARCHIVE-UNCHANGED", any(w.data().get("connection_id") == cid for w in rec.of(kind, "event")),
                         f"no {kind} for connection {cid}", _arrived(rec))


def failed_archives(rec: Recording) -> list[dict[str, object]]:
    """The report's failed_archives, each with its connection and what the target said about it: the entry, and
    the archive.failed webhook for that connection if one came (the contract gives no reason field)."""
    if rec.report is None:
        return []
    failed = []
    for entry in _entries(rec.report.data(), "failed_archives"):
        cid = entry_connection(entry)
        webhook = next((w for w in rec.of("archive.failed") if w.data().get("connection_id") == cid), None)
        said = webhook.payload.get("data") if webhook is not None and isinstance(webhook.payload, dict) else None
        failed.append({"connection_id": cid, "entry": entry, "archive.failed": said})
    return failed


def _arrived(rec: Recording) -> list[str]:
    return [f"{w.type or 'auth request'} ({w.endpoint})" for w in rec.webhooks]


def entry_connection(entry: object) -> str | None:
    value = entry.get("connection_id") if isinstance(entry, dict) else None
    return value if isinstance(value, str) else None


def _entries(data: dict[str, object], key: str) -> list[object]:
    value = data.get(key)
    return value if isinstance(value, list) else []


CHECKS: list[NamedCheck] = [
    NamedCheck("webhooks keep the contract", WEBHOOK_CLAUSES, webhooks_keep_the_contract),
    NamedCheck("recording webhooks name the session", ("WH-REC-SESSION-WEBHOOK", "WH-REC-SESSION-ID",
               "EXPIRE-ABSENT-WHEN-UNSET", "EXPIRED-AT-ABSENT-WHEN-UNSET"), recording_webhooks_name_the_session),
    NamedCheck("report arrives", ("REC-STOP-ON-DESTROY",), report_arrives),
    NamedCheck("report lists every connection", ("REC-CONN-FINALISE", "WH-ARCHIVE-UNCHANGED"),
               report_lists_every_connection),
    *FILE_CHECKS,
    *COMPOSE_CHECKS,
]
