"""Test helpers: run an app in-process (lifespan included) or on a real socket, and sign requests."""

from __future__ import annotations

import base64
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import AbstractContextManager, asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette

from simulator.app import create_app
from simulator.config import Settings
from simulator.pytest_plugin import serve_app
from simulator.scenarios.loader import load_text

ROOT = Path(__file__).resolve().parent.parent


def basic(user: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def app_for(scenario_yaml: str | None = None, **settings: Any) -> Starlette:
    scenario = load_text(scenario_yaml, "test scenario") if scenario_yaml is not None else None
    return create_app(Settings(**settings), scenario)


@asynccontextmanager
async def in_process(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client wired straight to the app, with the app's lifespan running around it."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://sim.test") as client:
            yield client


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def served(app: Starlette, port: int | None = None) -> AbstractContextManager[str]:
    """The app on a real uvicorn server in a thread, bound to 127.0.0.1; yields its base URL (the pytest plugin's
    own runner, so the project's tests and its users' run servers the same way)."""
    return serve_app(app, port)


@contextmanager
def served_process(*args: str) -> Iterator[str]:
    """``python -m simulator serve`` in its own process on a free port (plus ``args``); yields its base URL. For
    measurements a server in the test's own process would skew: there the test's client competes for the same GIL."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("STOCKSIM_")} | {"STOCKSIM_LOG_LEVEL": "warning"}
    argv = [sys.executable, "-m", "simulator", "serve", "--port", str(port), *args]
    server = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{base}/_sim/health", timeout=1, trust_env=False).raise_for_status()
                break
            except httpx.TransportError:
                assert server.poll() is None, "the server exited"
                assert time.monotonic() < deadline, "the server did not answer in 30 s"
                time.sleep(0.05)
        yield base
    finally:
        server.terminate()
        server.communicate(timeout=10)
