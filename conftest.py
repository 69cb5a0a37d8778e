# The harness lives in the package; this only loads it for suites/ and tests/.
pytest_plugins = ["sora_conformance.pytest_plugin"]
