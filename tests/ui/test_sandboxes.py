"""The sandboxes page: the list (scenario, created, requests, changed rows), creating from each source, a scenario
that does not validate shown problem by problem with its line and path, reset and delete."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.support import basic
from tests.ui.support import MP_AUTH, UI, post

pytestmark = pytest.mark.anyio
SMALL = """name: small
merchantpro:
  shops:
    - {name: tiny, api_key: k, api_secret: s, products: [{id: 7, sku: ONE, stock: 1, price_net: 1}]}
"""
BROKEN = """name: broken
merchantpro:
  shops:
    - name: tiny
      api_key: k
      products:
        - {id: 7, sku: ONE, stock: many, price_net: 1}
"""


async def sandboxes(client: httpx.AsyncClient) -> dict[str, dict[str, str]]:
    found = (await client.get("/_sim/sandboxes")).json()["sandboxes"]
    return {s["name"]: s["scenario"] for s in found}


def row(page: str, name: str) -> str:
    match = re.search(rf'<tr data-sandbox="{re.escape(name)}">(.*?)</tr>', page, re.S)
    assert match, name
    return match[1]


async def test_create_from_each_source(ui: httpx.AsyncClient) -> None:
    r = await post(ui, "/sandboxes", {"name": "from-loaded", "source": "loaded"}, follow=False)
    assert (r.status_code, r.headers["location"]) == (303, f"{UI}/sandboxes/from-loaded/accounts")
    await post(ui, "/sandboxes", {"name": "from-example", "source": "example", "example": "rate-limited-shop"})
    await post(ui, "/sandboxes", {"name": "pasted", "source": "yaml", "yaml": SMALL})
    page = await post(
        ui,
        "/sandboxes",
        {"name": "uploaded", "source": "yaml"},
        files={"file": ("s.yaml", SMALL.encode(), "text/yaml")},
    )
    assert page.status_code == 200 and "Sandbox uploaded created" in page.text
    found = await sandboxes(ui)
    assert found["from-loaded"]["name"] == "dashboard-test"
    assert found["from-example"]["name"] == "rate-limited-shop"
    assert found["pasted"]["name"] == found["uploaded"]["name"] == "small"
    random = await post(ui, "/sandboxes", {"source": "loaded"}, follow=False)
    assert re.match(rf"{UI}/sandboxes/sb-[0-9a-f]{{12}}/accounts$", random.headers["location"])


async def test_an_invalid_scenario_shows_each_problem_with_its_line_and_path(ui: httpx.AsyncClient) -> None:
    r = await post(ui, "/sandboxes", {"name": "nope", "source": "yaml", "yaml": BROKEN})
    assert r.status_code == 400
    assert "<td>4:7</td>" in r.text or "<td>7:" in r.text
    assert "$.merchantpro.shops[0]" in r.text
    assert "name: broken" in r.text, "the pasted scenario is kept for fixing"
    r = await post(ui, "/sandboxes", {"name": "nope", "source": "yaml", "yaml": "a: [1,\n  b: }"})
    assert r.status_code == 400 and "YAML syntax error" in r.text
    assert "nope" not in await sandboxes(ui)


async def test_refusals_keep_the_api_s_words(ui: httpx.AsyncClient) -> None:
    for data, words in [
        ({"name": "bad name!", "source": "loaded"}, "must match"),
        ({"name": "default", "source": "loaded"}, "already exists"),
        ({"source": "example", "example": "no-such"}, "no shipped example"),
        ({"source": "yaml", "yaml": ""}, "paste a scenario"),
    ]:
        r = await post(ui, "/sandboxes", data)
        assert r.status_code == 400 and words in r.text, data


async def test_the_list_counts_requests_and_changed_rows_until_a_reset(ui: httpx.AsyncClient) -> None:
    await post(ui, "/sandboxes", {"name": "busy", "source": "loaded"})
    url = "/sandboxes/busy/merchantpro/shop/api/v2/inventory/id/1"
    assert (await ui.patch(url, json={"stock": 9}, headers=basic(*MP_AUTH))).status_code == 200
    assert (await ui.get(url, headers=basic(*MP_AUTH))).status_code == 200
    cells = re.findall(r'<td class="num">(\d+)</td>', row((await ui.get(f"{UI}/")).text, "busy"))
    assert cells == ["2", "1"]
    page = await post(ui, "/sandboxes/busy/reset")
    assert "Sandbox busy reset" in page.text
    assert re.findall(r'<td class="num">(\d+)</td>', row(page.text, "busy")) == ["0", "0"]


async def test_delete_removes_a_sandbox_but_never_the_default(ui: httpx.AsyncClient) -> None:
    await post(ui, "/sandboxes", {"name": "gone", "source": "loaded"})
    page = await post(ui, "/sandboxes/gone/delete")
    assert "Sandbox gone deleted" in page.text and "gone" not in await sandboxes(ui)
    page = await post(ui, "/sandboxes/default/delete")
    assert "cannot be deleted" in page.text and "default" in await sandboxes(ui)
    page = await post(ui, "/sandboxes/missing/reset")
    assert "no sandbox named" in page.text
