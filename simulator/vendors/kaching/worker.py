"""Ka-ching's asynchronous side: the import queue that applies accepted imports once they are due, and the
export queues that POST each stock event to a webhook, retrying with exponential backoff.

One ``Runtime`` per app (``app.state.kaching``), started by the app's lifespan. Time is read only from each
sandbox's clock, and waits are short polls of it, so a virtual clock can drive the queue later.

Queued imports, events and deliveries belong to one incarnation of a sandbox (store/sandboxes.py): imports of an
incarnation that is gone are dropped, never applied, and a sandbox created again under the same name starts empty.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import itertools
import logging
import operator
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette

from simulator import __version__
from simulator.domain.kaching import StockEvent
from simulator.sandboxes import Sandbox, Sandboxes
from simulator.scenarios.kaching import ExportQueue, accounts
from simulator.store import kaching_queue as queue
from simulator.store.connection import Store
from simulator.store.kaching_queue import Now
from simulator.store.sandboxes import SandboxGone, guarded
from simulator.vendors.kaching.events import webhook_body

log = logging.getLogger(__name__)
if TYPE_CHECKING:
    import httpx

POLL_SECONDS = 0.02
Outbox = collections.deque[StockEvent]


def now_of(sandbox: Sandbox) -> Now:
    t = sandbox.clock.now()
    return Now(t, datetime.fromtimestamp(t, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"))


class Runtime:
    def __init__(
        self,
        store: Store,
        sandboxes: Sandboxes,
        keep_log: int = queue.DEFAULT_KEEP_LOG,
        keep_events: int = queue.DEFAULT_KEEP_EVENTS,
    ) -> None:
        self.store = store
        self.keep_log = keep_log
        self.keep_events = keep_events
        self.sandboxes = sandboxes
        self._client: asyncio.Future[httpx.AsyncClient] | None = None  # made on the first webhook
        self._wake = asyncio.Event()
        self._outboxes: dict[tuple[str, str, str], Outbox] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def wake(self) -> None:
        """An import was queued with a delay: look again at what is due."""
        self._wake.set()

    def dispatch(self, sandbox: Sandbox, events: list[StockEvent]) -> None:
        """Hand stock events to the account's export queues; each queue delivers its events in order.

        Each run of one account's events (one import's, at least) goes over whole, in list and deque operations
        that run in C: 100,000 events take a few milliseconds of the event loop, where a put per event took 200."""
        for account_id, run in itertools.groupby(events, key=operator.attrgetter("account")):
            account = accounts(sandbox.scenario).get(account_id)
            if account is None or not account.export_queues:
                continue
            batch = list(run)
            for export in account.export_queues:
                key = (sandbox.incarnation, account.id, export.id)
                outbox = self._outboxes.get(key)
                if outbox is None:
                    outbox = self._outboxes[key] = collections.deque()
                    self._spawn(self._deliver_all(key, export, outbox))
                outbox.extend(batch)

    async def run(self) -> None:
        while True:
            self._wake.clear()
            pending: list[tuple[str, float]] = []
            try:
                pending = await self.store.run(queue.pending_sandboxes)
                for incarnation, due in pending:
                    await self._apply(incarnation, due)
            except Exception:  # the queue must outlive one bad pass; the next pass retries
                log.exception("ka-ching import queue pass failed")
            if not pending:
                await self._wake.wait()
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), POLL_SECONDS)

    async def _apply(self, incarnation: str, due: float) -> None:
        sandbox = self.sandboxes.by_incarnation(incarnation)
        if sandbox is None:
            # Its sandbox was deleted (deleting removes its imports too; these are left from an older --db file).
            await self.store.run(partial(queue.drop_pending, sandbox=incarnation))
            return
        now = now_of(sandbox)
        if due > now.time:
            return
        apply = partial(
            queue.apply_due,
            world=sandbox.world,
            scenario=sandbox.scenario,
            now=now,
            keep_log=self.keep_log,
            keep_events=self.keep_events,
        )
        try:
            # On the store's thread: a large delayed import takes longer than the event loop may be held.
            events = await self.store.run_in_thread(guarded(incarnation, apply))
        except SandboxGone:
            return  # deleted while this pass waited for the store
        self.dispatch(sandbox, events)

    def _spawn(self, work: Any) -> None:
        task: asyncio.Task[None] = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver_all(self, key: tuple[str, str, str], export: ExportQueue, outbox: Outbox) -> None:
        # One task per export queue delivers its events in order, and ends once the outbox is empty (no await
        # between the check and the removal, so dispatch cannot slip an event in between).
        while outbox:
            event = outbox.popleft()
            try:
                await self._deliver(key[0], export, event)
            except Exception:
                log.exception("ka-ching webhook delivery failed")
        del self._outboxes[key]

    async def _deliver(self, incarnation: str, export: ExportQueue, event: StockEvent) -> None:
        for attempt in range(1, export.retry.attempts + 1):
            sandbox = self.sandboxes.by_incarnation(incarnation)
            if sandbox is None or not await self.store.run(
                partial(queue.deliverable, sandbox=incarnation, event_id=event.id)
            ):
                return  # the sandbox was reset or deleted since: its events are gone
            status, error = await self._post(export, event)
            await self.store.run(
                partial(
                    queue.record_delivery,
                    sandbox=incarnation,
                    account=event.account,
                    export_queue=export.id,
                    event_id=event.id,
                    attempt=attempt,
                    url=export.webhook_url,
                    status_code=status,
                    error=error,
                    at=now_of(sandbox).iso,
                )
            )
            if status is not None and 200 <= status < 300:
                return
            if attempt < export.retry.attempts:
                await _sleep(sandbox, export.retry.backoff_seconds * 2 ** (attempt - 1))

    async def _post(self, export: ExportQueue, event: StockEvent) -> tuple[int | None, str | None]:
        if self._client is None:
            # Made once, on a worker thread: importing httpx and building its TLS context take from 100 ms to over
            # a second, which the event loop cannot give.
            self._client = asyncio.ensure_future(asyncio.to_thread(_new_client))
        client = await asyncio.shield(self._client)
        import httpx  # imported by now

        try:
            response = await client.post(
                export.webhook_url,
                content=webhook_body(event),
                # The queue's own headers may replace the User-Agent, not the body's type or the queue's name.
                headers={
                    "User-Agent": f"stock-api-simulator/{__version__}",
                    **export.headers,
                    "X-Export-Queue": export.id,
                    "Content-Type": "application/json",
                },
                timeout=export.timeout_seconds,
            )
        except httpx.HTTPError as exc:
            return None, f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        return response.status_code, None if response.is_success else f"HTTP {response.status_code}"

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._client is not None:
            with contextlib.suppress(Exception):  # a client that could not be made has nothing to close
                await (await self._client).aclose()


def _new_client() -> httpx.AsyncClient:
    import anyio
    import httpx

    # anyio loads its asyncio backend on first use, which httpcore's first connection would otherwise do on the loop.
    anyio.run(anyio.sleep, 0)
    # trust_env=False: webhook receivers are the integrator's own (often local) servers, not behind proxies.
    return httpx.AsyncClient(trust_env=False)


async def _sleep(sandbox: Sandbox, seconds: float) -> None:
    deadline = sandbox.clock.now() + seconds
    while (left := deadline - sandbox.clock.now()) > 0:
        await asyncio.sleep(min(left, 0.05))


@contextlib.asynccontextmanager
async def background(app: Starlette) -> AsyncIterator[None]:
    settings = app.state.settings
    runtime = Runtime(app.state.store, app.state.sandboxes, settings.kaching_log_entries, settings.kaching_events)
    app.state.kaching = runtime
    main = asyncio.get_running_loop().create_task(runtime.run())
    try:
        yield
    finally:
        main.cancel()
        await asyncio.gather(main, return_exceptions=True)
        await runtime.close()
