"""`sora-conformance validate` run in the test's own process, as the tests of its outputs need it."""
from sora_conformance.cli import main


def run(capsys, *argv) -> tuple[int, str, str]:
    """validate ARGV: its exit code, stdout and stderr; bad input of any kind never ends in a traceback."""
    code = main(["validate", *map(str, argv)])
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    return code, out.out, out.err
