"""JUnit XML for `replay --junit FILE`, like the suite's: one test case per reported case (an example, or a
webhook type of generated payloads), failed with its payload and the answer, and one per negative payload
(informational, always passed); the properties carry the seed and how often each edge was posted."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from .outcome import Outcome


def write_junit(path: Path, outcome: Outcome) -> None:
    failed = [case for case in outcome.cases if case.failures]
    suite = ET.Element("testsuite", name="sora-conformance replay",
                       tests=str(len(outcome.cases) + len(outcome.negatives)), failures=str(len(failed)),
                       errors="0", skipped="0")
    props = ET.SubElement(suite, "properties")
    ET.SubElement(props, "property", name="mode", value=outcome.mode)
    if outcome.seed is not None:
        ET.SubElement(props, "property", name="seed", value=str(outcome.seed))
    ET.SubElement(props, "property", name="posted", value=str(outcome.tally.posted))
    for name, count in sorted(outcome.tally.edges.items()):
        ET.SubElement(props, "property", name=f"edge: {name}", value=str(count))
    for case in outcome.cases:
        node = ET.SubElement(suite, "testcase", classname=f"replay.{outcome.mode}", name=case.name)
        node.set("time", f"{case.answer.seconds:.3f}" if case.answer else "0")
        if case.failures:
            failure = ET.SubElement(node, "failure", message="; ".join(f.reason for f in case.failures))
            failure.text = "\n\n".join(json.dumps(f.payload, indent=2, ensure_ascii=True) + "\n"
                                       + f.answer.describe() for f in case.failures)
    for r in outcome.negatives:
        node = ET.SubElement(suite, "testcase", classname="replay.negative", name=f"{r.kind}: {r.name}")
        ET.SubElement(node, "system-out").text = f"{'accepted' if r.accepted else 'refused'}: {r.answer.describe()}"
    path.parent.mkdir(parents=True, exist_ok=True)
    root = ET.Element("testsuites")
    root.append(suite)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
