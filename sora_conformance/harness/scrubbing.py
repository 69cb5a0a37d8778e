"""The net under the scrubbing done at the sources: a test report that still quotes a secret is scrubbed.

Sources (`Exchange`, `TargetError`, `ClauseFailure`, captured webhooks, client errors) scrub what the target
sent. What they cannot reach is the traceback pytest builds from a failure: a test's own assertion about an
echoed body, the locals `pytest -l` prints. This hook sees the report first (innermost wrapper), so the
console, junit.xml, the judging plugin and allure-pytest (which reads the exception message itself) all get
the scrubbed text.
"""
from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest

from ..scrub import holds_secret, scrub_text


@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Generator[None, Any, Any]:
    report: pytest.TestReport = yield
    if isinstance(report.longrepr, tuple):  # a skip: (path, line, reason), as pytest's summary expects it
        path, line, reason = report.longrepr
        report.longrepr = (path, line, scrub_text(reason))
    elif report.longrepr is not None:
        text = report.longreprtext
        scrubbed = scrub_text(text)
        if scrubbed != text:
            report.longrepr = scrubbed  # plain text from now on: the traceback held it
    report.sections = [(title, scrub_text(content)) for title, content in report.sections]
    if call.excinfo is not None:
        scrub_exception(call.excinfo.value)
    return report


def scrub_exception(exc: BaseException | None) -> None:
    """The string arguments of an exception and of those it was raised from, in place."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if any(isinstance(arg, str) and holds_secret(arg) for arg in exc.args):
            exc.args = tuple(scrub_text(arg) if isinstance(arg, str) else arg for arg in exc.args)
        exc = exc.__cause__ or exc.__context__
