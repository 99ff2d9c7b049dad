"""Sandboxes at run time: isolated worlds on one server, each built from a scenario.

The store keeps their rows (store/sandboxes.py); this module keeps what lives only in memory (the loaded
scenario, the clock, credential-failure counters) and is the one place that creates, resets and deletes them.
"""

from __future__ import annotations

import re
import secrets
import sqlite3
from functools import partial

import msgspec

from simulator.auth import FailureTracker
from simulator.clock import Clock
from simulator.scenarios.loaded import LoadedScenario
from simulator.store import sandboxes as rows
from simulator.store.connection import Store
from simulator.store.layered import World
from simulator.toolkit.faults import FaultSet
from simulator.toolkit.journal import Journal
from simulator.toolkit.ratelimit import Buckets

DEFAULT = "default"
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class UnknownSandbox(Exception):
    def __init__(self, name: str) -> None:
        super().__init__(f"no sandbox named {name!r}")
        self.name = name


class SandboxConflict(Exception):
    pass


class InvalidSandboxName(ValueError):
    pass


class Sandbox(msgspec.Struct):
    name: str
    scenario: LoadedScenario
    created_at: str
    journal: Journal
    clock: Clock = msgspec.field(default_factory=Clock)
    auth_failures: FailureTracker = msgspec.field(default_factory=FailureTracker)
    faults: FaultSet = msgspec.field(default_factory=FaultSet)
    buckets: Buckets = msgspec.field(default_factory=Buckets)

    def __post_init__(self) -> None:
        self._install_scenario_faults()

    @property
    def world(self) -> World:
        return World(self.name, self.scenario.id)

    def forget_runtime_state(self) -> None:
        """Back to how the scenario starts: real time, no failures counted, the scenario's own fault rules only."""
        self.auth_failures.clear()
        self.clock.reset()
        self.journal.clear()
        self.buckets.clear()
        self.faults.clear()
        self._install_scenario_faults()

    def _install_scenario_faults(self) -> None:
        for rule in self.scenario.spec.faults:
            self.faults.install(rule, self.clock.now(), source="scenario")


class Sandboxes:
    def __init__(self, store: Store, scenario: LoadedScenario, journal_size: int = 1000) -> None:
        self.store = store
        self.scenario = scenario  # the server's loaded scenario: new sandboxes use it unless given another
        self.journal_size = journal_size
        self._by_name: dict[str, Sandbox] = {}

    @classmethod
    async def start(cls, store: Store, scenario: LoadedScenario, journal_size: int = 1000) -> Sandboxes:
        """Seed the scenario (unless the --db file already holds it), then load every stored sandbox."""
        manager = cls(store, scenario, journal_size)
        await store.run_in_thread(partial(_prepare_default, scenario))
        stored = await store.run(rows.stored_scenarios)
        scenarios = {scenario.id: scenario}
        for sid, source, doc in stored:
            if sid not in scenarios:
                scenarios[sid] = LoadedScenario.from_json(doc, source)
        for row in await store.run(rows.list_sandboxes):
            manager._by_name[row.name] = manager._sandbox(row.name, scenarios[row.scenario], row.created_at)
        return manager

    def _sandbox(self, name: str, scenario: LoadedScenario, created_at: str) -> Sandbox:
        return Sandbox(name, scenario, created_at, Journal(self.journal_size))

    def get(self, name: str) -> Sandbox:
        try:
            return self._by_name[name]
        except KeyError:
            raise UnknownSandbox(name) from None

    def all(self) -> list[Sandbox]:
        return list(self._by_name.values())

    async def create(self, name: str | None = None, scenario: LoadedScenario | None = None) -> Sandbox:
        name = name or f"sb-{secrets.token_hex(6)}"
        if not NAME.match(name):
            raise InvalidSandboxName(f"sandbox name {name!r} must match {NAME.pattern}")
        if name in self._by_name:
            raise SandboxConflict(f"a sandbox named {name!r} already exists")
        scenario = scenario or self.scenario

        def work(conn: sqlite3.Connection) -> rows.SandboxRow:
            rows.ensure_scenario(conn, scenario)
            return rows.create(conn, name, scenario.id)

        try:
            row = await self.store.run_in_thread(work)
        except rows.SandboxExists:
            raise SandboxConflict(f"a sandbox named {name!r} already exists") from None
        sandbox = self._sandbox(name, scenario, row.created_at)
        self._by_name[name] = sandbox
        return sandbox

    async def reset(self, name: str) -> Sandbox:
        sandbox = self.get(name)
        await self.store.run(partial(rows.reset, name=name))
        sandbox.forget_runtime_state()
        return sandbox

    async def delete(self, name: str) -> None:
        if name == DEFAULT:
            raise SandboxConflict("the default sandbox cannot be deleted; reset it instead")
        self.get(name)
        await self.store.run_in_thread(partial(rows.delete, name=name, keep=frozenset({self.scenario.id})))
        del self._by_name[name]


def _prepare_default(scenario: LoadedScenario, conn: sqlite3.Connection) -> None:
    rows.ensure_scenario(conn, scenario)
    existing = conn.execute("SELECT scenario FROM sandboxes WHERE name = ?", (DEFAULT,)).fetchone()
    if existing is None:
        rows.create(conn, DEFAULT, scenario.id)
    elif existing[0] != scenario.id:
        # The server was started on a different scenario than the --db file's default sandbox was built on:
        # the default sandbox follows the server's scenario (its old changes would not fit the new catalog).
        rows.rebase(conn, DEFAULT, scenario.id)
