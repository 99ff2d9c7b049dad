"""The import body decoder on arbitrary JSON: it returns values or refuses with a 400, never anything else."""

from __future__ import annotations

from typing import Any

import msgspec
from hypothesis import given
from hypothesis import strategies as st

from simulator.domain.kaching import StockValue
from simulator.vendors.kaching.errors import BadRequest
from simulator.vendors.kaching.wire import decode_import

LOCATIONS = {"l1", "l2"}
json_values: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=12,
)
counts = st.integers(-(10**9), 10**9)
good_bodies = st.dictionaries(
    st.sampled_from(sorted(LOCATIONS)),
    st.dictionaries(
        st.text(min_size=1, max_size=5),
        counts | st.dictionaries(st.text(min_size=1, max_size=5), counts, min_size=1, max_size=3),
        min_size=1,
        max_size=4,
    ),
    min_size=1,
)


@given(json_values)
def test_any_json_is_decoded_or_refused_with_a_path(data: Any) -> None:
    try:
        values = decode_import(msgspec.json.encode(data), LOCATIONS)
    except BadRequest as exc:
        assert exc.status_code == 400 and exc.path is not None and exc.path.startswith("$")
    else:
        assert values and all(isinstance(v, StockValue) for v in values)


@given(good_bodies)
def test_well_formed_bodies_yield_one_value_per_count(body: dict[str, Any]) -> None:
    values = decode_import(msgspec.json.encode(body), LOCATIONS)
    expected = [
        (loc, product, None, v) if isinstance(v, int) else (loc, product, variant, n)
        for loc, products in body.items()
        for product, v in products.items()
        for variant, n in ([(None, v)] if isinstance(v, int) else v.items())
    ]
    assert [(v.location, v.product, v.variant, v.value) for v in values] == expected
