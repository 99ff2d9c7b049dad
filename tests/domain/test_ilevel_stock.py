"""The ids the simulator makes up for i.LEVEL's stock resource: stable, 32 upper-case hex, distinct per kind."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from simulator.domain.ilevel_stock import derived_id, own_product, page_count, record_id

HEX = re.compile(r"^[0-9A-F]{32}$")
IDS = st.text(alphabet="0123456789ABCDEF", min_size=32, max_size=32)


@given(IDS, IDS)
def test_a_record_id_is_its_warehouse_and_variant(warehouse: str, variant: str) -> None:
    made = record_id(warehouse, variant)
    assert HEX.match(made) and made == record_id(warehouse, variant)
    if warehouse != variant:
        assert made != record_id(variant, warehouse)
    assert made not in (warehouse, variant, derived_id("product", variant), derived_id("company", warehouse))


def test_a_variant_without_a_product_is_its_own_products_only_variant() -> None:
    variant = "5B1C2D3E4F5061728394A5B6C7D8E9F0"
    product_id, code, title = own_product(variant, "ACC001018__A", None)
    assert HEX.match(product_id) and product_id != variant
    assert (code, title) == ("ACC001018__A", "ACC001018__A")
    assert own_product(variant, None, "Blue mug")[1:] == (variant, "Blue mug")


def test_page_count() -> None:
    assert [page_count(n, 100) for n in (0, 1, 100, 101, 1_000_000)] == [0, 1, 1, 2, 10_000]
