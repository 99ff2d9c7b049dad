"""A vendor's part of the scenario document, as the core sees it: its section's YAML key and Struct, the rules across
its fields, its account names and its generate blocks. The scenario type is built from the parts an app is given."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar, cast

import msgspec

from simulator.scenarios.problems import Problem

S = TypeVar("S", bound=msgspec.Struct)


class Generated(Protocol):
    @property
    def count(self) -> int: ...


def _no_blocks(section: Any, at: str) -> list[tuple[str, Generated | None]]:
    return []


@dataclass(frozen=True)
class ScenarioPart(Generic[S]):
    vendor: str  # the vendor's name, as URLs, fault rules and rate limits name it
    key: str  # the section's key in a scenario document (ka_ching: a YAML key cannot be ka-ching comfortably)
    type: type[S]  # every field has a default: a scenario without the section has an empty one
    # Rules across the section's fields; ``at`` is the section's JSON path ($.<key>).
    check: Callable[[S, str], list[Problem]]
    # The section's account names as they appear in URLs (and in fault rules and rate limits).
    accounts: Callable[[S], set[str]]
    # (JSON path of its count, block) of each generate block, which together stay within MAX_GENERATED_TOTAL.
    generated: Callable[[S, str], list[tuple[str, Generated | None]]] = _no_blocks

    def of(self, spec: msgspec.Struct) -> S:
        """This vendor's section of a scenario built with this part."""
        return cast(S, getattr(spec, self.key))


class _Empty(msgspec.Struct, forbid_unknown_fields=True):
    pass


# A vendor without a section of its own (its key is one no document can hold).
NO_SECTION: ScenarioPart[Any] = ScenarioPart("", "", _Empty, lambda section, at: [], lambda section: set())
