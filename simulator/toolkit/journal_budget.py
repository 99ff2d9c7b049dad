"""One byte budget for the journals of every sandbox (--journal-bytes): each journal keeps its own newest
--journal-size entries, and past the budget the oldest entries of any sandbox go first. A vendor request is never
refused for it: recording is what gives way.

Entries are listed here in the order they were recorded, across sandboxes, so the oldest is found in constant time.
An entry its own journal dropped meanwhile (its count cap, a reset, a deleted sandbox) stays listed until it reaches
the front or the list is compacted; it no longer counts against the budget.
"""

from __future__ import annotations

from collections import deque
from typing import Protocol

OVERHEAD = 256  # an entry's object and its fixed fields, roughly


class Holder(Protocol):
    def drop_oldest_if(self, entry: object) -> None:
        """Drop ``entry`` if it is still this journal's oldest (then it calls ``released``)."""


class JournalBudget:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0
        self._order: deque[tuple[Holder, object]] = deque()
        self._live: set[int] = set()  # id() of the entries kept; _order holds each, so no id is reused meanwhile

    def recorded(self, holder: Holder, entry: object, size: int) -> None:
        self._order.append((holder, entry))
        self._live.add(id(entry))
        self.used += size
        while self.used > self.limit and self._order:
            oldest, item = self._order.popleft()
            if id(item) in self._live:
                oldest.drop_oldest_if(item)
        if len(self._order) > 2 * len(self._live) + 1024:
            self._order = deque((h, e) for h, e in self._order if id(e) in self._live)

    def released(self, entry: object, size: int) -> None:
        """A journal dropped ``entry`` (its count cap, a reset, a deleted sandbox, or this budget)."""
        self.used -= size
        self._live.discard(id(entry))
