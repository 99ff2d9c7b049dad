"""The toolkit's control endpoints: precise errors, all-or-nothing installs, and the virtual clock everywhere."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.support import app_for, in_process
from tests.toolkit.conftest import MP

pytestmark = pytest.mark.anyio
GOOD = {"match": {"vendor": "merchantpro"}, "action": {"kind": "status", "status": 503}}


@pytest.mark.parametrize(
    ("body", "path", "words"),
    [
        ({"action": {"kind": "boom"}}, "$[0].action.kind", "expected one of 'latency', 'status'"),
        ({"action": {"kind": "status", "status": 99}}, "$[0].action.status", ">= 100"),
        ({"match": {"vendr": "x"}, "action": GOOD["action"]}, "$[0].match.vendr", "did you mean `vendor`?"),
        ({"match": {"vendor": "shopify"}, "action": GOOD["action"]}, "$[0].match.vendor", "expected one of"),
        (
            {"match": {"vendor": "merchantpro", "account": "nope"}, "action": GOOD["action"]},
            "$[0].match.account",
            "no account 'nope'",
        ),
        ({"match": {}}, "$[0]", "exactly one of `action` and `timeline`"),
        ({"action": {"kind": "latency"}}, "$[0]", "latency needs exactly one"),
        ({"when": {"probability": 2}, "action": GOOD["action"]}, "$[0].when.probability", "<= 1"),
        ([GOOD, {"action": {"kind": "drop", "x": 1}}], "$[1].action.x", "unknown field `x`; expected one of: kind"),
        ({"faults": [GOOD, {"timeline": [{"calls": 0}]}]}, "$.faults[1].timeline[0].calls", ">= 1"),
    ],
)
async def test_invalid_rules_name_the_path_and_install_nothing(body: Any, path: str, words: str) -> None:
    async with in_process(app_for()) as c:
        r = await c.post("/_sim/faults", json=body)
        assert r.status_code == 400, r.text
        (problem,) = r.json()["error"]["problems"]
        assert problem["path"] == path and words in problem["message"], problem
        assert (await c.get("/_sim/faults")).json()["faults"] == []


async def test_ids_unique_and_deletion() -> None:
    async with in_process(app_for()) as c:
        assert (await c.post("/_sim/faults", json={**GOOD, "id": "a"})).status_code == 201
        assert (await c.post("/_sim/faults", json={**GOOD, "id": "a"})).status_code == 409
        assert (await c.post("/_sim/faults", json=[{**GOOD, "id": "b"}, {**GOOD, "id": "b"}])).status_code == 409
        assert [f["id"] for f in (await c.get("/_sim/faults")).json()["faults"]] == ["a"]
        assert (await c.delete("/_sim/faults/nope")).status_code == 404
        assert (await c.delete("/_sim/faults/a")).status_code == 204
        await c.post("/_sim/faults", json=[GOOD, GOOD])
        assert (await c.delete("/_sim/faults")).json()["removed"] == 2
        assert (await c.get("/_sim/faults", params={"sandbox": "nope"})).status_code == 404


async def test_clock_freeze_set_advance_run() -> None:
    async with in_process(app_for()) as c:
        r = await c.post("/_sim/clock", json={"set": "2030-01-01T00:00:00Z", "freeze": True})
        assert (r.json()["now"], r.json()["frozen"]) == ("2030-01-01T00:00:00.000Z", True)
        r = await c.post("/_sim/clock", json={"advance": 90.5})
        assert r.json()["now"] == "2030-01-01T00:01:30.500Z"
        assert (await c.get("/_sim/clock")).json()["now"] == "2030-01-01T00:01:30.500Z"
        r = await c.post("/_sim/clock", json={"run": True})
        assert r.json()["frozen"] is False and r.json()["now"].startswith("2030-01-01T00:01:3")
        for bad in (
            {"set": "yesterday"},
            {"set": "2030-01-01T00:00:00"},
            {"freeze": True, "run": True},
            {"advance": "1s"},
        ):
            assert (await c.post("/_sim/clock", json=bad)).status_code == 400, bad
        await c.post("/_sim/reset")
        assert (await c.get("/_sim/clock")).json()["frozen"] is False


async def test_the_clock_drives_kaching_delays_centra_timestamps_and_merchantpro_lockouts() -> None:
    scenario = await _default_with_delay()
    async with in_process(app_for(scenario)) as c:
        await c.post("/_sim/clock", json={"set": "2030-06-01T12:00:00Z", "freeze": True})
        q = {"account": "demo-account", "integration": "demo-queue", "apikey": "demo-apikey"}
        await c.post("/ka-ching/imports/stock", params=q, json={"stock_location_id": {"product1": 77}})
        assert not (await c.get("/_sim/ka-ching/events")).json()["events"]
        await c.post("/_sim/clock", json={"advance": 30})
        events = await _wait_for_events(c)
        assert events[0]["count_after"] == 77 and events[0]["timestamp"].startswith("2030-06-01T12:00:30")
        # Centra's modified stamps come from the same clock.
        h = {"API-Authorization": "demo-centra-api-token"}
        await c.post("/centra/demo/stock", headers=h, json={"products": [{"product": "1234567890123", "quantity": 9}]})
        item = (await c.get("/centra/demo/stock", params={"ean": "1234567890123"}, headers=h)).json()["products"][0]
        assert item["physicalStock"] == 9
        # A MerchantPro lockout ends when the clock passes it, not the wall clock.
        url = "/merchantpro/demo/api/v2/inventory/id/10001"
        for _ in range(5):
            await c.get(url, auth=("demo-api-key", "bad"))
        assert (await c.get(url, auth=MP)).status_code == 403
        await c.post("/_sim/clock", json={"advance": 301})
        assert (await c.get(url, auth=MP)).status_code == 200


async def _default_with_delay() -> str:
    from tests.support import ROOT

    text = (ROOT / "scenarios" / "default.yaml").read_text()
    assert "      processing_delay: 0\n" in text
    return text.replace("      processing_delay: 0\n", "      processing_delay: 30\n")


async def _wait_for_events(c: httpx.AsyncClient) -> list[dict[str, Any]]:
    import anyio

    for _ in range(100):
        events: list[dict[str, Any]] = (await c.get("/_sim/ka-ching/events")).json()["events"]
        if events:
            return events
        await anyio.sleep(0.02)
    raise AssertionError("the delayed import was never applied")
