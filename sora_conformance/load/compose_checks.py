"""The checks on a recording's files that Shiguredo's own readers make: each media file's container (finalised,
in the shape Sora writes: contract/containers) and hisui composing the recording directory (FILES-COMPOSE).
hisui missing or lacking a decoder here makes FILES-COMPOSE unsupported for the recording, never passed."""
from __future__ import annotations


from ..composing.check import check_recording, hisui_here
from ..composing.runner import HisuiStuck
from ..composing.tools import HisuiUnavailable
from ..contract.containers import FINALISED, MP4_SHAPE, WEBM_SHAPE, check_media
from ..contract.files import MEDIA_SUFFIXES
from ..verdicts import Verdict
from .judge import Findings, NamedCheck, Outcome, Recording

COMPOSE = "FILES-COMPOSE"
SHAPE = {"webm": WEBM_SHAPE, "mp4": MP4_SHAPE}


def containers_are_sora_shaped(rec: Recording, found: Findings) -> None:
    """Every media file is finalised and has the container shape Sora writes (its findings, rule by rule)."""
    assert rec.archive is not None
    directory = rec.archive.recording_dir(rec.recording_id)
    names = [n for n in rec.archive.names(rec.recording_id) if n.endswith(MEDIA_SUFFIXES)]
    if not names:  # nothing read never passes: FILES-IN-ARCHIVE-DIR says why
        for clause in (FINALISED, SHAPE[rec.format]):
            found.cannot_judge(clause, "no media file in the recording's directory")
        return
    for name in names:
        report = check_media(directory / name)
        if report.error is not None:
            raise OSError(report.error)  # not readable here: the check could not judge
        for finding in report.summarised():
            found.expect(finding.clause, False, f"{name}: {finding}")


def hisui_composes(rec: Recording, found: Findings) -> None:
    assert rec.archive is not None
    hisui = hisui_here()  # beside this Python, else on PATH
    if isinstance(hisui, str):
        found.add(Outcome(COMPOSE, Verdict.UNSUPPORTED.value, found.check, hisui))
        return
    directory = rec.archive.recording_dir(rec.recording_id)
    try:
        result = check_recording(hisui, directory)
    except HisuiUnavailable as exc:  # no decoder for these files here (H.264 without OpenH264)
        found.add(Outcome(COMPOSE, Verdict.UNSUPPORTED.value, found.check, str(exc)))
        return
    except HisuiStuck as exc:
        raise OSError(str(exc)) from None
    found.expect(COMPOSE, result.composition is not None, f"{directory.name} has no media file for hisui to compose")
    for finding in result.findings:
        found.expect(COMPOSE, False, finding.title, finding.actual)


COMPOSE_CHECKS = [  # a check's clauses pass unless it finds otherwise: each format's shape clause on its own files
    NamedCheck("WebM containers are Sora's shape", (FINALISED, WEBM_SHAPE), containers_are_sora_shaped,
               needs_archive_dir=True, when=lambda rec: rec.format == "webm"),
    NamedCheck("MP4 containers are Sora's shape", (FINALISED, MP4_SHAPE), containers_are_sora_shaped,
               needs_archive_dir=True, when=lambda rec: rec.format == "mp4"),
    NamedCheck("hisui composes the recording", (COMPOSE,), hisui_composes, needs_archive_dir=True),
]
