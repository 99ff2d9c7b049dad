"""The stocksim command: its commands, a flag and a STOCKSIM_* variable for every setting, one line for every bad
input (exit status 2 for usage, 1 for the rest), and real server starts."""

from __future__ import annotations

import dataclasses
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import click
import httpx
import pytest
from click.testing import CliRunner, Result

from simulator import __version__, cli
from simulator.cli import banner, first_sentence, main
from simulator.config import Settings, envvar
from simulator.scenarios import examples
from simulator.scenarios.loader import load_file
from simulator.store.connection import UnusableDatabase
from tests.support import ROOT


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[Settings]:
    """The settings `serve` would run with, instead of running (so flags and variables can be read off)."""
    calls: list[Settings] = []

    def record(settings: Settings) -> None:
        calls.append(settings)

    monkeypatch.setattr(cli, "run", record)
    return calls


@pytest.fixture
def no_stocksim_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in os.environ:
        if name.startswith("STOCKSIM_"):
            monkeypatch.delenv(name)


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli.cli, list(args), env=env, prog_name="stocksim")


def one_line(text: str) -> str:
    assert text.endswith("\n") and text.count("\n") == 1, f"not one line: {text!r}"
    assert text.startswith("stocksim: "), text
    return text


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout == f"stocksim {__version__}\n"


@pytest.mark.usefixtures("no_stocksim_env")
@pytest.mark.parametrize("args", [[], ["--port", "9000"], ["serve", "--port", "9000"], ["--debug"]])
def test_serve_is_the_default_command(served: list[Settings], args: list[str]) -> None:
    assert main(args) == 0
    assert served == [Settings(port=9000 if "--port" in args else 8080)]


def test_every_setting_has_a_flag_and_a_variable() -> None:
    options = {p.name: p for p in cli.serve.params if isinstance(p, click.Option)}
    for f in dataclasses.fields(Settings):
        option = options.get(f.name)
        assert option is not None, f"Settings.{f.name} has no flag"
        assert option.opts == [f"--{f.name.replace('_', '-')}"]
        assert option.envvar == envvar(f.name) == f"STOCKSIM_{f.name.upper()}"
        assert option.help, f"--{f.name} has no help"


def test_variables_are_honoured_and_flags_win(served: list[Settings], tmp_path: Path) -> None:
    given = {
        "host": "0.0.0.0",
        "port": "9001",
        "scenario": "rate-limited-shop",
        "db": str(tmp_path / "state.db"),
        "max_body_bytes": "1024",
        "header_timeout": "3",
        "idle_timeout": "30",
        "log_level": "WARNING",
        "journal_size": "0",
        "control_token": "s3cret",
        "trust_proxy_headers": "true",
        "webhook_allow": "hooks.example.com, https://h.test/in/",
        "scenario_dir": str(tmp_path),
        "reset_on_scenario_change": "1",
        "max_sandboxes": "5",
        "max_fault_rules": "6",
        "journal_bytes": "7000",
        "kaching_import_values": "8",
        "kaching_log_entries": "9",
        "kaching_events": "11",
        "centra_update_products": "10",
        "instance_name": "shard-1",
        "peers": "http://10.0.0.1:8080/, http://10.0.0.2:8080",
    }
    assert set(given) == {f.name for f in dataclasses.fields(Settings)}
    result = invoke(env={envvar(name): value for name, value in given.items()})
    assert result.exit_code == 0, result.output
    expected = Settings(
        host="0.0.0.0",
        port=9001,
        scenario="rate-limited-shop",
        db=str(tmp_path / "state.db"),
        max_body_bytes=1024,
        header_timeout=3,
        idle_timeout=30,
        log_level="warning",
        journal_size=0,
        control_token="s3cret",
        trust_proxy_headers=True,
        webhook_allow=("hooks.example.com", "https://h.test/in/"),
        scenario_dir=str(tmp_path),
        reset_on_scenario_change=True,
        max_sandboxes=5,
        max_fault_rules=6,
        journal_bytes=7000,
        kaching_import_values=8,
        kaching_log_entries=9,
        kaching_events=11,
        centra_update_products=10,
        instance_name="shard-1",
        peers=("http://10.0.0.1:8080", "http://10.0.0.2:8080"),
    )
    assert served == [expected]
    assert all(getattr(expected, f.name) != f.default for f in dataclasses.fields(Settings))
    assert Settings.from_env({envvar(name): value for name, value in given.items()}) == expected

    env = {"STOCKSIM_PORT": "9001", "STOCKSIM_JOURNAL_SIZE": "3"}
    result = invoke("--port", "9002", "--journal-size", "7", env=env)
    assert result.exit_code == 0, result.output
    assert (served[-1].port, served[-1].journal_size) == (9002, 7)


