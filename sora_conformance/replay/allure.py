"""Allure results for `replay --allure-dir DIR`, like the suite's: one test per reported case (an example, or a
webhook type of generated payloads; failed with its payload and the answer attached) and one per negative
payload (passed, informational)."""
from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

from allure_commons.logger import AllureFileLogger
from allure_commons.model2 import Attachment, Label, Parameter, Status, StatusDetails, TestResult

from .outcome import Outcome


def write_allure(directory: Path, outcome: Outcome) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    logger = AllureFileLogger(str(directory))
    now = int(time.time() * 1000)
    payload_title = "smallest failing payload" if outcome.mode == "generated" else "payload"
    for case in outcome.cases:
        result = _result(f"replay {case.name}", outcome, now)
        result.parameters.append(Parameter(name="payloads posted", value=str(case.posted)))
        result.status = Status.FAILED if case.failures else Status.PASSED
        if case.failures:
            result.statusDetails = StatusDetails(message="; ".join(f.reason for f in case.failures),
                                                 flaky=all(f.flaky for f in case.failures))
        for failure in case.failures:
            _attach(logger, result, payload_title, json.dumps(failure.payload, indent=2, ensure_ascii=False),
                    "application/json", "json")
            _attach(logger, result, "answer", failure.answer.describe(), "text/plain", "txt")
        logger.report_result(result)
    for negative in outcome.negatives:
        result = _result(f"negative {negative.kind}: {negative.name}", outcome, now, suite="negative")
        result.status = Status.PASSED  # informational: a receiver may accept what Sora never sends
        result.description = f"{'accepted' if negative.accepted else 'refused'}: {negative.answer.describe()}"
        result.labels.append(Label(name="tag", value=negative.clause))
        logger.report_result(result)


def _result(name: str, outcome: Outcome, now: int, suite: str | None = None) -> TestResult:
    suite = suite or outcome.mode
    result = TestResult(name=name, fullName=f"sora-conformance replay.{suite}.{name}", uuid=str(uuid.uuid4()),
                        historyId=name, start=now, stop=now)
    result.labels += [Label(name="parentSuite", value="replay"), Label(name="suite", value=suite),
                      Label(name="framework", value="sora-conformance replay")]
    if outcome.seed is not None:
        result.parameters.append(Parameter(name="seed", value=str(outcome.seed)))
    return result


def _attach(logger: AllureFileLogger, result: TestResult, name: str, body: str, mime: str, ext: str) -> None:
    source = f"{uuid.uuid4()}-attachment.{ext}"
    result.attachments.append(Attachment(name=name, source=source, type=mime))
    logger.report_attached_data(body=body.encode("utf-8"), file_name=source)
