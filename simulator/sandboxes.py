"""Sandboxes at run time: isolated worlds on one server, each built from a scenario.

The store keeps their rows (store/sandboxes.py); this module keeps what lives in memory (the loaded scenario, the
clock, fault rules, credential-failure counters) and is the one place that creates, resets and deletes them.

Each creation is a new *incarnation* (store/sandboxes.py): a request holds the ``Sandbox`` it resolved, and its
units of work are checked against that incarnation, so a sandbox deleted and created again under the same name
never receives a write meant for the one before. With --db, a sandbox's clock and fault rules (with their
counters) are saved in its row as they change, before the answer to the request that changed them starts
(``saving_send``), and come back on restart.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
import sqlite3
from functools import partial

import msgspec
from starlette.types import Message, Send

from simulator.auth import FailureTracker
from simulator.clock import Clock, ClockState
from simulator.scenarios.loaded import LoadedScenario
from simulator.store import sandboxes as rows
from simulator.store.connection import Store, T, Work
from simulator.store.layered import World
from simulator.store.part import Schema
from simulator.toolkit.faults import FaultSet, SavedFaults
from simulator.toolkit.journal import Journal
from simulator.toolkit.journal_budget import JournalBudget
from simulator.toolkit.ratelimit import Buckets

log = logging.getLogger(__name__)

DEFAULT = "default"
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")  # matched whole (fullmatch): "$" would let a "\n" through


class UnknownSandbox(Exception):
    def __init__(self, name: str) -> None:
        super().__init__(f"no sandbox named {name!r}")
        self.name = name


class SandboxConflict(Exception):
    pass


class InvalidSandboxName(ValueError):
    pass


class TooManySandboxes(Exception):
    """--max-sandboxes exist already."""


class TooManyFaultRules(Exception):
    """A sandbox would hold more than --max-fault-rules."""


def fault_rule_room(sandbox: Sandbox, adding: int, limit: int) -> None:
    """Refuse ``adding`` more rules when the sandbox would pass ``limit`` (TooManyFaultRules, naming it)."""
    held = len(sandbox.faults.rules)
    if held + adding > limit:
        raise TooManyFaultRules(
            f"sandbox {sandbox.name!r} holds {held} fault rule(s); {adding} more would pass the limit of {limit} "
            "(--max-fault-rules, STOCKSIM_MAX_FAULT_RULES)"
        )


class _Runtime(msgspec.Struct, frozen=True):
    """What of a sandbox's in-memory state is saved in its row: the clock, and the fault rules with counters."""

    clock: ClockState
    faults: SavedFaults


_encode_runtime = msgspec.json.Encoder().encode
_decode_runtime = msgspec.json.Decoder(_Runtime).decode


class Sandbox(msgspec.Struct):
    name: str
    scenario: LoadedScenario
    created_at: str
    journal: Journal
    incarnation: str
    clock: Clock = msgspec.field(default_factory=Clock)
    auth_failures: FailureTracker = msgspec.field(default_factory=FailureTracker)
    faults: FaultSet = msgspec.field(default_factory=FaultSet)
    buckets: Buckets = msgspec.field(default_factory=Buckets)

    @property
    def world(self) -> World:
        return World(self.incarnation, self.scenario.id)

    def forget_runtime_state(self) -> None:
        """Back to how the scenario starts: real time, no failures counted, the scenario's own fault rules only."""
        self.auth_failures.clear()
        self.clock.reset()
        self.journal.clear()
        self.buckets.clear()
        self.faults.clear()
        self.install_scenario_faults()

    def install_scenario_faults(self) -> None:
        self.faults.install_all(self.scenario.spec.faults, self.clock.now(), source="scenario")

    def saved_runtime(self) -> bytes:
        return _encode_runtime(_Runtime(self.clock.state(), self.faults.saved()))

    def restore_runtime(self, saved: bytes) -> None:
        runtime = _decode_runtime(saved)
        self.clock.restore(runtime.clock)
        self.faults.restore(runtime.faults)


class Limits(msgspec.Struct, frozen=True):
    """The settings that bound what all sandboxes together may hold (simulator/config.py documents each)."""

    max_sandboxes: int = 1000
    max_fault_rules: int = 10_000
    journal_bytes: int = 256 * 1024 * 1024


