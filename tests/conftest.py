from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.support import app_for, in_process


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    """A client of a fresh app on the shipped default scenario, in memory."""
    async with in_process(app_for()) as c:
        yield c
