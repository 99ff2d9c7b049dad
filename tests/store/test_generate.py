"""`generate:` blocks: synthetic products made by SQLite, reproducible under a seed, within the given ranges."""

from __future__ import annotations

import sqlite3

import pytest

from simulator.scenarios.loader import load_text
from simulator.scenarios.merchantpro import printf_pattern
from simulator.store.layered import World
from simulator.store.merchantpro import PRODUCTS
from simulator.store.sandboxes import ddl, ensure_scenario
from simulator.vendors import SCHEMA

SCENARIO = """
merchantpro:
  shops:
    - name: big
      api_key: k
      api_secret: s
      tax_rate: 19
      generate: {{count: 2000, seed: {seed}, sku: "SKU-{{n:05d}}", ean: "40{{n:011d}}", stock: [3, 9],
                 price_net: [1.0, 2.0]}}
    - name: mw
      api_key: k
      api_secret: s
      multi_warehouse: true
      warehouses: [{{id: 4, name: A}}, {{id: 9, name: B}}]
      generate: {{count: 50, seed: {seed}}}
"""


def seeded(seed: int) -> tuple[sqlite3.Connection, World]:
    scenario = load_text(SCENARIO.format(seed=seed), "gen.yaml")
    conn = sqlite3.connect(":memory:")
    conn.executescript(ddl(SCHEMA))
    assert ensure_scenario(conn, scenario, SCHEMA) == 2050
    return conn, World("default", scenario.id)


def test_values_stay_in_range_and_prices_follow_the_rate() -> None:
    conn, world = seeded(1)
    rows = PRODUCTS.select(conn, world, "shop = 'big'", tail="ORDER BY id")
    assert len(rows) == 2000
    assert rows[0][1:4] == (1_000_000, "SKU-00001", "4000000000001")
    assert rows[-1][1:4] == (1_001_999, "SKU-02000", "4000000002000")
    stocks = [r[5] for r in rows]
    nets = [r[6] for r in rows]
    assert min(stocks) == 3 and max(stocks) == 9 and len(set(stocks)) == 7
    assert min(nets) >= 100 and max(nets) <= 200 and len(set(nets)) > 50
    assert all(r[7] == (2 * r[6] * 11900 + 10000) // 20000 for r in rows)


def test_multi_warehouse_stock_is_the_sum_of_generated_warehouses() -> None:
    conn, world = seeded(1)
    import json

    for row in PRODUCTS.select(conn, world, "shop = 'mw'"):
        split = json.loads(row[11])
        assert [w for w, _ in split] == [4, 9]
        assert row[5] == sum(s for _, s in split)


def test_a_seed_gives_the_same_catalog_and_another_seed_another() -> None:
    first, w1 = seeded(7)
    again, w2 = seeded(7)
    other, w3 = seeded(8)
    assert PRODUCTS.select(first, w1, tail="ORDER BY shop, id") == PRODUCTS.select(again, w2, tail="ORDER BY shop, id")
    assert [r[5] for r in PRODUCTS.select(first, w1, tail="ORDER BY shop, id")] != [
        r[5] for r in PRODUCTS.select(other, w3, tail="ORDER BY shop, id")
    ]


@pytest.mark.parametrize(
    ("pattern", "printf"),
    [
        ("GEN-{n:07d}", "GEN-%07d"),
        ("{n}", "%d"),
        ("100%-{n:3d}", "100%%-%3d"),
        ("{x}", None),
        ("{n:x}", None),
        ("a}{n}", None),
    ],
)
def test_patterns_translate_to_printf(pattern: str, printf: str | None) -> None:
    assert printf_pattern(pattern) == printf
