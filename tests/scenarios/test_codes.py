"""Generated codes: a pattern is a one-to-one map from ordinals to codes, read back without building any code."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.scenarios import codes
from simulator.scenarios.ilevel import Generate, generated_id, generated_ordinal

TEXT = st.text(st.characters(exclude_characters="{}", exclude_categories=["Cs", "Cc"]), max_size=6)
PLACEHOLDERS = st.sampled_from(["{n}", "{n:d}", "{n:07d}", "{n:3d}", "{n:02d}", "{n:0d}", "{n:011d}"])


@st.composite
def patterns(draw: st.DrawFn) -> str:
    return draw(TEXT) + draw(PLACEHOLDERS) + draw(TEXT)


def parsed(pattern: str) -> codes.CodePattern:
    found = codes.parse(pattern)
    assert isinstance(found, codes.CodePattern), found
    return found


@settings(max_examples=300, deadline=None)
@given(patterns(), st.integers(1, 10**12))
def test_a_code_reads_back_to_its_ordinal_and_matches_python_format(pattern: str, n: int) -> None:
    code = parsed(pattern).code(n)
    assert code == pattern.format(n=n)
    assert parsed(pattern).ordinal(code) == n


@settings(max_examples=300, deadline=None)
@given(patterns(), st.text(max_size=20))
def test_any_text_reads_back_only_if_it_is_that_code(pattern: str, text: str) -> None:
    n = parsed(pattern).ordinal(text)
    assert n is None or (n >= 1 and parsed(pattern).code(n) == text)


@settings(max_examples=100, deadline=None)
@given(patterns(), st.integers(1, 10**9))
def test_sqlite_printf_makes_the_same_code(pattern: str, n: int) -> None:
    with sqlite3.connect(":memory:") as conn:
        (made,) = conn.execute("SELECT printf(?, ?)", (parsed(pattern).printf(), n)).fetchone()
    assert made == parsed(pattern).code(n)


@pytest.mark.parametrize(
    ("code", "n"),
    [
        ("GEN-0000042", 42),
        ("GEN-12345678", 12345678),
        ("GEN-042", None),
        ("GEN-00000042", None),
        ("GEN-0000000", None),
        ("GEN-00000x2", None),
        ("GEN-٠٠٠٠٠٤٢", None),
        ("gen-0000042", None),
        ("GEN-", None),
        ("GEN-" + "9" * 400, None),
    ],
)
def test_ordinals_of_a_zero_padded_pattern(code: str, n: int | None) -> None:
    assert parsed("GEN-{n:07d}").ordinal(code) == n


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        ("FIXED", "must contain {n}"),
        ("{x}", "no other braces"),
        ("A{n}{n}", "{n} once"),
        ("{n:x}", "no other braces"),
        ("{n}}", "no other braces"),
        ("GEN-{n}\x00", "without control characters"),
    ],
)
def test_patterns_that_are_not_one(pattern: str, words: str) -> None:
    problem = codes.parse(pattern)
    assert isinstance(problem, str) and words in problem


def test_generated_codes_are_capped_in_length() -> None:
    assert codes.check("GEN-{n:07d}", 2_000_000) == (parsed("GEN-{n:07d}"), None)
    pattern, problem = codes.check("{n:020000000d}", 1)
    assert (
        pattern is not None and problem == "generated codes would be up to 20000000 characters long; the limit is 128"
    )
    assert (
        codes.check("X" * 120 + "{n}", 10**8)[1]
        == "generated codes would be up to 129 characters long; the limit is 128"
    )


def test_ilevel_generated_ids_look_like_ilevel_ids_and_read_back() -> None:
    gen = Generate(count=5000, seed=7)
    ids = [generated_id(7, n) for n in range(1, 5001)]
    assert len(set(ids)) == 5000
    assert all(len(i) == 32 and i == i.upper() and int(i, 16) >= 0 for i in ids)
    assert [generated_ordinal(gen, i) for i in ids] == list(range(1, 5001))
    assert generated_ordinal(gen, generated_id(7, 5001)) is None
    assert generated_ordinal(gen, generated_id(8, 1)) is None
    assert generated_ordinal(gen, "0A5EEDAF16F8D54486AB2AD7474B3994") is None
