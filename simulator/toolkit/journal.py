"""The request journal: every vendor request and response of a sandbox, bounded, credentials masked (by the
toolkit, with simulator/masking.py); and verification of what a client sent against expectations."""

from __future__ import annotations

import asyncio
import fnmatch
from collections import deque
from typing import Any

import msgspec

from simulator.toolkit.journal_budget import JournalBudget
from simulator.toolkit.journal_entry import Entry
from simulator.toolkit.recorded import Recorded
from simulator.toolkit.rules import Expectation

# Decoding entries not read before, past this many raw bytes of them, goes to a worker thread: a full journal of
# large bodies (1,000 entries of 2 x 64 KiB) takes about a quarter of a second to decode and mask.
DECODE_ON_LOOP_BYTES = 256 * 1024


class Journal:
    """A sandbox's newest ``size`` entries; with a budget, also within the bytes all journals share."""

    def __init__(self, size: int, budget: JournalBudget | None = None) -> None:
        self._entries: deque[Recorded] = deque()
        self._size = size
        self._budget = budget
        self._next = 1
        self.queued = False  # in the budget's heap (journal_budget.py)

    def new_id(self) -> int:
        self._next += 1
        return self._next - 1

    def add(self, recorded: Recorded) -> None:
        entries = self._entries
        if len(entries) >= self._size:
            if self._size <= 0:
                return
            self._release(entries.popleft())
        entries.append(recorded)
        if self._budget is not None:
            self._budget.recorded(self, recorded, recorded.size)

    def oldest(self) -> Recorded | None:
        return self._entries[0] if self._entries else None

    def drop_oldest(self) -> None:
        self._release(self._entries.popleft())

    def _release(self, recorded: Recorded) -> None:
        if self._budget is not None:
            self._budget.released(recorded, recorded.size)

    def clear(self) -> None:
        while self._entries:
            self._release(self._entries.popleft())

    def __len__(self) -> int:
        return len(self._entries)

    def recorded(self) -> list[Recorded]:
        """The records as kept, oldest first, not decoded (``Recorded.entry()`` decodes one)."""
        return list(self._entries)

    async def entries(self) -> list[Entry]:
        """Oldest first; each decoded and masked on its first reading (recorded.py), off the event loop when that
        is more than a little work."""
        kept = list(self._entries)
        fresh = [r for r in kept if not r.decoded]
        if sum(r.size for r in fresh) > DECODE_ON_LOOP_BYTES:
            await asyncio.to_thread(_decode, fresh)
        return [r.entry() for r in kept]


def _decode(records: list[Recorded]) -> None:
    for record in records:
        record.entry()


def selects(
    e: Entry,
    vendor: str | None = None,
    account: str | None = None,
    method: str | None = None,
    path: str | None = None,
    status: int | None = None,
    body_contains: str | None = None,
    fault: bool | None = None,
) -> bool:
    return (
        (vendor is None or e.vendor == vendor)
        and (account is None or e.account == account)
        and (method is None or e.method == method)
        and (path is None or fnmatch.fnmatchcase(e.path, path))
        and (status is None or e.status == status)
        and (body_contains is None or (e.body is not None and body_contains in e.body))
        and (fault is None or (e.fault is not None) == fault)
    )


def verify(entries: list[Entry], expectations: list[Expectation]) -> tuple[bool, list[dict[str, Any]]]:
    results = []
    all_ok = True
    for i, x in enumerate(expectations):
        found = [
            e for e in entries if selects(e, x.vendor, x.account, x.method, x.path, x.status, x.body_contains, x.fault)
        ]
        n = len(found)
        if x.exactly is not None:
            ok, wanted = n == x.exactly, f"exactly {x.exactly}"
        elif x.at_least is None and x.at_most is None:
            ok, wanted = n >= 1, "at least 1"
        else:
            low, high = x.at_least or 0, x.at_most
            ok = n >= low and (high is None or n <= high)
            wanted = " and ".join(
                w
                for w in (
                    f"at least {x.at_least}" if x.at_least is not None else "",
                    f"at most {x.at_most}" if x.at_most is not None else "",
                )
                if w
            )
        all_ok &= ok
        criteria = msgspec.to_builtins(x)
        for key in ("exactly", "at_least", "at_most"):
            criteria.pop(key, None)
        summary = ", ".join(f"{k}={v!r}" for k, v in criteria.items()) or "any request"
        results.append(
            {
                "index": i,
                "ok": ok,
                "expected": wanted,
                "found": n,
                "explanation": f"expectation {i} ({summary}): expected {wanted} matching request(s), found {n}"
                + (
                    ""
                    if ok
                    else "; matching: "
                    + (", ".join(f"#{e.id} {e.method} {e.path} -> {e.status}" for e in found[:10]) or "none")
                ),
            }
        )
    return all_ok, results
