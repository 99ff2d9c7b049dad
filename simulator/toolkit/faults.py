"""Which faults a request meets: per sandbox, rules in order, each counting the calls it matches.

Every rule that matches a request counts it (and makes its one random draw), whatever the other rules do, so a
rule's triggers depend only on the calls it matches. Of the rules that fire, latencies add up and ``fail_items``
collect their items; the first other one decides the request's fate. Draws come from each rule's own seeded
generator, so the same sequence of requests meets the same faults.

A fault set can be saved and restored whole (rules, their counters and their generators' states), so a server
restarted on a --db file goes on where it stopped; ``on_change`` tells the owner when there is something to save.

Rules are indexed by (vendor, account, method), each ``None`` where the rule leaves it open, and then by the literal
start of their path glob (up to its first ``*``, ``?`` or ``[``); each glob is compiled once. A request looks only at
the lists whose key it fits (at most eight, times the distinct lengths of literal starts) and merges them back into
install order, so matching costs about the same at 10 rules as at 10,000 that name other accounts, methods or paths
(fnmatch's own cache holds 32,768 patterns; past that every call recompiled every glob).
"""

from __future__ import annotations

import fnmatch
import heapq
import math
import random
import re
import struct
from collections.abc import Callable, Iterable, Iterator

import msgspec

from simulator.toolkit.rules import Action, FailItems, FaultRule, Latency, When


class Facts(msgspec.Struct, frozen=True):
    """What a rule can match on, taken from one request."""

    vendor: str
    account: str | None
    method: str
    path: str  # below the account's base URL
    items: frozenset[str]


class RngState(msgspec.Struct, frozen=True):
    """A Mersenne Twister's state (random.Random.getstate), its 625 words packed."""

    version: int
    words: bytes
    gauss_next: float | None


class SavedRule(msgspec.Struct, frozen=True):
    id: str
    source: str
    rule: FaultRule
    installed_at: float
    calls: int = 0
    fired: int = 0
    rng: RngState | None = None  # only for rules that draw (a probability, a random latency)


class SavedFaults(msgspec.Struct, frozen=True):
    rules: list[SavedRule]
    next: int = 1


_Key = tuple[str | None, str | None, str | None]  # vendor, account, method; None: any


class Installed:
    def __init__(self, rule: FaultRule, rule_id: str, installed_at: float, source: str) -> None:
        self.rule = rule
        self.seq = 0  # its place in install order, set by the FaultSet
        path = rule.match.path
        self._path = None if path is None else re.compile(fnmatch.translate(path)).match
        self.id = rule_id
        self.installed_at = installed_at
        self.source = source  # "scenario" or "runtime"
        self.calls = 0
        self.fired = 0
        self._rng = random.Random(rule.when.seed)

    def saved(self) -> SavedRule:
        rng = None
        if _draws(self.rule):
            version, words, gauss_next = self._rng.getstate()
            rng = RngState(version, struct.pack(f"<{len(words)}I", *words), gauss_next)
        return SavedRule(self.id, self.source, self.rule, self.installed_at, self.calls, self.fired, rng)

    @classmethod
    def restored(cls, saved: SavedRule) -> Installed:
        installed = cls(saved.rule, saved.id, saved.installed_at, saved.source)
        installed.calls, installed.fired = saved.calls, saved.fired
        if saved.rng is not None:
            words = struct.unpack(f"<{len(saved.rng.words) // 4}I", saved.rng.words)
            installed._rng.setstate((saved.rng.version, words, saved.rng.gauss_next))
        return installed

    def index_keys(self) -> list[_Key]:
        match = self.rule.match
        methods: list[str | None] = (
            list(dict.fromkeys(match.method)) if isinstance(match.method, list) else [match.method]
        )
        return [(match.vendor, match.account, method) for method in methods]

    def matches(self, facts: Facts) -> bool:
        """The rest of the match, once the index has picked the rule by vendor, account and method."""
        if self._path is not None and self._path(facts.path) is None:
            return False
        item = self.rule.match.item
        return item is None or item in facts.items

    def describe(self) -> dict[str, object]:
        return {
            "id": self.id,
            "source": self.source,
            "calls": self.calls,
            "fired": self.fired,
            "rule": msgspec.to_builtins(self.rule),
        }

    def action_for(self, now: float) -> Action | None:
        """Count one matching call; the action it gets, if the rule fires on it."""
        self.calls += 1
        n = self.calls
        if self.rule.timeline is not None:
            end = 0
            for step in self.rule.timeline:
                end += step.calls
                if n <= end:
                    return step.action
            return None
        return self.rule.action if _fires(self.rule.when, n, now - self.installed_at, self._rng) else None

    def latency(self, action: Latency) -> float:
        if action.fixed is not None:
            return action.fixed
        if action.uniform is not None:
            return self._rng.uniform(*action.uniform)
        assert action.median is not None
        return action.median * math.exp(action.sigma * self._rng.gauss(0.0, 1.0))


def _draws(rule: FaultRule) -> bool:
    actions = [rule.action] if rule.timeline is None else [step.action for step in rule.timeline]
    random_latency = any(isinstance(a, Latency) and a.fixed is None for a in actions)
    return rule.when.probability is not None or random_latency


