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
        "products must be an array of products to update, got an object",
        id="products not a list",
    ),
    pytest.param(
        {"products": "1234567890123"},
        'products must be an array of products to update, got the string "1234567890123"',
        id="products a string",
    ),
    pytest.param(
        {"products": [OK_LINE, "1234567890123"]},
        'products[1] must be an object with product and quantity, got the string "1234567890123"',
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
        'products[0].quantity must be a whole number from -1000000000 to 1000000000, got the string "54"',
        id="quantity as a string",
    ),
    pytest.param(
        {"products": [{"product": "1234567890123", "quantity": 5.5}]},
        "products[0].quantity must be a whole number from -1000000000 to 1000000000, got 5.5",
        id="fractional quantity",
    ),
    pytest.param(
        {"products": [OK_LINE, {"product": "9876543210123", "quantity": -(10**10)}]},
        "products[1].quantity must be a whole number from -1000000000 to 1000000000, got -10000000000",
        id="hugely negative quantity",
    ),
    pytest.param(
        {"products": [{"product": "1234567890123", "quantity": 10**10}]},
        "products[0].quantity must be a whole number from -1000000000 to 1000000000, got 10000000000",
        id="huge quantity",
    ),
    pytest.param(
        {"products": [{"product": "1234567890123", "quantity": None}]},
        "products[0].quantity must be a whole number from -1000000000 to 1000000000, got null",
        id="null quantity",
    ),
    pytest.param(
        {"products": [{"product": 1234567890123, "quantity": 1}]},
        "products[0].product must be a string: an EAN, a UPC, or sku+variantSku+sizeSku, got 1234567890123",
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
        "products[0].costPrice must be a decimal number, or a string holding one, got true",
        id="cost price a boolean",
    ),
    pytest.param({"products": [{**OK_LINE, "qty": 3}]}, "Unknown parameter products[0].qty", id="unknown item field"),
    pytest.param(
        {"products": [OK_LINE], "warehouse": "main"}, "Unknown parameter warehouse", id="unknown top-level field"
    ),
    pytest.param({"products": []}, "products is empty; send at least one product to update", id="empty list"),
    pytest.param(
        [OK_LINE],
        "The request body must be a JSON object with products, got an array",
        id="array body",
    ),
    pytest.param(None, "The request body must be a JSON object with products, got null", id="null body"),
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


@pytest.mark.parametrize(
    ("line", "msg"),
    [
        (
            {"product": "x", "quantity": 1, "costPriceCurrency": 752},
            "products[0].costPriceCurrency must be an ISO 4217 currency code such as SEK, EUR or USD, got 752",
        ),
        (
            {"product": "x", "quantity": "1" * 60},
            'products[0].quantity must be a whole number from -1000000000 to 1000000000, got the string "'
            + "1" * 35
            + '..."',
        ),
        (
            {"product": "x", "quantity": 10**50},
            "products[0].quantity must be a whole number from -1000000000 to 1000000000, got " + "1" + "0" * 35 + "...",
        ),
        (
            {"product": ["x"], "quantity": 1},
            "products[0].product must be a string: an EAN, a UPC, or sku+variantSku+sizeSku, got an array",
        ),
        (
            {"product": "x", "quantity": {"value": 1}},
            "products[0].quantity must be a whole number from -1000000000 to 1000000000, got an object",
        ),
        ({"product": "x", "quantity": 1, "a\nb": 1}, "Unknown parameter products[0].a\nb"),
    ],
)
async def test_messages_name_the_field_and_what_it_expects(sim: Sim, line: dict[str, Any], msg: str) -> None:
    r = await sim.client.post(f"{BASE}/stock", json={"products": [line]}, headers=TOKEN)
    assert r.json() == {"status": "no", "msg": msg}


@pytest.mark.parametrize("value", [None, True, 1.5, "", "x", [], {}, -(10**12), 10**12, 1e300])
@pytest.mark.parametrize("field", ["products", "product", "quantity", "costPrice", "costPriceCurrency", "body"])
async def test_no_message_uses_the_json_librarys_words(sim: Sim, field: str, value: Any) -> None:
    """Issue 13: error texts must not leak the decoder's wording ("Expected `int | object`, got `str`")."""
    line: dict[str, Any] = {"product": "1234567890123", "quantity": 1}
    body: Any = {"products": [line]}
    if field == "body":
        body = value
    elif field == "products":
        body = {"products": value}
    else:
        line[field] = value
    r = await sim.client.post(f"{BASE}/stock", json=body, headers=TOKEN)
    assert r.status_code == 200
    msg = r.json().get("msg", "")
    assert "`" not in msg and "Expected" not in msg, msg