@pytest.mark.usefixtures("no_stocksim_env")
@pytest.mark.parametrize(
    ("args", "env", "named"),
    [
        (["--port", "70000"], {}, ["--port", "70000", "0 for any free port"]),
        (["--host", ""], {}, ["--host", "0.0.0.0"]),
        (["serve", "--port", "-1"], {}, ["--port", "-1"]),
        ([], {"STOCKSIM_PORT": "abc"}, ["STOCKSIM_PORT", "abc"]),
        (["--journal-size", "-1"], {}, ["--journal-size", "-1"]),
        (["--max-body-bytes", "0"], {}, ["--max-body-bytes", "0"]),
        (["--header-timeout", "0"], {}, ["--header-timeout", "0", "1 to 86400"]),
        ([], {"STOCKSIM_IDLE_TIMEOUT": "1.5"}, ["STOCKSIM_IDLE_TIMEOUT", "1.5"]),
        (["--log-level", "loud"], {}, ["--log-level", "loud", "warning"]),
        ([], {"STOCKSIM_LOG_LEVEL": "loud"}, ["STOCKSIM_LOG_LEVEL", "loud"]),
        (["--scenario", "no-such-scenario"], {}, ["--scenario", "no-such-scenario", "stocksim scenarios"]),
        (["--scenario-dir", "/no/such/folder"], {}, ["--scenario-dir", "/no/such/folder"]),
        (["--control-token", ""], {}, ["--control-token"]),
        (["--webhook-allow", "ftp://h.test/"], {}, ["--webhook-allow", "ftp://h.test/"]),
        ([], {"STOCKSIM_WEBHOOK_ALLOW": "https:///x"}, ["STOCKSIM_WEBHOOK_ALLOW", "names no host"]),
        ([], {"STOCKSIM_TRUST_PROXY_HEADERS": "maybe"}, ["STOCKSIM_TRUST_PROXY_HEADERS", "maybe"]),
        (["--control-token", " padded "], {}, ["--control-token"]),
        (["--instance-name", ""], {}, ["--instance-name"]),
        (["--peers", "10.0.0.1:8080"], {}, ["--peers", "10.0.0.1:8080", "http://host:port"]),
        ([], {"STOCKSIM_PEERS": "http://a:1,ftp://b"}, ["STOCKSIM_PEERS", "ftp://b"]),
        (["--prot", "9000"], {}, ["--prot", "stocksim serve --help"]),
        (["serve", "extra"], {}, ["extra", "stocksim serve --help"]),
        (["bogus"], {}, ["bogus", "stocksim --help"]),
        (["validate"], {}, ["stocksim validate --help"]),
        ([], {"STOCKSIM_DEBUG": "perhaps"}, ["STOCKSIM_DEBUG", "perhaps"]),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(
    served: list[Settings], args: list[str], env: dict[str, str], named: list[str]
) -> None:
    result = invoke(*args, env=env)
    assert result.exit_code == 2
    assert result.stdout == ""
    line = one_line(result.stderr)
    for text in named:
        assert text in line
    assert served == []


def test_failures_are_one_line_unless_debug(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database at all, " * 200)
    result = invoke("--db", str(garbage))
    assert result.exit_code == 1
    assert str(garbage) in one_line(result.stderr)
    assert result.stdout == ""

    result = invoke("--debug", "--db", str(garbage))
    assert result.exit_code == 1
    assert isinstance(result.exception, UnusableDatabase)


def test_an_unexpected_error_is_one_line_with_a_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(settings: Settings) -> None:
        raise RuntimeError("kaput")

    monkeypatch.setattr(cli, "run", broken)
    result = invoke()
    assert result.exit_code == 1
    line = one_line(result.stderr)
    assert "RuntimeError" in line and "kaput" in line and "--debug" in line
    assert isinstance(invoke("--debug").exception, RuntimeError)


def test_a_scenario_that_does_not_validate_lists_its_problems(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("merchantpro:\n  shops:\n    - name: s\n      api_key: k\n")
    result = invoke("--scenario", str(bad))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"stocksim: {bad}:3:7: $.merchantpro.shops[0]")
    assert result.stdout == ""


def test_validate_ok_and_failing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("merchantpro:\n  shops:\n    - name: s\n      api_key: k\n")
    good = ROOT / "scenarios" / "default.yaml"
    assert main(["validate", str(good)]) == 0
    assert capsys.readouterr().out == f"{good}: ok\n"
    assert main(["validate", str(good), str(bad)]) == 1
    out, err = capsys.readouterr()
    assert out == f"{good}: ok\n"
    assert f"{bad}:3:7: $.merchantpro.shops[0]: missing required field `api_secret`" in err


def test_scenarios_lists_each_shipped_one_with_its_first_sentence() -> None:
    result = invoke("scenarios")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    shipped = examples.shipped()
    assert [line.split()[0] for line in lines] == list(shipped)
    for line, path in zip(lines, shipped.values(), strict=True):
        sentence = line.split(None, 1)[1]
        description = " ".join(load_file(path).spec.description.split())
        assert description.startswith(sentence) and sentence.endswith(".")
        assert sentence == description or description[len(sentence)] == " "


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("One. Two.", "One."),
        ("An i.LEVEL tenant\n  and more. Then", "An i.LEVEL tenant and more."),
        ("Is it? Yes.", "Is it?"),
        ("no full stop", "no full stop"),
        ("", ""),
    ],
)
def test_first_sentence(text: str, first: str) -> None:
    assert first_sentence(text) == first


def test_banner_prints_every_base_url_with_credentials() -> None:
    text = banner(Settings(), load_file(ROOT / "scenarios" / "default.yaml"))
    assert "http://127.0.0.1:8080/merchantpro/demo  scheme=basic username=demo-api-key password=demo-api-secret" in text


@pytest.fixture
def process_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("STOCKSIM_")}


