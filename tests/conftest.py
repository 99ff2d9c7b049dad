from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests import loopprobe
from tests.support import app_for, in_process


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    """A client of a fresh app on the shipped default scenario, in memory."""
    async with in_process(app_for()) as c:
        yield c


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if loopprobe.FIGURES:
        terminalreporter.write_line(loopprobe.summary())
