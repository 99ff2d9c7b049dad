"""Constrained scalar types shared by every vendor's scenario section."""

from __future__ import annotations

from typing import Annotated

import msgspec

from simulator.domain.stock import MAX_QUANTITY

Quantity = Annotated[int, msgspec.Meta(ge=0, le=MAX_QUANTITY)]
Price = Annotated[float, msgspec.Meta(ge=0, le=1e9)]
Percent = Annotated[float, msgspec.Meta(ge=0, le=100)]
PositiveId = Annotated[int, msgspec.Meta(ge=1, le=2**53)]
# Account names become URL path segments (/merchantpro/<shop>), so they must not need escaping.
Slug = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
Secret = Annotated[str, msgspec.Meta(min_length=1, max_length=256)]
NonEmpty = Annotated[str, msgspec.Meta(min_length=1, max_length=512)]
AttemptCount = Annotated[int, msgspec.Meta(ge=1, le=1000)]
