"""A pytest plugin (entry point ``pytest11``, loaded automatically once the package is installed) for testing a
client against the simulator over real sockets.

- ``stock_simulator`` (session): the simulator on a free 127.0.0.1 port in a thread, on the default scenario or
  the one ``STOCKSIM_SCENARIO`` names (a file, or a shipped scenario's name such as ``rate-limited-shop``); or,
  with ``STOCKSIM_URL`` set, a simulator already running there (send ``STOCKSIM_CONTROL_TOKEN`` as its control
  token if it was started with one). That may be a proxy in front of several simulators sharded by sandbox
  (deploy/nginx/): every request the plugin sends names its sandbox in the URL, so the proxy routes it.
- ``stock_sandbox`` (function): a fresh sandbox for one test, deleted after it. ``@pytest.mark.stocksim_scenario
  ("rate-limited-shop")`` creates it from a shipped scenario, or from a file (a path relative to the pytest
  rootdir) instead.

Every HTTP client of a session shares one connection pool (see ``StockSimulator``), so a sandbox costs the
server's create and delete, not a client's set-up: creating an ``httpx.Client`` builds an SSL context (~40 ms).

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
# A pooled connection is dropped by the client this long before the server would close it (``stocksim serve``
# and serve_app keep idle connections --idle-timeout seconds, by default DEFAULT_IDLE_TIMEOUT), so a request never
# goes out on a socket being closed.
KEEP_ALIVE_MARGIN_SECONDS = 5.0


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
    api/v2/...")`` reaches this sandbox's MerchantPro shop ``demo``; it sends through the simulator's connection
    pool. Usable as a context manager (deletes on exit).
    """

    def __init__(self, simulator: StockSimulator, description: Mapping[str, Any]) -> None:
        self.name: str = description["name"]
        self.root_url: str = description["root_url"]
        self.apis: list[dict[str, Any]] = list(description["apis"])
        self._simulator = simulator
        self._params = {"sandbox": self.name}
        self.client = simulator._client(self.root_url)

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
        installed: list[dict[str, Any]] = _check(self._control("POST", "/_sim/faults", json=payload))["installed"]
        return installed

    def faults(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = _check(self._control("GET", "/_sim/faults"))["faults"]
        return found

    def clear_faults(self) -> int:
        """Remove every fault rule (the scenario's too, until ``reset``); returns how many were removed."""
        removed: int = _check(self._control("DELETE", "/_sim/faults"))["removed"]
        return removed

    def journal(self, **filters: Any) -> list[dict[str, Any]]:
        """Requests the sandbox's vendors received, oldest first. Filters: vendor, account, method, path (a glob),
        status, fault (bool), body_contains, limit."""
        params = {k: ("true" if v else "false") if isinstance(v, bool) else v for k, v in filters.items()}
        entries: list[dict[str, Any]] = _check(self._control("GET", "/_sim/journal", params=params))["entries"]
        return entries

    def clear_journal(self) -> None:
        _check(self._control("DELETE", "/_sim/journal"))

    def verify(self, *expectations: Mapping[str, Any]) -> dict[str, Any]:
        """Check the journal, e.g. ``verify({"vendor": "centra", "method": "POST", "exactly": 1})``. Raises an
        AssertionError with the simulator's explanation of each unmet expectation."""
        response = self._control("POST", "/_sim/verify", json={"expect": [dict(e) for e in expectations]})
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
            self._control("GET", "/_sim/clock") if change is None else self._control("POST", "/_sim/clock", json=change)
        )
        result: dict[str, Any] = _check(response)
        return result

    def state(self, vendor: str | None = None) -> dict[str, Any]:
        """The sandbox's data as ``/_sim/state`` shows it, keyed by vendor name."""
        params = {"vendor": vendor} if vendor else None
        result: dict[str, Any] = _check(self._control("GET", "/_sim/state", params=params))
        return result

    def reset(self) -> None:
        """Back to the scenario: its data and fault rules, an empty journal, real time."""
        _check(self._control("POST", "/_sim/reset"))

    def delete(self) -> None:
        """Delete the sandbox on the server (already deleted is fine); ``client`` is closed with it."""
        try:
            response = self._simulator._control.delete(f"/_sim/sandboxes/{self.name}")
            if response.status_code != 404:  # already deleted by the test itself
                _check(response)
        finally:
            self.client.close()  # the pool is the simulator's: closing only marks this client as done

    def _control(
        self, method: str, path: str, params: Mapping[str, Any] | None = None, json: Any = None
    ) -> httpx.Response:
        return self._simulator._control.request(method, path, params={**self._params, **(params or {})}, json=json)


