"""Ka-ching's per-value rules, without I/O."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.domain.kaching import FORBIDDEN, Rejected, StockValue, apply, check_shape, key_problem
from simulator.domain.stock import MAX_QUANTITY

counts = st.integers(-MAX_QUANTITY, MAX_QUANTITY)
safe_keys = st.text(
    st.characters(blacklist_characters=FORBIDDEN, blacklist_categories=["Cs"], min_codepoint=32),
    min_size=1,
    max_size=40,
).filter(lambda k: "\x7f" not in k)


@given(safe_keys)
def test_keys_without_forbidden_characters_are_fine(key: str) -> None:
    assert key_problem(key) is None


@given(safe_keys, st.sampled_from(FORBIDDEN), safe_keys)
def test_any_forbidden_character_is_named(prefix: str, char: str, suffix: str) -> None:
    problem = key_problem(prefix + char + suffix)
    assert problem is not None and repr(char) in problem


def test_other_bad_keys() -> None:
    assert key_problem("") == "an id cannot be empty"
    assert key_problem("a\nb") == "'a\\nb' contains a control character"
    assert key_problem("é" * 385) == "an id can be at most 768 bytes long"


@given(st.one_of(st.none(), counts), counts)
def test_reset_sets_the_value(current: int | None, value: int) -> None:
    assert apply("reset", current, value, "fail") == value


@given(counts, counts)
def test_adjustment_adds_or_is_refused_out_of_range(current: int, value: int) -> None:
    if abs(current + value) <= MAX_QUANTITY:
        assert apply("adjustment", current, value, "fail") == current + value
    else:
        with pytest.raises(Rejected):
            apply("adjustment", current, value, "fail")


@given(counts)
def test_adjustment_of_an_unstocked_record(value: int) -> None:
    with pytest.raises(Rejected, match="needs an existing stock count"):
        apply("adjustment", None, value, "fail")
    assert apply("adjustment", None, value, "from_zero") == value


@given(st.one_of(st.none(), counts), counts)
def test_removal_ignores_the_value(current: int | None, value: int) -> None:
    if current is None:
        with pytest.raises(Rejected, match="nothing to remove"):
            apply("removal", current, value, "fail")
    else:
        assert apply("removal", current, value, "fail") is None


def test_shape_follows_the_catalog_then_the_stock() -> None:
    plain, variant = StockValue("l", "p", None, 1), StockValue("l", "p", "v", 1)
    check_shape(plain, (), None)
    check_shape(variant, ("v",), None)
    check_shape(variant, ("w",), None)  # unknown variants of a catalog product are importable
    with pytest.raises(Rejected):
        check_shape(plain, ("v",), None)
    with pytest.raises(Rejected):
        check_shape(variant, (), None)
    for value in (plain, variant):
        check_shape(value, None, None)
    check_shape(plain, None, True)
    check_shape(variant, None, False)
    with pytest.raises(Rejected):
        check_shape(variant, None, True)
    with pytest.raises(Rejected):
        check_shape(plain, None, False)
