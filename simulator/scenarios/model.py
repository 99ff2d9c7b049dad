"""The scenario document: one optional section per vendor."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import msgspec

from simulator.scenarios import centra, ilevel, kaching, merchantpro
from simulator.scenarios.limits import MAX_GENERATED_TOTAL
from simulator.scenarios.problems import Problem
from simulator.toolkit.rules import FaultRule, Match, RateLimit


class Scenario(msgspec.Struct, forbid_unknown_fields=True):
    name: str = "unnamed"
    description: str = ""
    merchantpro: merchantpro.Section = msgspec.field(default_factory=merchantpro.Section)
    ka_ching: kaching.Section = msgspec.field(default_factory=kaching.Section)
    ilevel: ilevel.Section = msgspec.field(default_factory=ilevel.Section)
    centra: centra.Section = msgspec.field(default_factory=centra.Section)
    # The test toolkit: fault rules and rate limits that hold from the sandbox's start (and after each reset).
    faults: list[FaultRule] = []
    rate_limits: list[RateLimit] = []
    # Lists whose entries nothing else in the scenario refers to (see salvage).
    standalone: ClassVar[tuple[str, ...]] = ("faults", "rate_limits")


def check(scenario: Scenario, *, targets: bool = True) -> list[Problem]:
    """Rules across fields. ``targets``: whether rules naming accounts are checked (not when accounts are missing
    from ``scenario`` because their own problems left them out)."""
    return [
        *merchantpro.check(scenario.merchantpro, "$.merchantpro"),
        *kaching.check(scenario.ka_ching, "$.ka_ching"),
        *ilevel.check(scenario.ilevel, "$.ilevel"),
        *centra.check(scenario.centra, "$.centra"),
        *check_generated(scenario),
        *(check_targets(scenario, [r.match for r in scenario.faults], "$.faults[{i}].match") if targets else []),
        *(check_targets(scenario, scenario.rate_limits, "$.rate_limits[{i}]") if targets else []),
    ]


def check_generated(scenario: Scenario) -> list[Problem]:
    """All generate blocks together stay within MAX_GENERATED_TOTAL; the block that passes it is named."""
    blocks = [
        *((f"$.merchantpro.shops[{i}].generate.count", s.generate) for i, s in enumerate(scenario.merchantpro.shops)),
        *((f"$.ilevel.tenants[{i}].generate.count", t.generate) for i, t in enumerate(scenario.ilevel.tenants)),
    ]
    total = 0
    for path, gen in blocks:
        if gen is None:
            continue
        total += gen.count
        if total > MAX_GENERATED_TOTAL:
            made = sum(g.count for _, g in blocks if g is not None)
            return [Problem(path, f"the generate blocks make {made} items in all; the limit is {MAX_GENERATED_TOTAL}")]
    return []


def accounts_by_vendor(scenario: Scenario) -> dict[str, set[str]]:
    """Every vendor's account names, as they appear in URLs (and in fault rules and rate limits)."""
    return {
        "merchantpro": {s.name for s in scenario.merchantpro.shops},
        "ka-ching": {a.id for a in scenario.ka_ching.accounts},
        "ilevel": {t.name for t in scenario.ilevel.tenants},
        "centra": {p.name for p in scenario.centra.plugins},
    }


def check_targets(scenario: Scenario, targets: Sequence[Match | RateLimit], at: str) -> list[Problem]:
    """A rule that names a vendor or account the scenario does not have would never match: say so."""
    known = accounts_by_vendor(scenario)
    problems = []
    for i, target in enumerate(targets):
        here = at.format(i=i)
        if target.vendor is not None and target.vendor not in known:
            problems.append(
                Problem(f"{here}.vendor", f"expected one of {', '.join(sorted(known))}, got {target.vendor!r}")
            )
        elif target.account is not None:
            accounts = known[target.vendor] if target.vendor else set().union(*known.values())
            if target.account not in accounts:
                problems.append(
                    Problem(
                        f"{here}.account",
                        f"no account {target.account!r} in this scenario"
                        + (f"'s {target.vendor} section" if target.vendor else ""),
                    )
                )
    return problems
