"""The ``xml`` option (query parameter or body field): the same response as XML.

Element names are our choice (the doc shows none): root ``<response>``, a child per JSON key, lists as repeated
``<item>`` elements, ``null`` as an empty element.
"""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree

import pytest

from tests.vendors.centra.conftest import BASE, TOKEN, Sim, items

pytestmark = pytest.mark.anyio
XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'


def xml_of(r: Any) -> str:
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/xml"
    text: str = r.text
    ElementTree.fromstring(text.encode())  # well-formed
    return text


@pytest.mark.parametrize("method", ["POST", "PUT"])
@pytest.mark.parametrize("where", ["?xml=1", "?xml=true", "?xml", "body:true", "body:1", "body:'true'"])
async def test_update_answers_xml(sim: Sim, method: str, where: str) -> None:
    body: dict[str, Any] = {"products": [{"product": "1234567890123", "quantity": 5}]}
    query = ""
    if where.startswith("body:"):
        body["xml"] = {"true": True, "1": 1, "'true'": "true"}[where[5:]]
    else:
        query = where
    r = await sim.client.request(method, f"{BASE}/stock{query}", json=body, headers=TOKEN)
    assert xml_of(r) == XML_HEAD + "<response><status>ok</status></response>\n"
    assert (await items(sim.client))[1001]["physicalStock"] == 5


@pytest.mark.parametrize("value", [False, 0, "false", "0", None])
async def test_falsy_xml_field_answers_json(sim: Sim, value: Any) -> None:
    body = {"products": [{"product": "1234567890123", "quantity": 5}], "xml": value}
    r = await sim.client.post(f"{BASE}/stock", json=body, headers=TOKEN)
    assert (r.headers["content-type"], r.json()) == ("application/json", {"status": "ok"})


async def test_partial_update_in_xml(sim: Sim) -> None:
    body = {
        "products": [
            {"product": "9876543210999", "quantity": 1},
            {"product": "5432167890999", "quantity": 1},
            {"product": "7350000000019", "quantity": 1},
        ],
        "xml": True,
    }
    r = await sim.client.post(f"{BASE}/stock", json=body, headers=TOKEN)
    assert xml_of(r) == XML_HEAD + (
        "<response><status>no</status><msg>Some of the products were not updated</msg><errors>"
        "<productsNotFound><item>9876543210999</item><item>5432167890999</item></productsNotFound>"
        "<productsAreBundles><item>7350000000019</item></productsAreBundles>"
        "</errors></response>\n"
    )


async def test_bad_input_and_auth_errors_in_xml(sim: Sim) -> None:
    r = await sim.client.post(f"{BASE}/stock", json={"products": [], "xml": True}, headers=TOKEN)
    assert xml_of(r) == XML_HEAD + (
        "<response><status>no</status><msg>products is empty; send at least one product to update</msg></response>\n"
    )
    r = await sim.client.post(f"{BASE}/stock?xml=1", content=b"{oops", headers=TOKEN)
    assert "<msg>Malformed JSON in the request body: " in xml_of(r)
    r = await sim.client.get(f"{BASE}/stock?xml=1")
    assert r.status_code == 401 and r.headers["content-type"] == "application/xml"
    assert r.text == XML_HEAD + (
        "<response><status>no</status><msg>Unauthorized: missing or invalid API-Authorization header</msg></response>\n"
    )


async def test_get_stock_in_xml(sim: Sim) -> None:
    r = await sim.client.get(f"{BASE}/stock?xml=1&limit=1&page=4&exclude=physicalStock", headers=TOKEN)
    assert xml_of(r) == XML_HEAD + (
        "<response><status>ok</status><products><item>"
        "<sku>TEE-200</sku><productId>102</productId><variantSku>WHT</variantSku><variantId>202</variantId>"
        "<sizeSku>M</sizeSku><brand>Centra Demo</brand><collection>SS25</collection><product>Organic Tee</product>"
        "<variant>White</variant><size>M</size><stockItemId>1004</stockItemId><ean/>"
        "<upc>812345678901</upc><weight>0.2</weight>"
        "<weightUnit>kg</weightUnit><countryOfOrigin></countryOfOrigin><harmCode></harmCode>"
        "<harmDescription></harmDescription><active>1</active><allocatedStock>1</allocatedStock>"
        "<availableStock>14</availableStock></item></products>"
        "<previous>?limit=1&amp;page=3&amp;xml=1&amp;exclude=physicalStock</previous>"
        "<next>?limit=1&amp;page=5&amp;xml=1&amp;exclude=physicalStock</next></response>\n"
    )


async def test_text_is_escaped() -> None:
    from simulator.vendors.centra.xml import to_xml

    assert (
        to_xml({"msg": "<a & b>", "n": [1, None, True]})
        == (
            XML_HEAD + "<response><msg>&lt;a &amp; b&gt;</msg><n><item>1</item><item/><item>1</item></n></response>\n"
        ).encode()
    )


def test_characters_xml_cannot_carry_are_replaced() -> None:
    from simulator.vendors.centra.xml import to_xml

    document = to_xml({"productsNotFound": ["a\x00b\x1fc\ud800", "tab\tok"]})
    ElementTree.fromstring(document)
    assert b"<item>a\xef\xbf\xbdb\xef\xbf\xbdc\xef\xbf\xbd</item><item>tab\tok</item>" in document
