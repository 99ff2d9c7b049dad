"""Each sandbox's clock: real time, frozen, or moved on by a test. Everything time-dependent (lockouts, Ka-ching's
processing delay, rate-limit refills, fault windows, timestamps) reads it, never time.time(), so tests need not
sleep. Network latency injected by faults stays real: it is the client's wall clock that must feel it."""

from __future__ import annotations

import time
from datetime import UTC, datetime


class Clock:
    def __init__(self) -> None:
        self._offset = 0.0
        self._frozen_at: float | None = None

    @property
    def frozen(self) -> bool:
        return self._frozen_at is not None

    def now(self) -> float:
        return self._frozen_at if self._frozen_at is not None else time.time() + self._offset

    def iso(self) -> str:
        return iso(self.now())

    def freeze(self) -> None:
        self._frozen_at = self.now()

    def run(self) -> None:
        """Let time pass again, from where it stands now."""
        if self._frozen_at is not None:
            self._offset = self._frozen_at - time.time()
            self._frozen_at = None

    def advance(self, seconds: float) -> None:
        if self._frozen_at is not None:
            self._frozen_at += seconds
        else:
            self._offset += seconds

    def set(self, epoch: float) -> None:
        if self._frozen_at is not None:
            self._frozen_at = epoch
        else:
            self._offset = epoch - time.time()

    def reset(self) -> None:
        self._offset, self._frozen_at = 0.0, None

    def describe(self) -> dict[str, object]:
        return {
            "now": self.iso(),
            "epoch": self.now(),
            "frozen": self.frozen,
            "offset_seconds": self.now() - time.time(),
        }


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
