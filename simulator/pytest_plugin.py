"""A pytest plugin (entry point ``pytest11``, loaded automatically once the package is installed) for testing a
client against the simulator over real sockets.

- ``stock_simulator`` (session): the simulator on a free 127.0.0.1 port in a thread, on the default scenario or
  the file in ``STOCKSIM_SCENARIO``; or, with ``STOCKSIM_URL`` set, a simulator already running there (send
  ``STOCKSIM_CONTROL_TOKEN`` as its control token if it was started with one).
- ``stock_sandbox`` (function): a fresh sandbox for one test, deleted after it. ``@pytest.mark.stocksim_scenario
  ("path.yaml")`` (relative to the pytest rootdir) creates it from that scenario file instead.

This module loads in every pytest run of anyone who installs the package, so it imports nothing heavy at the top:
uvicorn, httpx and the app are imported inside the fixtures.
"""

from __future__ import annotations

import os
import re
import threading
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    import httpx

MARKER = "stocksim_scenario"
START_TIMEOUT_SECONDS = 15.0


class ControlError(RuntimeError):
    """The simulator's control plane refused a request (a bad fault rule, an unknown sandbox...)."""

    def __init__(self, method: str, url: str, status: int, body: str) -> None:
        super().__init__(f"{method} {url} -> {status}: {body}")
        self.status = status
        self.body = body


def control_headers() -> dict[str, str]:
    """The bearer token for a simulator started with --control-token (``STOCKSIM_CONTROL_TOKEN``), if any."""
    token = os.environ.get("STOCKSIM_CONTROL_TOKEN")
    return {"Authorization": f"Bearer {token}"} if token else {}


def _check(response: httpx.Response) -> Any:
    if response.is_error:
        raise ControlError(response.request.method, str(response.request.url), response.status_code, response.text)
    return response.json() if response.content else None


