"""`make bench`'s pytest-plugin section: what the ``stock_sandbox`` fixture costs a test that sends no request."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

from bench.harness import free_port, median_seconds, server
from bench.throughput import simulator

PLUGIN_TESTS = """
import pytest


@pytest.mark.parametrize("i", range({n}))
def test_sandbox(stock_sandbox, i):
    pass


@pytest.mark.parametrize("i", range({n}))
def test_no_sandbox(stock_simulator, i):
    pass
"""
PLUGIN_CONFTEST = """
import json
import os

DURATIONS = {}


def pytest_runtest_logreport(report):
    if report.when in ("setup", "teardown"):
        DURATIONS[report.nodeid] = DURATIONS.get(report.nodeid, 0.0) + report.duration


def pytest_sessionfinish(session):
    with open(os.environ["BENCH_DURATIONS"], "w") as f:
        json.dump(DURATIONS, f)
"""


def bench_plugin(results: dict[str, Any], tmp: Path, n: int = 300) -> None:
    """The pytest plugin's cost per test: set-up plus tear-down of ``stock_sandbox`` (create and delete a sandbox
    through the plugin's own fixture, as pytest runs it, in a pytest process of its own), median over ``n`` tests
    that send no request; against one bare POST /_sim/sandboxes + DELETE on a reused client, same server.
    The same run times ``n`` tests without the fixture: pytest's own share of the figure."""
    project = tmp / "plugin"
    project.mkdir()
    (project / "test_overhead.py").write_text(PLUGIN_TESTS.format(n=n))
    (project / "conftest.py").write_text(PLUGIN_CONFTEST)
    durations = tmp / "durations.json"
    port = free_port()
    with server(simulator(port), port):
        url = f"http://127.0.0.1:{port}"
        run = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(project)],
            cwd=project,
            env={**os.environ, "STOCKSIM_URL": url, "BENCH_DURATIONS": str(durations)},
            capture_output=True,
            text=True,
        )
        if run.returncode != 0:
            raise RuntimeError(f"the plugin's pytest run failed:\n{run.stdout}{run.stderr}")
        with httpx.Client(base_url=url) as c:

            def create_delete() -> httpx.Response:
                name = c.post("/_sim/sandboxes", json={}).json()["name"]
                return c.delete(f"/_sim/sandboxes/{name}")

            for _ in range(10):
                create_delete()
            bare = median_seconds(create_delete, n, expect=204)
    measured = json.loads(durations.read_text())
    # The first test's set-up also starts the session (the plugin's pool, the health check).
    per_test = statistics.median([v for k, v in measured.items() if "::test_sandbox[" in k][1:])
    pytest_alone = statistics.median([v for k, v in measured.items() if "::test_no_sandbox[" in k])
    results.setdefault("extra", {})["pytest stock_sandbox per test ms (vs POST+DELETE)"] = {
        "value": per_test * 1e3,
        "baseline": bare * 1e3,
        "ratio": per_test / bare,
        # pytest's own set-up and tear-down of a test that uses only the session fixture: part of `value`.
        "pytest_without_sandbox_ms": pytest_alone * 1e3,
    }
