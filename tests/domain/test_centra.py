"""Centra's stock rules without I/O: the clamp, partial updates, allocations, and the invariant."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from msgspec.structs import replace

from simulator.domain.centra import (
    Clamp,
    StockItem,
    StockLine,
    allocate,
    apply_update,
    company_time,
    company_zone,
    cost_price,
    currency,
    release,
    ship,
    timestamp,
    to_utc,
)
from simulator.domain.errors import InvalidChange

NOW = "2025-01-01 12:00:00"
ITEM = StockItem(
    plugin="p",
    stock_item_id=1,
    product_id=1,
    variant_id=1,
    sku="A",
    variant_sku="B",
    size_sku="C",
    ean="111",
    upc=None,
    brand="",
    collection="",
    product="",
    variant="",
    size="",
    weight=None,
    weight_unit="kg",
    country_of_origin="",
    harm_code="",
    harm_description="",
    active=True,
    bundle=False,
    physical=10,
    allocated=4,
    cost_price=None,
    cost_currency=None,
    created="2024-01-01 00:00:00",
    modified="2024-01-01 00:00:00",
    stock_modified="2024-01-01 00:00:00",
)
quantities = st.integers(min_value=0, max_value=1000)


@given(allocated=quantities, extra=quantities, requested=st.integers(min_value=-1000, max_value=1000))
def test_the_clamp(allocated: int, extra: int, requested: int) -> None:
    item = replace(ITEM, allocated=allocated, physical=allocated + extra)
    outcome = apply_update({"111": item}, [StockLine("111", requested)], NOW)
    result = outcome.changed[0] if outcome.changed else item
    assert result.physical == max(requested, allocated)
    assert result.physical == result.allocated + result.available and result.available >= 0
    expected = [Clamp("111", 1, requested, allocated)] if requested < allocated else []
    assert list(outcome.clamps) == expected
    assert outcome.complete


@given(st.lists(st.tuples(st.sampled_from(["allocate", "release", "ship"]), st.integers(1, 20)), max_size=30))
def test_allocation_moves_keep_the_invariant(moves: list[tuple[str, int]]) -> None:
    item = ITEM
    for name, n in moves:
        move = {"allocate": allocate, "release": release, "ship": ship}[name]
        try:
            item = move(item, n, NOW)
        except InvalidChange:
            continue
        assert 0 <= item.allocated <= item.physical


def test_partial_update_reports_identifiers_once_in_order() -> None:
    bundle = replace(ITEM, stock_item_id=2, ean="222", sku="X", bundle=True)
    found = {"111": ITEM, "ABC": ITEM, "222": bundle}
    lines = [StockLine("9", 1), StockLine("222", 1), StockLine("111", 5), StockLine("9", 1), StockLine("ABC", 7)]
    outcome = apply_update(found, lines, NOW)
    assert (outcome.not_found, outcome.bundles) == (("9",), ("222",))
    assert [(i.stock_item_id, i.physical) for i in outcome.changed] == [(1, 7)]
    assert not outcome.complete


def test_an_unchanged_item_keeps_its_timestamps() -> None:
    assert apply_update({"111": ITEM}, [StockLine("111", 10)], NOW).changed == ()


@pytest.mark.parametrize(
    ("value", "stored"),
    [("12.54", "12.54"), (" 7 ", "7"), (12.54, "12.54"), (7, "7"), (0, "0"), ("0.10", "0.10"), (1e-7, "0.0000001")],
)
def test_cost_prices(value: str | float, stored: str) -> None:
    assert cost_price(value, "costPrice") == stored


@pytest.mark.parametrize("value", ["", "1,5", "-1", "1e3", "abc", -0.01, 2e9])
def test_bad_cost_prices(value: str | float) -> None:
    with pytest.raises(InvalidChange):
        cost_price(value, "costPrice")


def test_currencies() -> None:
    assert [currency(code, "c") for code in ("SEK", "EUR", "USD")] == ["SEK", "EUR", "USD"]
    for bad in ("sek", "XYZ", "", "EURO"):
        with pytest.raises(InvalidChange):
            currency(bad, "c")


@pytest.mark.parametrize(
    ("zone", "local", "utc"),
    [
        ("UTC", "2024-06-01", "2024-06-01 00:00:00"),
        ("Europe/Stockholm", "2024-06-01", "2024-05-31 22:00:00"),  # summer: UTC+2
        ("Europe/Stockholm", "2024-01-15 08:30:00", "2024-01-15 07:30:00"),  # winter: UTC+1
        ("America/New_York", "2024-12-31 20:00:00", "2025-01-01 01:00:00"),
        # 02:30 does not exist on 31 March 2024 in Stockholm, and 02:30 on 27 October happens twice: both are read
        # with the offset in force before the change.
        ("Europe/Stockholm", "2024-03-31 02:30:00", "2024-03-31 01:30:00"),
        ("Europe/Stockholm", "2024-10-27 02:30:00", "2024-10-27 00:30:00"),
        # Past the calendar's ends: before and after every stored time.
        ("Europe/Stockholm", "0001-01-01", "0001-01-01 00:00:00"),
        ("America/New_York", "9999-12-31 23:00:00", "9999-12-31 23:59:59"),
        ("UTC", "0999-01-01", "0999-01-01 00:00:00"),  # four-digit years, so the text sorts as the time does
    ],
)
def test_company_time_to_utc(zone: str, local: str, utc: str) -> None:
    assert to_utc(local, company_zone(zone)) == utc


@given(st.integers(min_value=0, max_value=4_102_444_800))  # 1970 to 2100
def test_company_time_round_trips(epoch: int) -> None:
    zone = company_zone("Europe/Stockholm")
    stored = timestamp(epoch)
    shown = company_time(stored, zone)
    # A repeated hour reads back as its first occurrence; every other time reads back as itself.
    assert to_utc(shown, zone) in (stored, timestamp(epoch - 3600))


@pytest.mark.parametrize("name", ["Mars/Olympus", "", "utc", "../etc/passwd", "/etc/passwd", "Europe", "Europe/"])
def test_a_name_that_is_no_time_zone(name: str) -> None:
    with pytest.raises(InvalidChange) as info:
        company_zone(name)
    assert info.value.message == (f"expected an IANA time zone name such as 'Europe/Stockholm' or 'UTC', got {name!r}")
