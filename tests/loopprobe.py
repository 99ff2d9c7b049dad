"""A loop-latency probe: GET /_sim/health every 10 ms from a thread while a test runs, to show that no request
blocks the server's event loop. ``probe(url, label)`` yields the probe; after the block, ``p99_ms`` is the 99th
percentile of the health answers' round trips, and the figure is added to ``FIGURES`` for the end-of-run summary
(tests/conftest.py prints it) and written to .reports/loopprobe.json (``STOCKSIM_REPORT_DIR``) after each probe."""

from __future__ import annotations

import gc
import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

INTERVAL = 0.01
MIN_SAMPLES = 10
FIGURES: list[tuple[str, int, float, float]] = []  # (label, samples, p99 ms, worst ms), for the summary
REPORT = Path(os.environ.get("STOCKSIM_REPORT_DIR", ".reports")) / "loopprobe.json"


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
    # The probe's client lives in the test process, whose heap holds what every earlier test left: a full garbage
    # collection of it (hundreds of milliseconds late in a run) would stall the probe's thread and be counted as the
    # server's. Frozen, a collection meanwhile walks only what the test makes from here on.
    gc.freeze()
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
        gc.unfreeze()
    FIGURES.append((label, len(running.samples), running.p99_ms, running.worst_ms))
    _write_report()


def _write_report() -> None:
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    probes = [{"label": f[0], "samples": f[1], "p99_ms": round(f[2], 1), "worst_ms": round(f[3], 1)} for f in FIGURES]
    REPORT.write_text(json.dumps({"fuzz": os.environ.get("STOCKSIM_FUZZ") == "1", "probes": probes}, indent=2) + "\n")


def summary() -> str:
    worst = max(FIGURES, key=lambda f: f[2])
    slowest = max(FIGURES, key=lambda f: f[3])
    samples = sum(f[1] for f in FIGURES)
    return (
        f"loop-latency probe: {len(FIGURES)} large-input test(s), {samples} health requests every 10 ms; "
        f"worst p99 {worst[2]:.1f} ms ({worst[0]}); slowest answer {slowest[3]:.0f} ms ({slowest[0]})"
    )
