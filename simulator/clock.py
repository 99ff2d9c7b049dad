"""Each sandbox's clock: real time, frozen, or moved on by a test. Everything time-dependent (lockouts, Ka-ching's
processing delay, rate-limit refills, fault windows, timestamps) reads it, never time.time(), so tests need not
sleep. Network latency injected by faults stays real: it is the client's wall clock that must feel it."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

import msgspec


class ClockState(msgspec.Struct, frozen=True):
    """What a clock needs to come back after a restart: a running clock keeps its distance from real time (so it
    went on running while the server was down), a frozen one stands where it stood."""

    offset: float = 0.0
    frozen_at: float | None = None


class Clock:
    def __init__(self) -> None:
        self._offset = 0.0
        self._frozen_at: float | None = None
        # Called after every change, so the owner can persist it (see Sandboxes); never while reading.
        self.on_change: Callable[[], None] | None = None

    @property
    def frozen(self) -> bool:
        return self._frozen_at is not None

    def now(self) -> float:
        return self._frozen_at if self._frozen_at is not None else time.time() + self._offset

    def iso(self) -> str:
        return iso(self.now())

    def freeze(self) -> None:
        self._frozen_at = self.now()
        self._changed()

    def run(self) -> None:
        """Let time pass again, from where it stands now."""
        if self._frozen_at is not None:
            self._offset = self._frozen_at - time.time()
            self._frozen_at = None
            self._changed()

    def advance(self, seconds: float) -> None:
        if self._frozen_at is not None:
            self._frozen_at += seconds
        else:
            self._offset += seconds
        self._changed()

    def set(self, epoch: float) -> None:
        if self._frozen_at is not None:
            self._frozen_at = epoch
        else:
            self._offset = epoch - time.time()
        self._changed()

    def reset(self) -> None:
        self._offset, self._frozen_at = 0.0, None
        self._changed()

    def state(self) -> ClockState:
        return ClockState(self._offset, self._frozen_at)

    def restore(self, state: ClockState) -> None:
        self._offset, self._frozen_at = state.offset, state.frozen_at

    def describe(self) -> dict[str, object]:
        return {
            "now": self.iso(),
            "epoch": self.now(),
            "frozen": self.frozen,
            "offset_seconds": self.now() - time.time(),
        }

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change()


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
