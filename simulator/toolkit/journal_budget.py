"""One byte budget for the journals of every sandbox (--journal-bytes): each journal keeps its own newest
--journal-size entries, and past the budget the oldest entries of any sandbox go first. A vendor request is never
refused for it: recording is what gives way.

Entries are listed here in the order they were recorded, across sandboxes, so the oldest is found in constant time.
An entry its own journal dropped meanwhile (its count cap, a reset, a deleted sandbox) stays listed until it reaches
the front or the list is compacted; it no longer counts against the budget. The budget keeps counts, not a set of
the entries kept: recording is on every vendor request's path, and the journals can say which entries they still
have when the list is compacted.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from typing import Protocol

OVERHEAD = 256  # an entry's object and its fixed fields, roughly


class Holder(Protocol):
    def drop_oldest_if(self, entry: object) -> None:
        """Drop ``entry`` if it is still this journal's oldest (then it calls ``released``)."""

    def recorded(self) -> Sequence[object]:
        """The entries it keeps."""


class JournalBudget:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0
        self.kept = 0  # entries recorded and not yet released
        self._order: deque[tuple[Holder, object]] = deque()

    def recorded(self, holder: Holder, entry: object, size: int) -> None:
        order = self._order
        order.append((holder, entry))
        self.kept += 1
        self.used += size
        # A journal drops entries only from its oldest end (or all at once), and they are listed here in the order
        # recorded: so the front's entry, if its journal still has it, is that journal's oldest.
        while self.used > self.limit and order:
            oldest, item = order.popleft()
            oldest.drop_oldest_if(item)
        if len(order) > 2 * self.kept + 1024:
            self._compact()

    def _compact(self) -> None:
        """Unlist the entries their journals dropped: every so many recordings, so constant time a recording. Ids are
        unique here: the list holds every entry it names."""
        holders = {id(holder): holder for holder, _ in self._order}
        kept = {id(entry) for holder in holders.values() for entry in holder.recorded()}
        self._order = deque(pair for pair in self._order if id(pair[1]) in kept)

    def released(self, entry: object, size: int) -> None:
        """A journal dropped ``entry`` (its count cap, a reset, a deleted sandbox, or this budget)."""
        self.used -= size
        self.kept -= 1
