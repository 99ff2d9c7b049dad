"""The stock page: any vendor's tables, key-ordered pages, a search by any identifier, the rows changed since the
reset with their values before and after."""

from __future__ import annotations

import re
from urllib.parse import unquote

import httpx
import pytest

from simulator.ui.stock import PAGE_SIZE
from simulator.vendors import VENDORS
from tests.support import basic
from tests.ui.support import MP_AUTH, UI

pytestmark = pytest.mark.anyio
STOCK = f"{UI}/sandboxes/default/stock"


def first_cells(page: str) -> list[str]:
    body = page.split('<table id="stock"', 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr><td>([^<]*)</td>", body)


async def test_every_vendor_has_a_tab_and_its_tables(ui: httpx.AsyncClient) -> None:
    page = (await ui.get(STOCK)).text
    for vendor in VENDORS:
        assert f'?vendor={vendor.name}"' in page
        r = await ui.get(STOCK, params={"vendor": vendor.name})
        assert r.status_code == 200, vendor.name


async def test_pages_follow_the_key_and_never_repeat(ui: httpx.AsyncClient) -> None:
    params = {"vendor": "merchantpro", "account": "big"}
    seen: list[str] = []
    page = (await ui.get(STOCK, params=params)).text
    for number in range(1, 4):
        assert f"<span>Page {number}</span>" in page
        seen += first_cells(page)
        link = re.search(r'rel="next" href="([^"]+)"', page)
        assert link
        page = (await ui.get(link[1].replace("&amp;", "&"))).text
    assert seen == [str(1_000_000 + i) for i in range(3 * PAGE_SIZE)]


async def test_a_search_finds_any_identifier(ui: httpx.AsyncClient) -> None:
    for term, expected in (("GEN-0000500", "1000499"), ("1000499", "1000499"), ("2900000000500", "1000499")):
        page = (await ui.get(STOCK, params={"vendor": "merchantpro", "account": "big", "q": term})).text
        assert first_cells(page) == [expected], term
    prefix = (await ui.get(STOCK, params={"vendor": "merchantpro", "account": "big", "q": "GEN-00001"})).text
    assert len(first_cells(prefix)) == PAGE_SIZE and "type more to narrow" in prefix
    none = (await ui.get(STOCK, params={"vendor": "merchantpro", "account": "big", "q": "zzz"})).text
    assert first_cells(none) == [] and "No row has an identifier" in none
    barcode = await ui.get(STOCK, params={"vendor": "ilevel", "account": "tenant", "table": "il_variant", "q": "5052"})
    assert "CODE-1" in barcode.text


async def test_changed_since_reset_shows_before_and_after(ui: httpx.AsyncClient) -> None:
    r = await ui.patch("/merchantpro/shop/api/v2/inventory/id/1", json={"stock": 9}, headers=basic(*MP_AUTH))
    assert r.status_code == 200, r.text
    page = (await ui.get(STOCK, params={"vendor": "merchantpro", "account": "shop", "changed": "1"})).text
    assert "Changed since reset (1)" in page
    assert re.search(r"<code>stock</code>: <del>5</del> → <ins>9</ins>", page)
    assert "PLAIN-1" in page
    await ui.post("/_sim/reset")
    page = (await ui.get(STOCK, params={"vendor": "merchantpro", "account": "shop", "changed": "1"})).text
    assert "Nothing changed since the last reset." in page


async def test_a_damaged_page_link_shows_the_first_page(ui: httpx.AsyncClient) -> None:
    for after in ("[not json", '["a", "b"]'):
        r = await ui.get(STOCK, params={"vendor": "merchantpro", "account": "big", "after": after})
        assert r.status_code == 200 and "showing the first page" in unquote(r.text)
        assert first_cells(r.text)[0] == "1000000"
