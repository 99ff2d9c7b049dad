"""The scenario document: a name, a description, one optional section per vendor, and the test toolkit's rules.

The sections come from the vendors an app is given (``ScenarioPart``), so the document's type is built for them
(``scenario_type``); ``Scenario`` is what every such type has in common."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any, ClassVar, cast

import msgspec

from simulator.scenarios.limits import MAX_GENERATED_TOTAL
from simulator.scenarios.part import ScenarioPart
from simulator.scenarios.problems import Problem
from simulator.toolkit.rules import FaultRule, Match, RateLimit

Parts = tuple[ScenarioPart[Any], ...]


class Scenario(msgspec.Struct, forbid_unknown_fields=True):
    name: str = "unnamed"
    description: str = ""
    # The test toolkit: fault rules and rate limits that hold from the sandbox's start (and after each reset).
    faults: list[FaultRule] = []
    rate_limits: list[RateLimit] = []
    # Lists whose entries nothing else in the scenario refers to (see salvage).
    standalone: ClassVar[tuple[str, ...]] = ("faults", "rate_limits")
    # The vendor sections this type has (set on each scenario_type).
    parts: ClassVar[Parts] = ()


_HEAD = ("name", "description")


@cache
def scenario_type(parts: Parts) -> type[Scenario]:
    """The document type for these vendors: Scenario's fields and one section per part (keyed by ``part.key``)."""
    parts = tuple(p for p in parts if p.key)  # a vendor without a section (NO_SECTION)
    fields = [(p.key, p.type, msgspec.field(default_factory=p.type)) for p in parts]
    kind = msgspec.defstruct("Scenario", fields, bases=(Scenario,), module=__name__, namespace={"parts": parts})
    return cast(type[Scenario], kind)


def ordered(spec: Scenario) -> dict[str, Any]:
    """The document's fields in the order a reader writes them (name, description, the sections, the rules): the
    order its JSON encoding, and so its id, has always had."""
    names = [*_HEAD, *(p.key for p in spec.parts), *(f for f in Scenario.__struct_fields__ if f not in _HEAD)]
    return {name: getattr(spec, name) for name in names}


def check(scenario: Scenario, *, targets: bool = True) -> list[Problem]:
    """Rules across fields. ``targets``: whether rules naming accounts are checked (not when accounts are missing
    from ``scenario`` because their own problems left them out)."""
    return [
        *(problem for p in scenario.parts for problem in p.check(p.of(scenario), f"$.{p.key}")),
        *check_generated(scenario),
        *(check_targets(scenario, [r.match for r in scenario.faults], "$.faults[{i}].match") if targets else []),
        *(check_targets(scenario, scenario.rate_limits, "$.rate_limits[{i}]") if targets else []),
    ]


def check_generated(scenario: Scenario) -> list[Problem]:
    """All generate blocks together stay within MAX_GENERATED_TOTAL; the block that passes it is named."""
    blocks = [block for p in scenario.parts for block in p.generated(p.of(scenario), f"$.{p.key}")]
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
    return {p.vendor: p.accounts(p.of(scenario)) for p in scenario.parts}


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
