"""One byte budget for the journals of every sandbox (--journal-bytes): each journal keeps its own newest
--journal-size entries, and past the budget the oldest entries of any sandbox go first. A vendor request is never
refused for it: recording is what gives way.

Each entry recorded gets the next number of one sequence across all journals. A journal drops entries only from its
oldest end (its count cap, the budget) or all at once (a reset, a deleted sandbox), so the oldest entry of all is the
oldest of some journal: the budget keeps a heap of journals by the number of their oldest entry. A journal's number
there is updated only when the heap reaches it (it only ever grows: what a journal drops is older than what it
keeps, and what it adds is newer), so recording costs a counter and, for a journal that had no entries, one push;
dropping the oldest entry of all costs a few heap steps. Nothing is proportional to the entries kept, however many
(with the defaults, up to a million across a thousand sandboxes).
"""

from __future__ import annotations

import heapq
from typing import Protocol

OVERHEAD = 256  # an entry's object and its fixed fields, roughly


class Stamped(Protocol):
    seq: int  # its place in the order of recording, across all journals


class Holder(Protocol):
    queued: bool  # whether it is in the budget's heap (the budget's to set)

    def oldest(self) -> Stamped | None:
        """Its oldest entry, if it has any."""

    def drop_oldest(self) -> None:
        """Drop its oldest entry (then it calls ``released``)."""


class JournalBudget:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0
        self.kept = 0  # entries recorded and not yet released
        self._recorded = 0
        # (the number of a journal's oldest entry, or a smaller one, the journal): journals with entries, and some
        # emptied since (found and left out as the heap reaches them, or when it is pruned).
        self._heap: list[tuple[int, Holder]] = []
        self._pruned_at = 0

    def recorded(self, holder: Holder, entry: Stamped, size: int) -> None:
        self._recorded += 1
        entry.seq = self._recorded
        self.kept += 1
        self.used += size
        if not holder.queued:
            self._queue(holder)
        if self.used > self.limit:
            self._make_room()

    def released(self, entry: Stamped, size: int) -> None:
        """A journal dropped ``entry`` (its count cap, a reset, a deleted sandbox, or this budget)."""
        self.used -= size
        self.kept -= 1

    def _queue(self, holder: Holder) -> None:
        oldest = holder.oldest()
        if oldest is None:
            return
        holder.queued = True
        heapq.heappush(self._heap, (oldest.seq, holder))
        # Journals emptied for good (deleted sandboxes) would stay in the heap until it reached them, which it never
        # does while the budget is not exceeded: past twice its size at the last pruning, it is pruned.
        if len(self._heap) > 2 * self._pruned_at + 64:
            self._prune()

    def _make_room(self) -> None:
        heap = self._heap
        while self.used > self.limit and heap:
            seq, holder = heap[0]
            oldest = holder.oldest()
            if oldest is None:
                heapq.heappop(heap)
                holder.queued = False
            elif oldest.seq != seq:
                heapq.heapreplace(heap, (oldest.seq, holder))  # its number was out of date: put it in its place
            else:
                holder.drop_oldest()
                following = holder.oldest()
                if following is None:
                    heapq.heappop(heap)
                    holder.queued = False
                else:
                    heapq.heapreplace(heap, (following.seq, holder))

    def _prune(self) -> None:
        kept: list[tuple[int, Holder]] = []
        for _, holder in self._heap:
            oldest = holder.oldest()
            if oldest is None:
                holder.queued = False
            else:
                kept.append((oldest.seq, holder))
        heapq.heapify(kept)
        self._heap = kept
        self._pruned_at = len(kept)
