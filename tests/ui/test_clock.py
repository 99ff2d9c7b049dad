"""The clock page: freeze, run, advance by a duration typed as people type them, set a moment."""

from __future__ import annotations

import httpx
import pytest

from simulator.plane.errors import BadRequest
from simulator.ui.clock import moment, seconds
from tests.ui.support import post

pytestmark = pytest.mark.anyio


async def clock(client: httpx.AsyncClient) -> dict[str, object]:
    found: dict[str, object] = (await client.get("/_sim/clock")).json()
    return found


async def test_freeze_advance_set_and_run(ui: httpx.AsyncClient) -> None:
    page = await post(ui, "/sandboxes/default/clock", {"action": "freeze"})
    assert "Sandbox time is now" in page.text and "frozen" in page.text
    before = await clock(ui)
    assert before["frozen"] is True
    await post(ui, "/sandboxes/default/clock", {"action": "advance", "advance": "1h30m"})
    assert (await clock(ui))["epoch"] == before["epoch"] + 5400  # type: ignore[operator]
    await post(ui, "/sandboxes/default/clock", {"action": "set", "set": "2030-01-02T03:04"})
    assert (await clock(ui))["now"] == "2030-01-02T03:04:00.000Z"
    page = await ui.get("/_sim/ui/sandboxes/default/clock")
    assert "2030-01-02T03:04:00.000Z" in page.text
    await post(ui, "/sandboxes/default/clock", {"action": "run"})
    assert (await clock(ui))["frozen"] is False


async def test_mistakes_are_shown_not_applied(ui: httpx.AsyncClient) -> None:
    before = await clock(ui)
    for data, words in [
        ({"action": "advance", "advance": "soon"}, "a duration is"),
        ({"action": "set", "set": "yesterday"}, "ISO 8601"),
        ({"action": "advance", "advance": "999999999d"}, "the clock must stay between"),
        ({"action": "melt"}, "unknown clock action"),
    ]:
        r = await post(ui, "/sandboxes/default/clock", data)
        assert r.status_code == 400 and words in r.text, data
    assert abs((await clock(ui))["offset_seconds"] - before["offset_seconds"]) < 5  # type: ignore[operator]


def test_durations() -> None:
    assert seconds("90") == 90 and seconds("90s") == 90 and seconds("15m") == 900
    assert seconds("1h30m") == 5400 and seconds("2d") == 172_800 and seconds("-1h") == -3600
    assert seconds("1.5h") == 5400 and seconds(" 1h 2m ") == 3720
    for bad in ("", "h", "1x", "1h-2m", "--1"):
        with pytest.raises(BadRequest):
            seconds(bad)


def test_a_moment_without_a_zone_is_utc() -> None:
    assert moment("2030-01-02T03:04") == "2030-01-02T03:04Z"
    assert moment("2030-01-02T03:04:05") == "2030-01-02T03:04:05Z"
    assert moment("2030-01-02T03:04:05+02:00") == "2030-01-02T03:04:05+02:00"
