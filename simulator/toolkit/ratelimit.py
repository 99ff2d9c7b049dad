"""Token buckets per credential, refilled on the sandbox's clock (so a test can advance time instead of sleeping)."""

from __future__ import annotations

import math

from simulator.toolkit.rules import RateLimit


class Buckets:
    def __init__(self) -> None:
        self._state: dict[tuple[str, str | None, str], tuple[float, float]] = {}

    def take(self, limit: RateLimit, account: str | None, credential: str, now: float) -> int | None:
        """Spend a token; None if there was one, else the whole seconds until there will be (Retry-After)."""
        key = (limit.vendor, account, credential)
        tokens, last = self._state.get(key, (float(limit.capacity), now))
        tokens = min(float(limit.capacity), tokens + max(0.0, now - last) * limit.refill_per_second)
        if tokens >= 1.0:
            self._state[key] = (tokens - 1.0, now)
            return None
        self._state[key] = (tokens, now)
        return max(1, math.ceil((1.0 - tokens) / limit.refill_per_second))

    def clear(self) -> None:
        self._state.clear()


def limit_for(limits: list[RateLimit], vendor: str, account: str | None) -> RateLimit | None:
    """The most specific limit: one naming the account, else one for the whole vendor."""
    chosen = None
    for limit in limits:
        if limit.vendor != vendor:
            continue
        if limit.account == account:
            return limit
        if limit.account is None and chosen is None:
            chosen = limit
    return chosen
