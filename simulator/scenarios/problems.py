"""Scenario problems: a path into the document and what was wrong there, then where that is in the file."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any, TypeVar

import msgspec

K = TypeVar("K", bound=Hashable)


class Problem(msgspec.Struct, frozen=True):
    path: str
    message: str
    # Point at the key naming the path rather than at its value (an unknown or repeated field).
    at_key: bool = False


class LocatedProblem(msgspec.Struct, frozen=True):
    path: str
    message: str
    line: int | None = None
    column: int | None = None

    def render(self, source: str) -> str:
        where = source if self.line is None else f"{source}:{self.line}:{self.column}"
        return f"{where}: {self.path}: {self.message}"


class ScenarioError(Exception):
    """A scenario that does not validate; ``problems`` lists every one found, in document order."""

    def __init__(self, source: str, problems: list[LocatedProblem]) -> None:
        self.source = source
        self.problems = problems
        super().__init__("\n".join(p.render(source) for p in problems))

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "problems": [
                {"path": p.path, "message": p.message, "line": p.line, "column": p.column} for p in self.problems
            ],
        }


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
