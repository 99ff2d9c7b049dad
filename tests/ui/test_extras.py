"""Vendor extras: each vendor's panel shows what its control endpoints answer, and its forms act through them."""

from __future__ import annotations

import anyio
import httpx
import pytest

from simulator.ui.extras import panel_for
from simulator.vendors import VENDORS
from tests.support import app_for, in_process
from tests.ui.support import UI, post

pytestmark = pytest.mark.anyio
EXTRAS = f"{UI}/sandboxes/default/extras"


async def test_every_vendor_with_control_endpoints_has_a_panel(ui: httpx.AsyncClient) -> None:
    page = (await ui.get(EXTRAS)).text
    for vendor in VENDORS:
        if vendor.control_routes:
            assert panel_for(vendor) is not None
            assert f"?vendor={vendor.name}" in page
            assert (await ui.get(EXTRAS, params={"vendor": vendor.name})).status_code == 200
    assert (await ui.get(EXTRAS, params={"vendor": "nobody"})).status_code == 404


async def test_forced_item_failures_are_added_shown_and_forgotten(ui: httpx.AsyncClient) -> None:
    page = await post(
        ui, "/sandboxes/default/extras/ilevel/add", {"tenant": "tenant", "by": "barcode", "value": "5052011221399"}
    )
    assert "now fails with 12051" in page.text and "0A5EEDAF16F8D54486AB2AD7474B3994" in page.text
    listed = (await ui.get("/_sim/ilevel/fail-items?tenant=tenant")).json()["fail_items"]
    assert listed == [{"variant_id": "0A5EEDAF16F8D54486AB2AD7474B3994", "warehouse": None}]
    bad = await post(ui, "/sandboxes/default/extras/ilevel/add", {"tenant": "tenant", "by": "code", "value": "NONE"})
    assert "no variant with" in bad.text
    await post(ui, "/sandboxes/default/extras/ilevel/clear", {"tenant": "tenant"})
    assert (await ui.get("/_sim/ilevel/fail-items?tenant=tenant")).json()["fail_items"] == []
    missing = await post(ui, "/sandboxes/default/extras/ilevel/melt", {})
    assert missing.status_code == 404


async def test_kaching_events_logs_and_centra_notifications_show() -> None:
    async with in_process(app_for()) as c:
        url = "/ka-ching/imports/stock?account=demo-account&integration=demo-queue&apikey=demo-apikey"
        assert (await c.post(url, json={"stock_location_id": {"product1": 9, "nope": 1}})).status_code == 200
        for _ in range(200):
            if (await c.get("/_sim/ka-ching/events")).json()["events"]:
                break
            await anyio.sleep(0.02)
        page = (await c.get(EXTRAS, params={"vendor": "ka-ching"})).text
        assert "Stock events" in page and "product1" in page
        assert "Import queue demo-queue (demo-account): failures" in page
        update = {"products": [{"product": "5432167890123", "quantity": 1}]}
        token = {"API-Authorization": "demo-centra-api-token"}
        assert (await c.post("/centra/demo/stock", json=update, headers=token)).status_code == 200
        page = (await c.get(EXTRAS, params={"vendor": "centra"})).text
        assert "5432167890123" in page and "below the allocated stock" in page
