"""i.LEVEL's batch rules, without I/O: resolution by identifier and in-order application."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from simulator.domain.ilevel import Catalog, ItemChange, ItemError, Levels, apply, plan, resolve

CATALOG = Catalog(ids={"V1", "V2"}, barcodes={"B1": "V1", "B2": "V2"}, codes={"C1": "V1", "C2": "V2"})


def test_first_given_identifier_decides() -> None:
    assert resolve(ItemChange(0, variant_id="V1", barcode="B2"), CATALOG, "first") == "V1"
    assert resolve(ItemChange(0, barcode="B2", code="C1"), CATALOG, "first") == "V2"
    assert resolve(ItemChange(0, variant_id="nope", code="C1"), CATALOG, "first") is None
    assert resolve(ItemChange(0), CATALOG, "first") is None


def test_agree_wants_one_variant() -> None:
    assert resolve(ItemChange(0, variant_id="V1", barcode="B1", code="C1"), CATALOG, "agree") == "V1"
    assert resolve(ItemChange(0, variant_id="V1", barcode="B2"), CATALOG, "agree") is None
    assert resolve(ItemChange(0, barcode="B1", code="nope"), CATALOG, "agree") is None


def test_plan_reports_failures_in_order_and_skips_them() -> None:
    changes = [
        ItemChange(0, variant_id="V1", in_stock=1),
        ItemChange(1, barcode="nope"),
        ItemChange(2, code="C2", demand=4),
        ItemChange(3, barcode="B1", supply=2),
    ]
    result = plan(changes, CATALOG, "first", forced={"V2"}, current={"V1": Levels(9, 9, 9)})
    assert result.writes == {"V1": Levels(1, 9, 2)}
    assert result.failures == [(1, ItemError.VARIANT_NOT_FOUND), (2, ItemError.FAILED_TO_SAVE)]
    assert [e.message for _, e in result.failures] == ["Variant not found", "Failed to save item"]


figures = st.none() | st.integers(0, 10**9)


@given(st.lists(st.tuples(figures, figures, figures), max_size=20), st.tuples(*(st.integers(0, 10**9),) * 3))
def test_repeated_items_equal_applying_them_one_by_one(
    items: list[tuple[int | None, ...]], start: tuple[int, ...]
) -> None:
    changes = [ItemChange(i, variant_id="V1", in_stock=a, demand=b, supply=c) for i, (a, b, c) in enumerate(items)]
    expected: Levels | None = Levels(*start)
    for change in changes:
        expected = apply(expected, change)
    result = plan(changes, CATALOG, "first", forced=set(), current={"V1": Levels(*start)})
    assert result.failures == []
    assert result.writes == ({"V1": expected} if changes else {})


@given(figures, figures, figures)
def test_a_new_record_starts_at_zero(a: int | None, b: int | None, c: int | None) -> None:
    levels = apply(None, ItemChange(0, in_stock=a, demand=b, supply=c))
    assert levels == Levels(a or 0, b or 0, c or 0)
