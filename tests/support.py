"""Test helpers: run an app in-process (lifespan included) or on a real socket, and sign requests."""

from __future__ import annotations

import base64
import socket
from collections.abc import AsyncIterator
from contextlib import AbstractContextManager, asynccontextmanager
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