class Sandboxes:
    def __init__(
        self,
        store: Store,
        scenario: LoadedScenario,
        schema: Schema,
        journal_size: int = 1000,
        limits: Limits | None = None,
    ) -> None:
        self.store = store
        self.schema = schema  # every vendor's tables: what a reset wipes and a new scenario seeds
        self.scenario = scenario  # the server's loaded scenario: new sandboxes use it unless given another
        self.journal_size = journal_size
        self.limits = limits or Limits()
        self.journal_budget = JournalBudget(self.limits.journal_bytes)
        self._creating = 0  # creations past the check and not yet added: they count against max_sandboxes
        self._by_name: dict[str, Sandbox] = {}
        self._by_incarnation: dict[str, Sandbox] = {}
        self._unsaved: dict[str, Sandbox] = {}  # by incarnation: clock or faults changed since the last save
        self._saver: asyncio.Task[None] | None = None
        self._changes = 0  # changes made so far (with --db), and how many of them a save has covered
        self._saved = 0
        self._batch_saved = asyncio.Event()  # replaced after each batch the saver writes, once set

    @classmethod
    async def start(
        cls,
        store: Store,
        scenario: LoadedScenario,
        schema: Schema,
        journal_size: int = 1000,
        reset_on_scenario_change: bool = False,
        limits: Limits | None = None,
    ) -> Sandboxes:
        """Seed the scenario (unless the --db file already holds it), then load every stored sandbox, each on the
        scenario it was built from, with its clock and fault rules."""
        manager = cls(store, scenario, schema, journal_size, limits)
        other = await store.run_in_thread(partial(_prepare, scenario, schema, reset_on_scenario_change))
        stored = await store.run(rows.stored_scenarios)
        scenarios = {scenario.id: scenario}
        for sid, source, doc in stored:
            if sid not in scenarios:
                scenarios[sid] = LoadedScenario.from_json(doc, source, scenario.spec.parts)
        for row in await store.run(rows.list_sandboxes):
            manager._add(manager._sandbox(row, scenarios[row.scenario]))
        if other is not None:
            _log_scenario_change(store.path, other, scenario, reset_on_scenario_change)
        return manager

    def _sandbox(self, row: rows.SandboxRow, scenario: LoadedScenario) -> Sandbox:
        sandbox = Sandbox(
            row.name,
            scenario,
            row.created_at,
            Journal(self.journal_size, self.journal_budget),
            row.incarnation,
        )
        if row.runtime is None:
            sandbox.install_scenario_faults()
        else:
            sandbox.restore_runtime(row.runtime)
        # Hooks go on last: building the sandbox is not a change to save.
        sandbox.clock.on_change = sandbox.faults.on_change = partial(self._changed, sandbox)
        return sandbox

    def _add(self, sandbox: Sandbox) -> None:
        self._by_name[sandbox.name] = sandbox
        self._by_incarnation[sandbox.incarnation] = sandbox

    def get(self, name: str) -> Sandbox:
        try:
            return self._by_name[name]
        except KeyError:
            raise UnknownSandbox(name) from None

    def by_incarnation(self, incarnation: str) -> Sandbox | None:
        return self._by_incarnation.get(incarnation)

    def guarded(self, sandbox: Sandbox, work: Work[T]) -> Work[T]:
        """``work``, run only if ``sandbox`` is still registered when it runs, else ``SandboxGone``: the check
        store/sandboxes.py's ``guarded`` makes with a query, made against the registry instead (one statement less
        on every vendor request). The two agree: units never run at once (store/connection.py), a delete leaves the
        registry before its rows go, and a create joins it after its row is written; so a unit that runs here never
        reads or writes for a sandbox whose row is gone, nor for a later one of the same name."""
        registered = self._by_incarnation

        def unit(conn: sqlite3.Connection) -> T:
            if registered.get(sandbox.incarnation) is not sandbox:
                raise rows.SandboxGone(sandbox.incarnation)
            return work(conn)

        return unit

    def all(self) -> list[Sandbox]:
        return list(self._by_name.values())

    async def create(self, name: str | None = None, scenario: LoadedScenario | None = None) -> Sandbox:
        name = name or f"sb-{secrets.token_hex(6)}"
        if not NAME.fullmatch(name):
            raise InvalidSandboxName(f"sandbox name {name!r} must match {NAME.pattern}")
        if name in self._by_name:
            raise SandboxConflict(f"a sandbox named {name!r} already exists")
        scenario = scenario or self.scenario
        held = len(self._by_name) + self._creating
        if held >= self.limits.max_sandboxes:
            raise TooManySandboxes(
                f"{held} sandboxes exist, the limit (--max-sandboxes, STOCKSIM_MAX_SANDBOXES) is "
                f"{self.limits.max_sandboxes}: delete one first"
            )
        if len(scenario.spec.faults) > self.limits.max_fault_rules:
            raise TooManyFaultRules(
                f"the scenario has {len(scenario.spec.faults)} fault rules, more than the limit of "
                f"{self.limits.max_fault_rules} per sandbox (--max-fault-rules, STOCKSIM_MAX_FAULT_RULES)"
            )

        def work(conn: sqlite3.Connection) -> rows.SandboxRow:
            rows.ensure_scenario(conn, scenario, self.schema)
            return rows.create(conn, name, scenario.id)

        self._creating += 1
        try:
            row = await self.store.run_in_thread(work)
            sandbox = self._sandbox(row, scenario)
            self._add(sandbox)
        except rows.SandboxExists:
            raise SandboxConflict(f"a sandbox named {name!r} already exists") from None
        finally:
            self._creating -= 1
        return sandbox

    async def reset(self, name: str) -> Sandbox:
        """Wipe the sandbox's changes in one transaction: a write that committed before is gone, one that commits
        after lands in the fresh sandbox; none is split. Unknown, or deleted meanwhile: UnknownSandbox."""
        sandbox = self.get(name)
        try:
            await self.store.run(partial(rows.reset, incarnation=sandbox.incarnation, schema=self.schema))
        except rows.SandboxGone:
            raise UnknownSandbox(name) from None
        sandbox.forget_runtime_state()
        return sandbox

    async def delete(self, name: str) -> None:
        """Idempotent under concurrency: the sandbox leaves the registry before the first await, so of two deletes
        at once the second finds nothing (UnknownSandbox), and no new request can resolve it meanwhile."""
        if name == DEFAULT:
            raise SandboxConflict("the default sandbox cannot be deleted; reset it instead")
        sandbox = self._by_name.pop(name, None)
        if sandbox is None:
            raise UnknownSandbox(name)
        del self._by_incarnation[sandbox.incarnation]
        self._unsaved.pop(sandbox.incarnation, None)
        sandbox.journal.clear()  # its bytes go back to the budget all journals share
        keep = frozenset({self.scenario.id})
        try:
            await self.store.run_in_thread(
                partial(rows.delete, incarnation=sandbox.incarnation, keep=keep, schema=self.schema)
            )
        except Exception:
            # Rolled back: the sandbox is still there (and its row kept any create of the same name out meanwhile).
            self._add(sandbox)
            raise

    async def flush(self) -> None:
        """Wait until every clock and fault-rule change made so far is saved (a no-op without --db). Changes made
        meanwhile are not waited for, so a steady stream of them cannot hold a caller."""
        wanted = self._changes
        while self._saved < wanted and (self._saver is not None or self._unsaved):
            if self._saver is None:
                self._saver = asyncio.get_running_loop().create_task(self._save())
            await self._batch_saved.wait()

    def saving_send(self, send: Send) -> Send:
        """``send``, holding a response's start until every clock and fault-rule change made so far is saved: an
        answer acknowledges a change, and a SIGKILL right after it must not lose it (it is only ever waited for when
        something is unsaved, so only with --db)."""
        if self.store.path is None:
            return send  # in memory, nothing is ever saved: no wrapper on every message of every answer

        async def saving(message: Message) -> None:
            if message["type"] == "http.response.start" and self._saved < self._changes:
                await self.flush()
            await send(message)

        return saving

    async def close(self) -> None:
        """On shutdown, before the store closes."""
        await self.flush()

    def _changed(self, sandbox: Sandbox) -> None:
        # Called synchronously from the clock and fault set; saving needs the store, so a task does it, soon
        # (within the event loop's next turn): it saves every sandbox that changed meanwhile in one transaction,
        # with their latest state. In memory there is no restart to save for.
        if self.store.path is None or sandbox.incarnation not in self._by_incarnation:
            return
        self._changes += 1
        self._unsaved[sandbox.incarnation] = sandbox
        if self._saver is None:
            self._saver = asyncio.get_running_loop().create_task(self._save())

    async def _save(self) -> None:
        try:
            while self._unsaved:
                covered = self._changes
                states = [(i, s.saved_runtime()) for i, s in self._unsaved.items()]
                self._unsaved.clear()
                await self.store.run(partial(rows.save_runtime, states=states))
                self._saved = covered
                self._wake_flushers()
        except Exception:
            log.exception("saving sandboxes' clocks and fault rules failed")
        finally:
            self._saver = None
            self._wake_flushers()

    def _wake_flushers(self) -> None:
        self._batch_saved.set()
        self._batch_saved = asyncio.Event()


