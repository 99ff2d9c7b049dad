"""What the journal keeps of an exchange (simulator/toolkit/recorded.py): raw bytes until read, then decoded and
masked once; bodies cut at JOURNAL_BODY_BYTES, and the cut said."""

from __future__ import annotations

import random
import threading
from typing import Any

import pytest

import simulator.toolkit.journal as journal_module
from simulator.masking import MASK, Carriers
from simulator.toolkit.journal import DECODE_ON_LOOP_BYTES, Journal
from simulator.toolkit.journal_budget import OVERHEAD, JournalBudget
from simulator.toolkit.recorded import JOURNAL_BODY_BYTES, Recorded

CARRIERS = Carriers(frozenset({"authorization", "api-authorization"}), frozenset({"apikey"}))


def recorded(**changes: Any) -> Recorded:
    fields: dict[str, Any] = {
        "id": 1,
        "at": 1_800_000_000.0,
        "vendor": "centra",
        "account": "demo",
        "method": "POST",
        "path": "/stock",
        "query_string": b"apikey=s3cret&x=%C3%A9",
        "headers": [(b"API-Authorization", b"token-1"), (b"Authorization", b"Basic dXNlcjpwYXNz"), (b"x-a", b"1")],
        "body": b'{"products": []}',
        "body_size": 16,
        "client": "127.0.0.1",
        "status": 200,
        "response_headers": [(b"content-type", b"application/json")],
        "response_body": b'{"status": "ok"}',
        "latency_ms": 1.5,
        "outcome": "response",
        "fault": None,
        "faults_fired": [],
        "carriers": CARRIERS,
    }
    return Recorded(**(fields | changes))


def test_an_entry_is_decoded_and_masked_when_read() -> None:
    entry = recorded().entry()
    assert entry.headers == {"api-authorization": MASK, "authorization": f"Basic {MASK}", "x-a": "1"}
    assert entry.query == {"apikey": MASK, "x": "é"}
    assert (entry.body, entry.body_truncated) == ('{"products": []}', False)
    assert (entry.response_body, entry.response_truncated) == ('{"status": "ok"}', False)
    assert entry.response_headers == {"content-type": "application/json"}


def test_an_entry_is_made_once() -> None:
    kept = recorded()
    assert kept.entry() is kept.entry()


def test_a_request_without_a_body_has_none() -> None:
    assert recorded(body=b"", body_size=0).entry().body is None


def test_long_bodies_are_cut_and_say_so() -> None:
    # The toolkit keeps the first JOURNAL_BODY_BYTES and one byte more of each body (exchange._kept); the request's
    # whole size comes beside it.
    big = b"x" * (JOURNAL_BODY_BYTES + 1)
    entry = recorded(body=big, body_size=5 * JOURNAL_BODY_BYTES, response_body=big).entry()
    assert len(entry.body or "") == JOURNAL_BODY_BYTES and entry.body_truncated
    assert len(entry.response_body or "") == JOURNAL_BODY_BYTES and entry.response_truncated


def test_the_size_the_budget_counts_is_the_raw_size_kept() -> None:
    # A body is kept cut (exchange._kept): its first JOURNAL_BODY_BYTES and the one byte that says it was cut.
    big = b"x" * (JOURNAL_BODY_BYTES + 1)
    small = recorded(query_string=b"", headers=[], body=b"", body_size=0, response_body=b"")
    assert small.size == OVERHEAD + len("/stock")
    cut = recorded(query_string=b"", headers=[], body=big, body_size=5 * len(big), response_body=big)
    assert cut.size == small.size + 2 * (JOURNAL_BODY_BYTES + 1)
    assert recorded(headers=[(b"x-a", b"12")]).size == recorded(headers=[]).size + len("x-a12")


def test_the_budget_drops_the_oldest_records_across_journals() -> None:
    one = recorded().size
    budget = JournalBudget(limit=3 * one)
    first, second = Journal(100, budget), Journal(100, budget)
    for i in range(3):
        first.add(recorded(id=i))
    second.add(recorded(id=10))
    assert [r.id for r in first.recorded()] == [1, 2] and [r.id for r in second.recorded()] == [10]
    assert len(first) == 2
    assert budget.used == 3 * one


