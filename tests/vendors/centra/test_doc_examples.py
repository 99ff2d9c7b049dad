"""Every request in centra-update-stock.txt, sent to the default scenario, gets the doc's response."""

from __future__ import annotations

import pytest

from tests.support import app_for, in_process
from tests.vendors.centra.conftest import BASE, DOC_REQUEST, DOC_REQUEST_COST, TOKEN, Sim, get_stock, items, update

pytestmark = pytest.mark.anyio


async def test_first_doc_request(sim: Sim) -> None:
    assert await update(sim.client, DOC_REQUEST) == {"status": "ok"}
    stock = {p["ean"]: p for p in (await get_stock(sim.client))["products"]}
    assert stock["1234567890123"]["physicalStock"] == 54
    assert stock["9876543210123"]["physicalStock"] == 55
    # Quantity 1 is below the 3 allocated: raised to 3, and the response still says "ok" (the doc's warning).
    assert {k: stock["5432167890123"][k] for k in ("physicalStock", "allocatedStock", "availableStock")} == {
        "physicalStock": 3,
        "allocatedStock": 3,
        "availableStock": 0,
    }


async def test_second_doc_request_with_cost_prices(sim: Sim) -> None:
    assert await update(sim.client, DOC_REQUEST_COST) == {"status": "ok"}
    state = await items(sim.client)
    assert [
        (state[s]["physicalStock"], state[s]["costPrice"], state[s]["costPriceCurrency"]) for s in (1001, 1002, 1003)
    ] == [
        (54, "12.54", "SEK"),
        (55, "8.12", "EUR"),
        (3, "54.24", "USD"),
    ]


async def test_the_doc_header_says_put(sim: Sim) -> None:
    assert await update(sim.client, DOC_REQUEST, method="PUT") == {"status": "ok"}
    assert (await items(sim.client))[1002]["physicalStock"] == 55


async def test_the_docs_error_example() -> None:
    # The doc's error example names two EANs its first example treats as known: the examples come from
    # different shops. In a shop that only has the first EAN, the first request gets exactly the error example.
    scenario = """
centra:
  plugins:
    - name: other-shop
      api_token: t0ken
      items:
        - {stockItemId: 1, productId: 1, variantId: 1, sku: A, ean: "1234567890123", physicalStock: 5}
"""
    async with in_process(app_for(scenario)) as client:
        r = await client.post("/centra/other-shop/stock", json=DOC_REQUEST, headers={"API-Authorization": "t0ken"})
        assert r.status_code == 200
        assert r.json() == {
            "status": "no",
            "msg": "Some of the products were not updated",
            "errors": {"productsNotFound": ["9876543210123", "5432167890123"]},
        }
        # The product that was found is still updated.
        r = await client.get("/centra/other-shop/stock?ean=1234567890123", headers={"API-Authorization": "t0ken"})
        assert r.json()["products"][0]["physicalStock"] == 54


async def test_the_docs_raw_request_shape(sim: Sim) -> None:
    body = b'{\n  "products": [\n    {\n      "product": "1234567890123",\n      "quantity": 54\n    }\n  ]\n}'
    r = await sim.client.post(f"{BASE}/stock", content=body, headers={"Content-type": "application/json", **TOKEN})
    assert (r.status_code, r.json()) == (200, {"status": "ok"})
