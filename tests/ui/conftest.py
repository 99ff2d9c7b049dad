from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.support import app_for, in_process
from tests.ui.support import SCENARIO


@pytest.fixture
async def ui() -> AsyncIterator[httpx.AsyncClient]:
    """A client of a fresh app on the dashboard tests' scenario, in memory; it keeps cookies as a browser does."""
    async with in_process(app_for(SCENARIO)) as c:
        yield c