@pytest.mark.anyio
async def test_a_journal_of_large_bodies_is_decoded_off_the_event_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    threads: list[threading.Thread] = []
    decode = journal_module._decode

    def watched(records: list[Recorded]) -> None:
        threads.append(threading.current_thread())
        decode(records)

    monkeypatch.setattr(journal_module, "_decode", watched)
    big = b"x" * (JOURNAL_BODY_BYTES + 1)
    journal = Journal(100)
    count = DECODE_ON_LOOP_BYTES // JOURNAL_BODY_BYTES + 1
    for i in range(count):
        journal.add(recorded(id=i, body=big, body_size=len(big)))
    entries = await journal.entries()
    assert [e.id for e in entries] == list(range(count)) and all(e.body_truncated for e in entries)
    assert threads and threads[0] is not threading.main_thread()
    # Read again, nothing is left to decode: no thread.
    assert [e.id for e in await journal.entries()] == list(range(count)) and len(threads) == 1


@pytest.mark.anyio
async def test_a_few_small_entries_are_decoded_in_place(monkeypatch: pytest.MonkeyPatch) -> None:
    called: list[int] = []
    monkeypatch.setattr(journal_module, "_decode", lambda records: called.append(len(records)))
    journal = Journal(100)
    journal.add(recorded())
    assert [e.id for e in await journal.entries()] == [1] and called == []


def test_the_budget_keeps_what_a_plain_model_keeps() -> None:
    """Journals with count caps, resets and a shared byte budget, in a seeded random run, against a model that
    keeps every entry in one list and drops the oldest of all while the bytes are over."""
    rng = random.Random(14)
    one = recorded().size
    budget = JournalBudget(limit=40 * one)
    journals = [Journal(rng.choice([3, 10, 100]), budget) for _ in range(6)]
    model: list[tuple[int, Any]] = []  # (journal index, entry), oldest first
    for i in range(3_000):
        which = rng.randrange(len(journals))
        if rng.random() < 0.01:
            journals[which].clear()
            model = [(j, e) for j, e in model if j != which]
            continue
        entry = recorded(id=i, body=b"x" * rng.choice([0, one // 2, 3 * one]))
        journals[which].add(entry)
        model.append((which, entry))
        mine = [e for j, e in model if j == which]
        if len(mine) > journals[which]._size:
            model.remove((which, mine[0]))
        while sum(e.size for _, e in model) > budget.limit:
            model.pop(0)
        for index, journal in enumerate(journals):
            assert journal.recorded() == [e for j, e in model if j == index], i
        assert budget.used == sum(e.size for _, e in model) and budget.kept == len(model)


def test_journals_of_deleted_sandboxes_do_not_pile_up_in_the_budget() -> None:
    """Under the budget nothing is dropped for it, so it never reaches the journals emptied for good (deleted
    sandboxes): they are pruned as more come, and what it holds stays in proportion to the journals alive."""
    budget = JournalBudget(limit=10**12)
    alive = Journal(10, budget)
    for i in range(5_000):
        gone = Journal(10, budget)
        gone.add(recorded(id=i))
        alive.add(recorded(id=i))
        gone.clear()
    assert len(budget._heap) <= 2 * 2 + 64 + 1
    assert budget.kept == 10 and budget.used == sum(r.size for r in alive.recorded())


def test_the_budget_drops_oldest_first_when_entries_end_out_of_order() -> None:
    """Exchanges end in any order (a slow request is journaled after later ones): the budget drops by the order
    they were journaled in, each journal's oldest first."""
    one = recorded().size
    budget = JournalBudget(limit=3 * one)
    journal = Journal(100, budget)
    for i in (5, 7, 6, 8):
        journal.add(recorded(id=i))
    assert [r.id for r in journal.recorded()] == [7, 6, 8] and budget.used == 3 * one


def test_recording_never_walks_the_entries_kept() -> None:
    """Nothing the budget does per recording is proportional to the entries kept (a one-pass compaction of them
    held the event loop for 1.9 s with the defaults' million entries): it never asks a journal for its entries."""

    class Watched(Journal):
        def recorded(self) -> list[Recorded]:
            raise AssertionError("the budget walked a journal's entries")

    budget = JournalBudget(limit=200 * recorded().size)
    journals = [Watched(rng_cap, budget) for rng_cap in (5, 50, 500) * 30]
    for i in range(20_000):
        journals[i % len(journals)].add(recorded(id=i))
    assert budget.kept <= 200 and len(budget._heap) <= len(journals)
