"""A loop-latency probe: GET /_sim/health every 10 ms from a thread while a test runs, to show that no request
blocks the server's event loop. ``probe(url, label)`` yields the probe; after the block, ``p99_ms`` is the 99th
percentile of the health answers' round trips, and the figure is added to ``FIGURES`` for the end-of-run summary
(tests/conftest.py prints it)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

INTERVAL = 0.01
MIN_SAMPLES = 10
FIGURES: list[tuple[str, int, float]] = []  # (label, samples, p99 ms), for the summary


class Probe:
    def __init__(self, url: str) -> None:
        self.url = url
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with httpx.Client(base_url=self.url, timeout=30) as client:
            while not self._stop.is_set():
                started = time.perf_counter()
                client.get("/_sim/health").raise_for_status()
                self.samples.append((time.perf_counter() - started) * 1000)
                self._stop.wait(INTERVAL)

    @property
    def worst_ms(self) -> float:
        """The slowest answer: one stall of the loop is one slow sample, which a p99 over hundreds would hide."""
        return max(self.samples, default=0.0)

    @property
    def p99_ms(self) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else 0.0


@contextmanager
def probe(url: str, label: str) -> Iterator[Probe]:
    running = Probe(url)
    running._thread.start()
    try:
        yield running
    finally:
        # A few samples at least, so a block that ends quickly still yields a figure.
        deadline = time.monotonic() + 5
        while len(running.samples) < MIN_SAMPLES and running._thread.is_alive() and time.monotonic() < deadline:
            time.sleep(INTERVAL)
        running._stop.set()
        running._thread.join()
    FIGURES.append((label, len(running.samples), running.p99_ms))


def summary() -> str:
    worst = max(FIGURES, key=lambda f: f[2])
    samples = sum(f[1] for f in FIGURES)
    return (
        f"loop-latency probe: {len(FIGURES)} large-input test(s), {samples} health requests every 10 ms; "
        f"worst p99 {worst[2]:.1f} ms ({worst[0]})"
    )