def test_python_m_simulator_serves_on_the_port_the_banner_names(process_env: dict[str, str]) -> None:
    # Port 0 (from the variable): the system picks a free port, and the banner says which one.
    env = {**process_env, "STOCKSIM_PORT": "0", "STOCKSIM_LOG_LEVEL": "warning"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "simulator", "--scenario", "default"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        banner_lines = [proc.stdout.readline() for _ in range(3)]
        root = banner_lines[1].split("control plane: ")[1].removesuffix("/_sim/health\n")
        assert root.startswith("http://127.0.0.1:") and not root.endswith(":0")
        deadline = time.monotonic() + 20
        while True:
            try:
                r = httpx.get(f"{root}/_sim/health", timeout=1)
                break
            except httpx.TransportError:
                assert proc.poll() is None and time.monotonic() < deadline, "server did not start"
                time.sleep(0.1)
        assert r.json()["status"] == "ok"
        r = httpx.get(f"{root}/merchantpro/demo/api/v2/inventory/id/10001", auth=("demo-api-key", "demo-api-secret"))
        assert r.json()["stock"] == 10
        assert f"{root}/merchantpro/demo " in banner_lines[2]
    finally:
        proc.terminate()
        proc.communicate(timeout=10)


def exits(argv: list[str], env: dict[str, str], within: float) -> tuple[int, str, str, float]:
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "simulator", *argv], env=env, capture_output=True, text=True, timeout=within + 10
    )
    return proc.returncode, proc.stdout, proc.stderr, time.monotonic() - started


@pytest.mark.parametrize(
    "content",
    [
        b"garbage " * 1000,
        b"SQLite format 3\x00",  # a header, then nothing: a file cut short
    ],
    ids=["garbage", "truncated"],
)
def test_an_unusable_db_file_exits_at_once_with_one_line(
    tmp_path: Path, process_env: dict[str, str], content: bytes
) -> None:
    db = tmp_path / "state.db"
    db.write_bytes(content)
    code, out, err, took = exits(["--db", str(db), "--port", "0"], process_env, within=2)
    assert code == 1
    assert out == ""  # no banner: nothing was served
    assert str(db) in one_line(err)
    assert took < 2, f"took {took:.1f} s to give up"


def test_a_busy_port_is_one_line_before_any_banner(process_env: dict[str, str]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, out, err, _ = exits(["--port", str(port)], process_env, within=10)
    assert code == 1
    assert out == ""
    line = one_line(err)
    assert f"127.0.0.1:{port}" in line and "--port" in line