def _prepare(
    scenario: LoadedScenario, schema: Schema, reset_on_scenario_change: bool, conn: sqlite3.Connection
) -> tuple[str, str] | None:
    """Make sure the default sandbox exists. When it was built on another scenario than the server's, it keeps
    that scenario and its changes, unless ``reset_on_scenario_change`` rebuilds it on the server's; either way
    this returns the other scenario's (id, name), for the log."""
    rows.migrate(conn)
    rows.ensure_scenario(conn, scenario, schema)
    existing = rows.find(conn, DEFAULT)
    if existing is None:
        rows.create(conn, DEFAULT, scenario.id)
        return None
    other = None
    if existing.scenario != scenario.id:
        other = (existing.scenario, rows.scenario_name(conn, existing.scenario))
        if reset_on_scenario_change:
            rows.rebase(conn, existing.incarnation, scenario.id, schema)
    # Scenarios left behind by earlier restarts on other scenarios, which no sandbox uses any more.
    rows.drop_unused_scenarios(conn, frozenset({scenario.id}), schema)
    return other


def _log_scenario_change(db: str | None, old: tuple[str, str], new: LoadedScenario, rebuilt: bool) -> None:
    was, now = f"{old[1]!r} ({old[0]})", f"{new.spec.name!r} ({new.id})"
    if rebuilt:
        log.warning(
            "%s: the default sandbox was built on scenario %s; --reset-on-scenario-change rebuilt it on the loaded "
            "scenario %s and discarded its changes",
            db,
            was,
            now,
        )
    else:
        log.warning(
            "%s: the default sandbox keeps scenario %s and its changes; the loaded scenario %s is used for new "
            "sandboxes (start with --reset-on-scenario-change to rebuild the default sandbox on it)",
            db,
            was,
            now,
        )
