"""MerchantPro's rules as properties (hypothesis), without HTTP or a store."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from msgspec.structs import replace

from simulator.domain.errors import InvalidChange
from simulator.domain.merchantpro import InventoryChange, Product, WarehouseChange, WarehouseStock, apply_change
from simulator.domain.money import gross_from_net, net_from_gross
from simulator.domain.stock import AdjustBy, SetTo

cents = st.integers(min_value=0, max_value=10**9)
rates = st.sampled_from([0, 5, 9, 19, 20, 21, 24, 25, 27])

PRODUCT = Product(1, "S", None, True, 10, 100, 119, None, None, 19.0, ())
MW = replace(PRODUCT, stock=20, warehouses=(WarehouseStock(1, "A", 5), WarehouseStock(2, "B", 15)))


@pytest.mark.parametrize(("net", "gross"), [(142857, 170000), (134454, 160000), (75630, 90000), (6723, 8000)])
def test_the_docs_pairs_at_19_percent(net: int, gross: int) -> None:
    assert gross_from_net(net, 19) == gross
    assert net_from_gross(gross, 19) == net


@given(cents, rates)
def test_setting_net_recomputes_gross_within_a_cent(net: int, rate: int) -> None:
    product = apply_change(replace(PRODUCT, tax_rate=rate), InventoryChange(price_net=net), False)
    assert product.price_net == net
    assert abs(product.price_gross - net * (1 + rate / 100)) <= 0.5 + 1e-6 * net


@given(cents, rates)
def test_setting_gross_then_reading_net_back_is_stable(gross: int, rate: int) -> None:
    product = apply_change(replace(PRODUCT, tax_rate=rate), InventoryChange(price_gross=gross), False)
    again = apply_change(product, InventoryChange(price_net=product.price_net), False)
    assert abs(again.price_gross - gross) <= 1


@given(st.lists(st.integers(min_value=-50, max_value=50), max_size=30))
def test_adjustments_sum_and_never_go_negative(deltas: list[int]) -> None:
    product, expected = PRODUCT, PRODUCT.stock
    for delta in deltas:
        if expected + delta < 0:
            with pytest.raises(InvalidChange):
                apply_change(product, InventoryChange(stock=AdjustBy(delta)), False)
            continue
        product = apply_change(product, InventoryChange(stock=AdjustBy(delta)), False)
        expected += delta
    assert product.stock == expected


@given(st.lists(st.tuples(st.sampled_from([1, 2]), st.integers(min_value=0, max_value=1000)), max_size=10))
def test_multi_warehouse_stock_is_always_the_sum(sets: list[tuple[int, int]]) -> None:
    product = MW
    for wid, qty in sets:
        product = apply_change(product, InventoryChange(warehouses=(WarehouseChange(wid, None, SetTo(qty), 0),)), True)
        assert product.stock == sum(w.stock for w in product.warehouses)


def test_a_refused_change_leaves_the_product_untouched() -> None:
    change = InventoryChange(
        price_net=500, warehouses=(WarehouseChange(1, None, SetTo(1), 0), WarehouseChange(9, None, SetTo(1), 1))
    )
    with pytest.raises(InvalidChange) as caught:
        apply_change(MW, change, True)
    assert caught.value.field == "warehouses[1].id"
    assert MW.warehouses[0].stock == 5