def _fires(when: When, n: int, age: float, rng: random.Random) -> bool:
    # Draw first, whatever the other conditions say, so the sequence depends only on the calls matched.
    draw = rng.random() if when.probability is not None else 0.0
    if when.probability is not None and draw >= when.probability:
        return False
    if when.nth is not None and n != when.nth:
        return False
    if when.every is not None and n % when.every:
        return False
    if when.first is not None and n > when.first:
        return False
    if when.after is not None and n <= when.after:
        return False
    window = when.window
    return window is None or (window.start <= age and (window.end is None or age < window.end))


def _literal_start(glob: str | None) -> str:
    """What every path a glob matches starts with: its text up to the first wildcard (fnmatch has no escapes)."""
    if glob is None:
        return ""
    cut = min((i for i in (glob.find("*"), glob.find("?"), glob.find("[")) if i >= 0), default=len(glob))
    return glob[:cut]


class Decision(msgspec.Struct):
    latency: float = 0.0
    action: Action | None = None
    phase: str = "before"
    rule_id: str | None = None
    fail_items: frozenset[str] = frozenset()
    fired: list[str] = msgspec.field(default_factory=list)


class FaultSet:
    def __init__(self) -> None:
        self.rules: list[Installed] = []
        self._next = 1
        self._seq = 0
        # key -> literal start of the path glob -> rules in install order; and the lengths of those starts.
        self._index: dict[_Key, dict[str, list[Installed]]] = {}
        self._lengths: dict[_Key, list[int]] = {}
        self._with_items = 0  # rules that match on an item: only then does a request's body need reading
        # Called after rules or their counters change, so the owner can persist them (see Sandboxes).
        self.on_change: Callable[[], None] | None = None

    def install(self, rule: FaultRule, now: float, source: str = "runtime") -> Installed:
        (installed,) = self.install_all([rule], now, source)
        return installed

    def install_all(self, rules: Iterable[FaultRule], now: float, source: str = "runtime") -> list[Installed]:
        """Install rules in order. A rule without an id gets ``rule-N``, never an id another rule has or one that
        a later rule of the same batch names, so deleting by id removes exactly one rule."""
        batch = list(rules)
        taken = self.ids() | {r.id for r in batch if r.id is not None}
        installed = []
        for rule in batch:
            rule_id = rule.id if rule.id is not None else self._free_id(taken)
            if rule.id is not None:
                self._next += 1  # automatic numbers count every rule installed, as they always have
            taken.add(rule_id)
            installed.append(Installed(rule, rule_id, now, source))
        self._extend(installed)
        self._changed()
        return installed

    def _extend(self, installed: Iterable[Installed]) -> None:
        for rule in installed:
            self._seq += 1
            rule.seq = self._seq
            self.rules.append(rule)
            start = _literal_start(rule.rule.match.path)
            for key in rule.index_keys():
                by_start = self._index.setdefault(key, {})
                if start not in by_start:
                    lengths = self._lengths.setdefault(key, [])
                    if len(start) not in lengths:
                        lengths.append(len(start))
                by_start.setdefault(start, []).append(rule)
            self._with_items += rule.rule.match.item is not None

    def _reindex(self, rules: list[Installed]) -> None:
        self.rules, self._index, self._lengths, self._with_items = [], {}, {}, 0
        self._extend(rules)

    @property
    def wants_items(self) -> bool:
        """Whether some rule matches on an item a request names (its body then has to be read to decide)."""
        return self._with_items > 0

    def _candidates(self, facts: Facts) -> Iterator[Installed]:
        """Every rule whose vendor, account and method fit the request, in install order."""
        path = facts.path
        lists = [
            found
            for vendor in (None, facts.vendor)
            for account in ((None, facts.account) if facts.account is not None else (None,))
            for method in (None, facts.method)
            if (by_start := self._index.get((vendor, account, method)))
            for length in self._lengths[(vendor, account, method)]
            if (found := by_start.get(path[:length])) and length <= len(path)
        ]
        if not lists:
            return iter(())
        if len(lists) == 1:
            return iter(lists[0])
        return heapq.merge(*lists, key=lambda r: r.seq)

    def _free_id(self, taken: set[str]) -> str:
        while (candidate := f"rule-{self._next}") in taken:
            self._next += 1
        self._next += 1
        return candidate

    def ids(self) -> set[str]:
        return {r.id for r in self.rules}

    def remove(self, rule_id: str) -> bool:
        kept = [r for r in self.rules if r.id != rule_id]
        removed = len(kept) != len(self.rules)
        if removed:
            self._reindex(kept)
        if removed:
            self._changed()
        return removed

    def clear(self) -> None:
        self._reindex([])
        self._next = 1
        self._changed()

    def saved(self) -> SavedFaults:
        return SavedFaults([r.saved() for r in self.rules], self._next)

    def restore(self, saved: SavedFaults) -> None:
        self._reindex([Installed.restored(r) for r in saved.rules])
        self._next = saved.next

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change()

    def decide(self, facts: Facts, now: float) -> Decision:
        decision = Decision()
        failing: set[str] = set()
        counted = False
        for installed in self._candidates(facts):
            if not installed.matches(facts):
                continue
            counted = True
            action = installed.action_for(now)
            if action is None:
                continue
            if isinstance(action, Latency):
                decision.latency += installed.latency(action)
            elif isinstance(action, FailItems):
                failing.update(action.items)
            elif decision.action is None:
                decision.action, decision.phase, decision.rule_id = action, installed.rule.phase, installed.id
            else:
                continue  # it would have fired, but an earlier rule already decided this request
            installed.fired += 1
            decision.fired.append(installed.id)
        decision.fail_items = frozenset(failing)
        if counted:
            self._changed()
        return decision
