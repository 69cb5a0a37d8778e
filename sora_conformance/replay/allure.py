"""Allure results for `replay --generate --allure-dir DIR`, like the suite's: one test per webhook type (failed
with the shrunk payload and the answer attached) and one per negative payload (passed, informational)."""
from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

from allure_commons.logger import AllureFileLogger
from allure_commons.model2 import Attachment, Label, Parameter, Status, StatusDetails, TestResult

from .hunt import ReceiverFailed, Tally
from .report import NegativeResult


def write_allure(directory: Path, types: list[str], failures: list[ReceiverFailed], tally: Tally,
                 negatives: list[NegativeResult], seed: int) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    logger = AllureFileLogger(str(directory))
    now = int(time.time() * 1000)
    by_kind = {f.kind: f for f in failures}
    for kind in types:
        result = _result(f"replay {kind}", "generated", seed, now)
        result.parameters.append(Parameter(name="payloads posted", value=str(tally.types[kind])))
        failure = by_kind.get(kind)
        if failure is None:
            result.status = Status.PASSED
        else:
            result.status = Status.FAILED
            result.statusDetails = StatusDetails(message=failure.reason, flaky=failure.flaky)
            _attach(logger, result, "smallest failing payload",
                    json.dumps(failure.payload, indent=2, ensure_ascii=False), "application/json", "json")
            _attach(logger, result, "answer", failure.answer.describe(), "text/plain", "txt")
        logger.report_result(result)
    for negative in negatives:
        result = _result(f"negative {negative.kind}: {negative.name}", "negative", seed, now)
        result.status = Status.PASSED  # informational: a receiver may accept what Sora never sends
        result.description = f"{'accepted' if negative.accepted else 'refused'}: {negative.answer.describe()}"
        result.labels.append(Label(name="tag", value=negative.clause))
        logger.report_result(result)


def _result(name: str, suite: str, seed: int, now: int) -> TestResult:
    result = TestResult(name=name, fullName=f"sora-conformance replay.{suite}.{name}", uuid=str(uuid.uuid4()),
                        historyId=name, start=now, stop=now)
    result.labels += [Label(name="parentSuite", value="replay"), Label(name="suite", value=suite),
                      Label(name="framework", value="sora-conformance replay")]
    result.parameters.append(Parameter(name="seed", value=str(seed)))
    return result


def _attach(logger: AllureFileLogger, result: TestResult, name: str, body: str, mime: str, ext: str) -> None:
    source = f"{uuid.uuid4()}-attachment.{ext}"
    result.attachments.append(Attachment(name=name, source=source, type=mime))
    logger.report_attached_data(body=body.encode("utf-8"), file_name=source)
