"""A validated scenario, with the indexes request handlers need and a content-derived id."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import msgspec

from simulator.scenarios import kaching, merchantpro
from simulator.scenarios.model import Scenario

# Bump when the meaning of stored base rows changes, so old --db files re-seed instead of misreading rows.
STORE_FORMAT = "1"


@dataclass(frozen=True)
class LoadedScenario:
    id: str
    source: str
    spec: Scenario
    shops: dict[str, merchantpro.Shop] = field(default_factory=dict)
    kaching_accounts: dict[str, kaching.Account] = field(default_factory=dict)
    # Per Ka-ching account, product id -> its variants: the import queue looks one up per value.
    kaching_catalogs: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)

    @classmethod
    def build(cls, spec: Scenario, source: str) -> LoadedScenario:
        digest = hashlib.sha256(STORE_FORMAT.encode() + msgspec.json.encode(spec)).hexdigest()[:20]
        return cls(
            id=digest,
            source=source,
            spec=spec,
            shops={s.name: s for s in spec.merchantpro.shops},
            kaching_accounts={a.id: a for a in spec.ka_ching.accounts},
            kaching_catalogs={a.id: {p.id: tuple(p.variants) for p in a.products} for a in spec.ka_ching.accounts},
        )

    def to_json(self) -> bytes:
        return msgspec.json.encode(self.spec)

    @classmethod
    def from_json(cls, raw: bytes, source: str) -> LoadedScenario:
        return cls.build(msgspec.json.decode(raw, type=Scenario), source)
