"""Constrained scalar types shared by every vendor's scenario section."""

from __future__ import annotations

from typing import Annotated

import msgspec

from simulator.domain.stock import MAX_QUANTITY
from simulator.scenarios.limits import MAX_GENERATED

# The largest id a JSON client can hold exactly (JavaScript's Number.MAX_SAFE_INTEGER + 1).
MAX_ID = 2**53

Quantity = Annotated[int, msgspec.Meta(ge=0, le=MAX_QUANTITY)]
Price = Annotated[float, msgspec.Meta(ge=0, le=1e9)]
Percent = Annotated[float, msgspec.Meta(ge=0, le=100)]
PositiveId = Annotated[int, msgspec.Meta(ge=1, le=MAX_ID)]
# Account names become URL path segments (/merchantpro/<shop>), so they must not need escaping.
Slug = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
Secret = Annotated[str, msgspec.Meta(min_length=1, max_length=256)]
NonEmpty = Annotated[str, msgspec.Meta(min_length=1, max_length=512)]
AttemptCount = Annotated[int, msgspec.Meta(ge=1, le=1000)]
GeneratedCount = Annotated[int, msgspec.Meta(ge=0, le=MAX_GENERATED)]
# A generate block's seed; 32 bits keep the store's hash arithmetic inside SQLite's 64-bit integers.
Seed = Annotated[int, msgspec.Meta(ge=0, le=2**32 - 1)]
