"""The stocksim command: validate, settings from flags and STOCKSIM_* variables, a real server start."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from simulator.cli import banner, main
from simulator.config import Settings
from simulator.scenarios.loader import load_file
from tests.support import ROOT, free_port


def test_validate_ok_and_failing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("merchantpro:\n  shops:\n    - name: s\n      api_key: k\n")
    assert main(["validate", str(ROOT / "scenarios" / "default.yaml")]) == 0
    assert main(["validate", str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:3:7: $.merchantpro.shops[0]: missing required field `api_secret`" in err


def test_settings_from_environment_and_flags() -> None:
    env = {"STOCKSIM_PORT": "9999", "STOCKSIM_DB": "/tmp/x.db", "STOCKSIM_HOST": ""}
    assert Settings.from_env(env) == Settings(port=9999, db="/tmp/x.db")
    assert Settings.from_env(env, port=1234).port == 1234
    assert Settings().host == "127.0.0.1" and Settings().port == 8080


def test_banner_prints_every_base_url_with_credentials() -> None:
    text = banner(Settings(), load_file(ROOT / "scenarios" / "default.yaml"))
    assert "http://127.0.0.1:8080/merchantpro/demo  scheme=basic username=demo-api-key password=demo-api-secret" in text


def test_python_m_simulator_serves_the_default_scenario() -> None:
    port = free_port()
    env = {**os.environ, "STOCKSIM_PORT": str(port), "STOCKSIM_LOG_LEVEL": "warning"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "simulator"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/_sim/health", timeout=1)
                break
            except httpx.TransportError:
                assert proc.poll() is None and time.monotonic() < deadline, "server did not start"
                time.sleep(0.1)
        assert r.json()["status"] == "ok"
        r = httpx.get(
            f"http://127.0.0.1:{port}/merchantpro/demo/api/v2/inventory/id/10001",
            auth=("demo-api-key", "demo-api-secret"),
        )
        assert r.json()["stock"] == 10
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=10)
    assert f"http://127.0.0.1:{port}/merchantpro/demo-mw" in out