class StockSandbox:
    """One sandbox: its own copy of the scenario's data, faults, rate-limit buckets, journal and clock.

    ``client`` is an ``httpx.Client`` whose base URL is the sandbox's root, so ``client.patch("/merchantpro/demo/
    api/v2/...")`` reaches this sandbox's MerchantPro shop ``demo``. Usable as a context manager (deletes on exit).
    """

    def __init__(self, control_url: str, description: Mapping[str, Any]) -> None:
        import httpx

        self.name: str = description["name"]
        self.root_url: str = description["root_url"]
        self.apis: list[dict[str, Any]] = list(description["apis"])
        self.client = httpx.Client(base_url=self.root_url, trust_env=False)
        self._control = httpx.Client(
            base_url=control_url, params={"sandbox": self.name}, headers=control_headers(), trust_env=False
        )

    def __repr__(self) -> str:
        return f"StockSandbox({self.name!r}, {self.root_url!r})"

    def __enter__(self) -> StockSandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.delete()

    def api(self, vendor: str, account: str | None = None) -> dict[str, Any]:
        """The ``/_sim/apis`` entry of the vendor's account (without ``account``: the vendor's first one)."""
        for entry in self.apis:
            if entry["vendor"] == vendor and account in (None, entry["account"]):
                return entry
        known = ", ".join(f"{e['vendor']}/{e['account']}" for e in self.apis)
        raise LookupError(f"no {vendor} account {account or ''} in sandbox {self.name!r}; it has {known}")

    def base_url(self, vendor: str, account: str | None = None) -> str:
        """The account's base URL, as the client under test should be configured with it."""
        url: str = self.api(vendor, account)["base_url"]
        return url

    def credentials(self, vendor: str, account: str | None = None) -> dict[str, Any]:
        """The account's auth dict: ``{"scheme": "basic", "username", "password"}``, ``{"scheme": "header",
        "header", "token"}`` or ``{"scheme": "query", ...query parameters}``."""
        auth: dict[str, Any] = dict(self.api(vendor, account)["auth"])
        return auth

    def add_fault(self, rules: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Install one fault rule or a list of them (all or none); returns the installed rules."""
        payload = dict(rules) if isinstance(rules, Mapping) else [dict(r) for r in rules]
        installed: list[dict[str, Any]] = _check(self._control.post("/_sim/faults", json=payload))["installed"]
        return installed

    def faults(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = _check(self._control.get("/_sim/faults"))["faults"]
        return found

    def clear_faults(self) -> int:
        """Remove every fault rule (the scenario's too, until ``reset``); returns how many were removed."""
        removed: int = _check(self._control.delete("/_sim/faults"))["removed"]
        return removed

    def journal(self, **filters: Any) -> list[dict[str, Any]]:
        """Requests the sandbox's vendors received, oldest first. Filters: vendor, account, method, path (a glob),
        status, fault (bool), body_contains, limit."""
        params = {k: ("true" if v else "false") if isinstance(v, bool) else v for k, v in filters.items()}
        entries: list[dict[str, Any]] = _check(self._control.get("/_sim/journal", params=params))["entries"]
        return entries

    def clear_journal(self) -> None:
        _check(self._control.delete("/_sim/journal"))

    def verify(self, *expectations: Mapping[str, Any]) -> dict[str, Any]:
        """Check the journal, e.g. ``verify({"vendor": "centra", "method": "POST", "exactly": 1})``. Raises an
        AssertionError with the simulator's explanation of each unmet expectation."""
        response = self._control.post("/_sim/verify", json={"expect": [dict(e) for e in expectations]})
        if response.status_code == 417:
            raise AssertionError(response.json()["message"])
        result: dict[str, Any] = _check(response)
        return result

    def clock(self) -> dict[str, Any]:
        """``{"now": ISO, "epoch", "frozen", "offset_seconds"}``."""
        return self._clock_change(None)

    def advance(self, seconds: float) -> dict[str, Any]:
        """Move the sandbox's clock on (rate-limit refills, Ka-ching's processing delay, lockouts, fault windows)."""
        return self._clock_change({"advance": seconds})

    def freeze(self) -> dict[str, Any]:
        return self._clock_change({"freeze": True})

    def run_clock(self) -> dict[str, Any]:
        """Let a frozen clock run again from where it stands."""
        return self._clock_change({"run": True})

    def _clock_change(self, change: dict[str, Any] | None) -> dict[str, Any]:
        response = (
            self._control.get("/_sim/clock") if change is None else self._control.post("/_sim/clock", json=change)
        )
        result: dict[str, Any] = _check(response)
        return result

    def state(self, vendor: str | None = None) -> dict[str, Any]:
        """The sandbox's data as ``/_sim/state`` shows it, keyed by vendor name."""
        params = {"vendor": vendor} if vendor else None
        result: dict[str, Any] = _check(self._control.get("/_sim/state", params=params))
        return result

    def reset(self) -> None:
        """Back to the scenario: its data and fault rules, an empty journal, real time."""
        _check(self._control.post("/_sim/reset"))

    def delete(self) -> None:
        try:
            response = self._control.delete(f"/_sim/sandboxes/{self.name}")
            if response.status_code != 404:  # already deleted by the test itself
                _check(response)
        finally:
            self.client.close()
            self._control.close()


class StockSimulator:
    """A running simulator: ``url`` is its root; ``create_sandbox`` makes sandboxes on it."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")

    def __repr__(self) -> str:
        return f"StockSimulator({self.url!r})"

    def create_sandbox(
        self, name: str | None = None, scenario: str | os.PathLike[str] | Mapping[str, Any] | None = None
    ) -> StockSandbox:
        """A new sandbox, on the simulator's scenario or on ``scenario``: a YAML file's path or the scenario as a
        dict. Without ``name``, a unique one."""
        import httpx

        body: dict[str, Any] = {"name": name or f"pytest-{uuid.uuid4().hex[:12]}"}
        if isinstance(scenario, Mapping):
            body["scenario"] = dict(scenario)
        elif scenario is not None:
            body["scenario"] = Path(scenario).read_text(encoding="utf-8")
        with httpx.Client(headers=control_headers(), trust_env=False) as client:
            description = _check(client.post(f"{self.url}/_sim/sandboxes", json=body))
        return StockSandbox(self.url, description)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(path): create the stock_sandbox fixture from this scenario YAML file (path relative to "
        "the pytest rootdir)",
    )


@pytest.fixture(scope="session")
def stock_simulator() -> Iterator[StockSimulator]:
    """The simulator for the whole session: ``STOCKSIM_URL`` if set, else one served here on a free port."""
    url = os.environ.get("STOCKSIM_URL")
    if url:
        _check_healthy(url)
        yield StockSimulator(url)
        return
    with _serve(os.environ.get("STOCKSIM_SCENARIO") or None) as served:
        yield StockSimulator(served)


@pytest.fixture
def stock_sandbox(request: pytest.FixtureRequest, stock_simulator: StockSimulator) -> Iterator[StockSandbox]:
    """A fresh sandbox for this test, named after it, deleted afterwards."""
    marker = request.node.get_closest_marker(MARKER)
    scenario: Path | None = None
    if marker is not None:
        if len(marker.args) != 1:
            raise pytest.UsageError(f"@pytest.mark.{MARKER} takes one argument: the scenario file's path")
        scenario = request.config.rootpath / marker.args[0]
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name)[:40].strip("-._") or "test"
    name = f"{slug}-{uuid.uuid4().hex[:8]}"
    sandbox = stock_simulator.create_sandbox(name, scenario)
    try:
        yield sandbox
    finally:
        sandbox.delete()


def _check_healthy(url: str) -> None:
    import httpx

    try:
        httpx.get(f"{url.rstrip('/')}/_sim/health", trust_env=False, timeout=5).raise_for_status()
    except httpx.HTTPError as exc:
        raise RuntimeError(f"STOCKSIM_URL={url} does not answer /_sim/health: {exc}") from exc


@contextmanager
def _serve(scenario: str | None) -> Iterator[str]:
    """The simulator on ``scenario`` (None: the shipped default), served as ``serve_app`` does."""
    from simulator.app import create_app, load_scenario
    from simulator.config import Settings

    with serve_app(create_app(Settings(scenario=scenario), load_scenario(scenario))) as url:
        yield url


@contextmanager
def serve_app(app: Any, port: int | None = None) -> Iterator[str]:
    """An ASGI app on uvicorn in a daemon thread, bound to 127.0.0.1 (on a free port unless given); yields its
    root URL and stops the server on exit."""
    import socket

    import uvicorn

    if port is None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = int(s.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, name="stocksim", daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the stock simulator did not start (see the log above)")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
