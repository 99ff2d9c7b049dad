"""A validated scenario, with the indexes request handlers need and a content-derived id."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property

import msgspec

from simulator.scenarios import centra, ilevel, kaching, merchantpro
from simulator.scenarios.model import Scenario

# Bump when the meaning of stored base rows changes, so old --db files re-seed instead of misreading rows.
STORE_FORMAT = "2"


@dataclass(frozen=True)
class LoadedScenario:
    id: str
    source: str
    spec: Scenario

    @classmethod
    def build(cls, spec: Scenario, source: str) -> LoadedScenario:
        digest = hashlib.sha256(STORE_FORMAT.encode() + msgspec.json.encode(spec)).hexdigest()[:20]
        return cls(id=digest, source=source, spec=spec)

    # Each vendor's accounts by the name in their URL, built on first use.
    @cached_property
    def shops(self) -> dict[str, merchantpro.Shop]:
        return {s.name: s for s in self.spec.merchantpro.shops}

    @cached_property
    def ilevel_tenants(self) -> dict[str, ilevel.Tenant]:
        return {t.name: t for t in self.spec.ilevel.tenants}

    @cached_property
    def centra_plugins(self) -> dict[str, centra.Plugin]:
        return {p.name: p for p in self.spec.centra.plugins}

    @cached_property
    def kaching_accounts(self) -> dict[str, kaching.Account]:
        return {a.id: a for a in self.spec.ka_ching.accounts}

    @cached_property
    def kaching_catalogs(self) -> dict[str, dict[str, tuple[str, ...]]]:
        """Per Ka-ching account, product id -> its variants: the import queue looks one up per value."""
        return {a.id: {p.id: tuple(p.variants) for p in a.products} for a in self.spec.ka_ching.accounts}

    def to_json(self) -> bytes:
        return msgspec.json.encode(self.spec)

    @classmethod
    def from_json(cls, raw: bytes, source: str) -> LoadedScenario:
        return cls.build(msgspec.json.decode(raw, type=Scenario), source)
