"""Each sandbox's clock. Everything time-dependent (lockouts, delays, timestamps) reads it, never time.time()."""

from __future__ import annotations

import time
from datetime import UTC, datetime


class Clock:
    def now(self) -> float:
        return time.time()

    def iso(self) -> str:
        return datetime.fromtimestamp(self.now(), UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
