"""The scenario document: one optional section per vendor."""

from __future__ import annotations

import msgspec

from simulator.scenarios import centra, ilevel, kaching, merchantpro
from simulator.scenarios.problems import Problem


class Scenario(msgspec.Struct, forbid_unknown_fields=True):
    name: str = "unnamed"
    description: str = ""
    merchantpro: merchantpro.Section = msgspec.field(default_factory=merchantpro.Section)
    ka_ching: kaching.Section = msgspec.field(default_factory=kaching.Section)
    ilevel: ilevel.Section = msgspec.field(default_factory=ilevel.Section)
    centra: centra.Section = msgspec.field(default_factory=centra.Section)


def check(scenario: Scenario) -> list[Problem]:
    return [
        *merchantpro.check(scenario.merchantpro, "$.merchantpro"),
        *kaching.check(scenario.ka_ching, "$.ka_ching"),
        *ilevel.check(scenario.ilevel, "$.ilevel"),
        *centra.check(scenario.centra, "$.centra"),
    ]
