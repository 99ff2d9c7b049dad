"""Scenario problems: a path into the document and what was wrong there."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TypeVar

import msgspec

K = TypeVar("K", bound=Hashable)


class Problem(msgspec.Struct, frozen=True):
    path: str
    message: str


def unique_values(
    problems: list[Problem], at: str, field: str, values: Sequence[K | None], *, skip_none: bool = False
) -> dict[K, int]:
    """Index ``values`` by value, appending a problem for each repeat; returns value -> first position."""
    first: dict[K, int] = {}
    for i, value in enumerate(values):
        if value is None and skip_none:
            continue
        assert value is not None
        if value in first:
            problems.append(
                Problem(f"{at}[{i}].{field}", f"duplicate {field} {value!r} (first at {at}[{first[value]}])")
            )
        else:
            first[value] = i
    return first
