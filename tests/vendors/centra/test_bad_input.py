"""Bodies Centra cannot apply: HTTP 200, ``{"status": "no", "msg": ...}``, and nothing written."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.vendors.centra.conftest import BASE, TOKEN, Sim, items, notifications

pytestmark = pytest.mark.anyio

OK_LINE = {"product": "1234567890123", "quantity": 54}
CASES = [
    pytest.param(
        b'{"products": [',
        "Malformed JSON in the request body: it is not valid JSON (line 1, column 15)",
        id="malformed JSON",
    ),
    pytest.param(
        b'{"products": [{"product": "\xff", "quantity": 1}]}',
        "Malformed JSON in the request body: it is not valid UTF-8",
        id="invalid UTF-8",
    ),
    pytest.param(b"", "The request body is empty; expected JSON with products", id="empty body"),
    pytest.param({}, "Missing required parameter products", id="products missing"),
    pytest.param(
        {"products": {"product": "1234567890123"}},
        "Invalid value for products: Expected `array`, got `object`",
        id="products not a list",
    ),
    pytest.param(
        {"products": "1234567890123"}, "Invalid value for products: Expected `array`, got `str`", id="products a string"
    ),
    pytest.param(
        {"products": [OK_LINE, "1234567890123"]},
        "Invalid value for products[1]: Expected `object`, got `str`",
        id="item not an object",
    ),
    pytest.param(
        {"products": [OK_LINE, {"quantity": 1}]},
        "Missing required parameter products[1].product",
        id="item without product",
    ),
    pytest.param(
        {"products": [OK_LINE, {"product": "9876543210123"}]},
        "Missing required parameter products[1].quantity",
        id="item without quantity",
    ),
    pytest.param(
        {"products": [{"product": "1234567890123", "quantity": "54"}]},
        "Invalid value for products[0].quantity: Expected `int`, got `str`",
        id="quantity as a string",
    ),
    pytest.param(
        {"products": [{"product": "1234567890123", "quantity": 5.5}]},
        "Invalid value for products[0].quantity: Expected `int`, got `float`",
        id="fractional quantity",
    ),
    pytest.param(
        {"products": [OK_LINE, {"product": "9876543210123", "quantity": -(10**10)}]},
        "Invalid value for products[1].quantity: Expected `int` >= -1000000000",
        id="hugely negative quantity",
    ),
    pytest.param(
        {"products": [{"product": "1234567890123", "quantity": 10**10}]},
        "Invalid value for products[0].quantity: Expected `int` <= 1000000000",
        id="huge quantity",
    ),
    pytest.param(
        {"products": [{"product": "1234567890123", "quantity": None}]},
        "Invalid value for products[0].quantity: Expected `int`, got `null`",
        id="null quantity",
    ),
    pytest.param(
        {"products": [{"product": 1234567890123, "quantity": 1}]},
        "Invalid value for products[0].product: Expected `str`, got `int`",
        id="product as a number",
    ),
    pytest.param(
        {"products": [OK_LINE, {**OK_LINE, "costPrice": 1, "costPriceCurrency": "XYZ"}]},
        "products[1].costPriceCurrency must be an ISO 4217 currency code such as SEK, EUR or USD, got 'XYZ'",
        id="unknown currency",
    ),
    pytest.param(
        {"products": [{**OK_LINE, "costPriceCurrency": "sek"}]},
        "products[0].costPriceCurrency must be an ISO 4217 currency code such as SEK, EUR or USD, got 'sek'",
        id="lower-case currency",
    ),
    pytest.param(
        {"products": [{**OK_LINE, "costPrice": "12,54"}]},
        "products[0].costPrice must be a non-negative decimal number, got '12,54'",
        id="cost price not a number",
    ),
    pytest.param(
        {"products": [{**OK_LINE, "costPrice": -1}]},
        "products[0].costPrice must be a non-negative number, got -1",
        id="negative cost price",
    ),
    pytest.param(
        {"products": [{**OK_LINE, "costPrice": True}]},
        "Invalid value for products[0].costPrice: Expected `int | float | str | null`, got `bool`",
        id="cost price a boolean",
    ),
    pytest.param({"products": [{**OK_LINE, "qty": 3}]}, "Unknown parameter products[0].qty", id="unknown item field"),
    pytest.param(
        {"products": [OK_LINE], "warehouse": "main"}, "Unknown parameter warehouse", id="unknown top-level field"
    ),
    pytest.param({"products": []}, "products is empty; send at least one product to update", id="empty list"),
    pytest.param(
        [OK_LINE],
        "The request body must be a JSON object with products: Expected `object`, got `array`",
        id="array body",
    ),
    pytest.param(
        None, "The request body must be a JSON object with products: Expected `object`, got `null`", id="null body"
    ),
]


@pytest.mark.parametrize("method", ["POST", "PUT"])
@pytest.mark.parametrize(("body", "msg"), CASES)
async def test_bad_input_changes_nothing(sim: Sim, method: str, body: Any, msg: str) -> None:
    before = await items(sim.client)
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    r = await sim.client.request(
        method, f"{BASE}/stock", content=raw, headers={"Content-Type": "application/json", **TOKEN}
    )
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    assert r.json() == {"status": "no", "msg": msg}
    assert await items(sim.client) == before
    assert await notifications(sim.client) == []


async def test_a_non_json_content_type_is_still_read_as_json(sim: Sim) -> None:
    r = await sim.client.post(
        f"{BASE}/stock",
        content=b'{"products": [{"product": "1234567890123", "quantity": 7}]}',
        headers={"Content-Type": "text/plain", **TOKEN},
    )
    assert r.json() == {"status": "ok"}
    assert (await items(sim.client))[1001]["physicalStock"] == 7
