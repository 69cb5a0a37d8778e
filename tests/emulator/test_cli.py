"""`sora-emulator`: clear errors and exit 2 for bad options, ports and configs."""
import socket
import subprocess
import sys

from sora_emulator.cli import main


def test_list_faults_prints_each_with_its_clause(capsys):
    assert main(["--list-faults"]) == 0
    out = capsys.readouterr().out
    assert "recording-survives-destroy" in out and "REC-STOP-ON-DESTROY" in out


def test_unknown_fault_exits_2(capsys):
    assert main(["--fault", "nope", "--api-port", "0", "--signaling-port", "0"]) == 2
    assert "unknown fault" in capsys.readouterr().err


def test_bad_option_exits_2_with_one_line():
    done = subprocess.run([sys.executable, "-m", "sora_emulator.cli", "--api-port", "abc"], capture_output=True,
                          text=True, timeout=30)
    assert done.returncode == 2 and "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_busy_port_exits_2(tmp_path, capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code = main(["--api-port", str(port), "--signaling-port", "0", "--archive-dir", str(tmp_path)])
    assert code == 2 and "address already in use" in capsys.readouterr().err


def test_config_file_errors_name_the_line(tmp_path, capsys):
    conf = tmp_path / "sora.conf"
    conf.write_text("# sora.conf\nlegacy_recording = maybe\n")
    assert main(["--config", str(conf)]) == 2
    assert "sora.conf:2" in capsys.readouterr().err


def test_unknown_config_key_is_an_error(tmp_path, capsys):
    conf = tmp_path / "sora.conf"
    conf.write_text("no_such_key = 1\n")
    assert main(["--config", str(conf)]) == 2
    assert "unknown key" in capsys.readouterr().err


def test_session_updated_interval_comes_from_option_or_config(tmp_path, capsys):
    from sora_emulator.cli import build_parser, config_from

    conf = tmp_path / "sora.conf"
    conf.write_text("session_updated_webhook_interval = 5\n")
    assert config_from(build_parser().parse_args([])).session_updated_webhook_interval == 60
    assert config_from(build_parser().parse_args(["--config", str(conf)])).session_updated_webhook_interval == 5
    args = ["--config", str(conf), "--session-updated-webhook-interval", "0.5"]
    assert config_from(build_parser().parse_args(args)).session_updated_webhook_interval == 0.5
    assert main(["--session-updated-webhook-interval", "-1"]) == 2
    assert "session-updated-webhook-interval" in capsys.readouterr().err


def test_the_standalone_emulator_keeps_its_startup_objects_out_of_the_collector(tmp_path, monkeypatch, capsys):
    import signal

    from sora_emulator import cli

    handlers, frozen = {}, []
    monkeypatch.setattr(cli.signal, "signal", lambda sig, handler: handlers.__setitem__(sig, handler))

    def freeze():  # once serving: the heap is frozen, then the test stops the emulator as SIGTERM would
        frozen.append("API" in capsys.readouterr().out)
        handlers[signal.SIGTERM](signal.SIGTERM, None)

    monkeypatch.setattr(cli.gc, "freeze", freeze)
    assert main(["--api-port", "0", "--signaling-port", "0", "--archive-dir", str(tmp_path / "a"),
                 "--log-dir", str(tmp_path / "log")]) == 0
    assert frozen == [True]
