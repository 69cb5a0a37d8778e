"""The pytest entry point: loads the harness (fixtures, options, verdicts) and the report writers."""

pytest_plugins = [
    "sora_conformance.harness.rootdir",
    "sora_conformance.harness.plugin",
    "sora_conformance.reporting.plugin",
]