class StockSimulator:
    """A running simulator: ``url`` is its root; ``create_sandbox`` makes sandboxes on it.

    It owns one connection pool that its control requests and every sandbox's ``client`` share; ``close()`` (or
    leaving ``with StockSimulator(url) as sim:``) closes it. The ``stock_simulator`` fixture does that itself.
    """

    def __init__(self, url: str) -> None:
        import httpx

        from simulator.config import DEFAULT_IDLE_TIMEOUT

        self.url = url.rstrip("/")
        limits = httpx.Limits(keepalive_expiry=DEFAULT_IDLE_TIMEOUT - KEEP_ALIVE_MARGIN_SECONDS)
        self._pool = httpx.HTTPTransport(limits=limits)
        self._shared = _shared(self._pool)
        self._control = self._client(self.url, headers=control_headers())

    def __repr__(self) -> str:
        return f"StockSimulator({self.url!r})"

    def __enter__(self) -> StockSimulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool (sandboxes' clients stop working too)."""
        self._pool.close()

    def create_sandbox(
        self, name: str | None = None, scenario: str | os.PathLike[str] | Mapping[str, Any] | None = None
    ) -> StockSandbox:
        """A new sandbox, on the simulator's scenario or on ``scenario``: a YAML file's path, a shipped scenario's
        name (``"rate-limited-shop"``; a file of that name wins) or the scenario as a dict. Without ``name``, a
        unique one."""
        from simulator.scenarios import examples

        # The name goes in the URL: a proxy in front of several simulators routes by it (deploy/nginx/), and the
        # sandbox's later requests, which name it in their URLs too, reach the same one.
        params = {"name": name or f"pytest-{uuid.uuid4().hex[:12]}"}
        body: dict[str, Any] = {}
        if isinstance(scenario, Mapping):
            body["scenario"] = dict(scenario)
        elif scenario is not None:
            body["scenario"] = examples.resolve(os.fspath(scenario)).read_text(encoding="utf-8")
        return StockSandbox(self, _check(self._control.post("/_sim/sandboxes", params=params, json=body)))

    def _client(self, base_url: str, headers: Mapping[str, str] | None = None) -> httpx.Client:
        """An ``httpx.Client`` on this simulator's pool: cheap to make (no SSL context of its own), and closing it
        leaves the pool open for the others."""
        import httpx

        return httpx.Client(base_url=base_url, headers=headers, transport=self._shared, trust_env=False)


def _shared(pool: httpx.BaseTransport) -> httpx.BaseTransport:
    """``pool`` behind a transport whose ``close()`` does nothing, for the clients that share it."""
    import httpx

    class Shared(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            return pool.handle_request(request)

    return Shared()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(scenario): create the stock_sandbox fixture from this scenario: a shipped one's name "
        "(e.g. rate-limited-shop) or a YAML file's path relative to the pytest rootdir",
    )


@pytest.fixture(scope="session")
def stock_simulator() -> Iterator[StockSimulator]:
    """The simulator for the whole session: ``STOCKSIM_URL`` if set, else one served here on a free port."""
    url = os.environ.get("STOCKSIM_URL")
    if url:
        _check_healthy(url)
        with StockSimulator(url) as simulator:
            yield simulator
        return
    with _serve(os.environ.get("STOCKSIM_SCENARIO") or None) as served, StockSimulator(served) as simulator:
        yield simulator


@pytest.fixture
def stock_sandbox(request: pytest.FixtureRequest, stock_simulator: StockSimulator) -> Iterator[StockSandbox]:
    """A fresh sandbox for this test, named after it, deleted afterwards."""
    marker = request.node.get_closest_marker(MARKER)
    scenario = None if marker is None else _marked_scenario(request.config.rootpath, marker.args)
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name)[:40].strip("-._") or "test"
    sandbox = stock_simulator.create_sandbox(f"{slug}-{uuid.uuid4().hex[:8]}", scenario)
    try:
        yield sandbox
    finally:
        sandbox.delete()


def _marked_scenario(rootpath: Path, args: tuple[Any, ...]) -> Path:
    """The file a ``stocksim_scenario`` marker names: a path under the rootdir, else a shipped scenario."""
    from simulator.scenarios import examples

    if len(args) != 1 or not isinstance(args[0], str | os.PathLike):
        raise pytest.UsageError(f"@pytest.mark.{MARKER} takes one argument: a shipped scenario's name or a file's path")
    path = rootpath / args[0]
    if path.is_file():
        return path
    shipped = examples.shipped()
    if os.fspath(args[0]) in shipped:
        return shipped[os.fspath(args[0])]
    raise pytest.UsageError(
        f"@pytest.mark.{MARKER}({os.fspath(args[0])!r}): no file {path} and no shipped scenario of that name "
        f"(shipped: {', '.join(shipped)})"
    )


def _check_healthy(url: str) -> None:
    import httpx

    try:
        httpx.get(f"{url.rstrip('/')}/_sim/health", trust_env=False, timeout=5).raise_for_status()
    except httpx.HTTPError as exc:
        raise RuntimeError(f"STOCKSIM_URL={url} does not answer /_sim/health: {exc}") from exc


@contextmanager
def _serve(scenario: str | None) -> Iterator[str]:
    """The simulator on ``scenario`` (a file, a shipped scenario's name, or None: the shipped default), served as
    ``serve_app`` does."""
    from simulator.app import create_app, load_scenario
    from simulator.config import Settings

    with serve_app(create_app(Settings(scenario=scenario), load_scenario(scenario))) as url:
        yield url


@contextmanager
def serve_app(app: Any, port: int | None = None) -> Iterator[str]:
    """An ASGI app on uvicorn in a daemon thread, bound to 127.0.0.1 (on a free port unless given), served as
    ``stocksim serve`` serves it (its timeouts are the app's settings', for the simulator's app); yields its root
    URL and stops the server on exit."""
    import socket
    from dataclasses import replace

    import uvicorn

    from simulator.config import Settings
    from simulator.server import ServerConfig

    if port is None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = int(s.getsockname()[1])
    settings = getattr(getattr(app, "state", None), "settings", None)
    settings = replace(settings if isinstance(settings, Settings) else Settings(), host="127.0.0.1", port=port)
    config = ServerConfig(app, settings, log_level="warning")
    server = uvicorn.Server(config)
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
