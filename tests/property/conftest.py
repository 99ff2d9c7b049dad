"""Model-based tests: one real server per module, a fresh sandbox per state-machine run, and the runs counted."""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import RuleBasedStateMachine, run_state_machine_as_test

from tests.support import app_for, served

# CI keeps the four machines well under a minute and a half; `STOCKSIM_FUZZ=1` (make fuzz) runs them long.
settings.register_profile(
    "stocksim-ci",
    max_examples=40,
    stateful_step_count=15,
    deadline=None,
    # No "explain" phase: it re-runs a failing machine many times over HTTP for little gain.
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "stocksim-fuzz",
    max_examples=600,
    stateful_step_count=40,
    deadline=None,
    # No "explain" phase: it re-runs a failing machine many times over HTTP for little gain.
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FUZZ = os.environ.get("STOCKSIM_FUZZ") == "1"
PROFILE = settings.get_profile("stocksim-fuzz" if FUZZ else "stocksim-ci")
_names = itertools.count(1)


class Counter:
    """Runs (examples) and steps of one machine, so the lead can quote how many cases were generated."""

    def __init__(self) -> None:
        self.runs = 0
        self.checks = 0
        self.requests = 0


class Sandbox:
    """A fresh sandbox on the module's server, with a synchronous client rooted at it."""

    def __init__(self, client: httpx.Client, counter: Counter) -> None:
        self.name = f"prop{os.getpid()}-{next(_names)}"
        self.counter = counter
        self.control = client  # one client per module: a new one per run costs an SSL context each
        r = self.control.post("/_sim/sandboxes", json={"name": self.name})
        assert r.status_code == 201, r.text

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        self.counter.requests += 1
        response = self.control.request(method, f"/sandboxes/{self.name}{path}", **kwargs)
        # No operation, valid or not, may ever make the simulator fail.
        assert response.status_code < 500, (method, path, kwargs, response.status_code, response.text)
        return response

    def state(self) -> dict[str, Any]:
        self.counter.requests += 1
        r = self.control.get("/_sim/state", params={"sandbox": self.name, "limit": 1000})
        assert r.status_code == 200, r.text
        state: dict[str, Any] = r.json()
        return state

    def sim(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        self.counter.requests += 1
        params = {"sandbox": self.name, **kwargs.pop("params", {})}
        return self.control.request(method, path, params=params, **kwargs)

    def close(self) -> None:
        self.control.delete(f"/_sim/sandboxes/{self.name}")


@pytest.fixture(scope="module")
def server() -> Iterator[httpx.Client]:
    with served(app_for()) as url, httpx.Client(base_url=url, timeout=30) as client:
        yield client


_RESULTS: dict[str, dict[str, int]] = {}


@pytest.fixture
def run_machine(request: pytest.FixtureRequest, server: httpx.Client) -> Iterator[Callable[[type[Any]], None]]:
    """Runs a machine class (whose __init__ takes a Sandbox) under the active profile and records the counts."""
    counters: list[tuple[str, Counter]] = []

    def run(machine: type[Any]) -> None:
        counter = Counter()
        counters.append((machine.__name__, counter))

        def factory() -> RuleBasedStateMachine:
            counter.runs += 1
            instance: RuleBasedStateMachine = machine(Sandbox(server, counter))
            return instance

        run_state_machine_as_test(factory, settings=PROFILE)  # type: ignore[arg-type]  # a factory is documented

    yield run
    for name, counter in counters:
        # Invariants run once after setup and once after every step: checks - runs is the number of steps.
        _RESULTS[name] = {"runs": counter.runs, "steps": counter.checks - counter.runs, "requests": counter.requests}
    cache = getattr(request.config, "cache", None)  # absent under -p no:cacheprovider
    if cache is not None:
        Path(cache.mkdir("stocksim-property"), "cases.json").write_text(json.dumps(_RESULTS, indent=2))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _RESULTS:
        profile = "fuzz" if FUZZ else "ci"
        terminalreporter.write_sep("-", f"model-based cases generated ({profile} profile)")
        for name, counts in sorted(_RESULTS.items()):
            terminalreporter.write_line(
                f"{name}: {counts['runs']} runs, {counts['steps']} steps, {counts['requests']} requests"
            )
