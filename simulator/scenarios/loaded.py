"""A validated scenario, with the indexes request handlers need and a content-derived id."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import msgspec

from simulator.scenarios.model import Parts, Scenario, ordered, scenario_type

# Bump when the meaning of stored base rows changes, so old --db files re-seed instead of misreading rows.
STORE_FORMAT = "2"

T = TypeVar("T")


@dataclass(frozen=True)
class LoadedScenario:
    id: str
    source: str
    spec: Scenario
    _indexes: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def build(cls, spec: Scenario, source: str) -> LoadedScenario:
        digest = hashlib.sha256(STORE_FORMAT.encode() + msgspec.json.encode(ordered(spec))).hexdigest()[:20]
        return cls(id=digest, source=source, spec=spec)

    def index(self, name: str, build: Callable[[Scenario], T]) -> T:
        """A lookup built from the scenario on first use (a vendor's accounts by the name in their URL), kept with
        it: the scenario never changes, and requests look accounts up on every call."""
        try:
            found: T = self._indexes[name]
        except KeyError:
            found = self._indexes[name] = build(self.spec)
        return found

    def to_json(self) -> bytes:
        return msgspec.json.encode(ordered(self.spec))

    @classmethod
    def from_json(cls, raw: bytes, source: str, parts: Parts) -> LoadedScenario:
        return cls.build(msgspec.json.decode(raw, type=scenario_type(parts)), source)
