"""Fault rules, rate limits and journal expectations as msgspec Structs, validated like scenario files.

A fault rule matches requests (vendor, account, method, path pattern, item identifier), decides on which matching
calls it fires (always, with a seeded probability, the nth call, every nth, the first N, a time window, or a
timeline of steps) and what it does then (an action). ``phase: after`` applies the request first and then spoils
the response: the "lost response" a client most needs to rehearse.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

Seconds = Annotated[float, msgspec.Meta(ge=0, le=86_400)]
Count = Annotated[int, msgspec.Meta(ge=1, le=1_000_000_000)]
Status = Annotated[int, msgspec.Meta(ge=100, le=599)]
Probability = Annotated[float, msgspec.Meta(ge=0, le=1)]
Method = Literal["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


class Match(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    vendor: str | None = None
    account: str | None = None
    method: Method | list[Method] | None = None
    # A glob (fnmatch) over the path below the account's base URL, e.g. "/api/v2/inventory/sku/*" or "*/stock".
    path: str | None = None
    # An identifier the request names: a path segment, or any key or string value in its JSON body.
    item: str | None = None


# Actions. `kind` tells them apart; latency delays the request and lets the other rules speak.
class Latency(msgspec.Struct, tag="latency", tag_field="kind", forbid_unknown_fields=True, omit_defaults=True):
    fixed: Seconds | None = None
    uniform: tuple[Seconds, Seconds] | None = None
    # log-normal: median seconds and sigma (the spread of ln(latency)).
    median: Seconds | None = None
    sigma: Annotated[float, msgspec.Meta(ge=0, le=5)] = 0.5


class Respond(msgspec.Struct, tag="status", tag_field="kind", forbid_unknown_fields=True, omit_defaults=True):
    """Answer with this status and the vendor's own error body."""

    status: Status
    message: str | None = None
    retry_after: Annotated[int, msgspec.Meta(ge=0, le=86_400)] | None = None


class RateLimited(msgspec.Struct, tag="rate_limit", tag_field="kind", forbid_unknown_fields=True):
    """429 with Retry-After, in the vendor's own body."""

    retry_after: Annotated[int, msgspec.Meta(ge=0, le=86_400)] = 1


class Drop(msgspec.Struct, tag="drop", tag_field="kind", forbid_unknown_fields=True):
    """Close the connection without a response (FIN)."""


class Reset(msgspec.Struct, tag="reset", tag_field="kind", forbid_unknown_fields=True):
    """Reset the connection (RST): the client sees "connection reset by peer"."""


class Empty(msgspec.Struct, tag="empty", tag_field="kind", forbid_unknown_fields=True):
    """A response with this status and no body at all."""

    status: Status = 200


class Truncate(msgspec.Struct, tag="truncate", tag_field="kind", forbid_unknown_fields=True):
    """Announce the full length, send only the first fraction of the body, then close."""

    fraction: Annotated[float, msgspec.Meta(ge=0, lt=1)] = 0.5


class Malformed(msgspec.Struct, tag="malformed", tag_field="kind", forbid_unknown_fields=True):
    """A complete response whose body is not valid JSON."""

    status: Status = 200


class Hang(msgspec.Struct, tag="hang", tag_field="kind", forbid_unknown_fields=True):
    """Never answer: wait until the client gives up (or ``seconds`` pass, then drop)."""

    seconds: Seconds = 300


class FailItems(msgspec.Struct, tag="fail_items", tag_field="kind", forbid_unknown_fields=True):
    """The vendor's own partial failure for these items: i.LEVEL 12051, Centra productsNotFound, Ka-ching failure-log
    entries. The other items of the request are applied as usual."""

    items: list[str]


Action = Latency | Respond | RateLimited | Drop | Reset | Empty | Truncate | Malformed | Hang | FailItems


class Window(msgspec.Struct, forbid_unknown_fields=True):
    """Seconds on the sandbox's clock, counted from when the rule was installed."""

    start: Seconds = 0
    end: Seconds | None = None


class When(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """Which matching calls the rule fires on; every condition given must hold (none given: always)."""

    probability: Probability | None = None
    seed: int = 0
    nth: Count | None = None
    every: Count | None = None
    first: Count | None = None
    after: Annotated[int, msgspec.Meta(ge=0)] | None = None
    window: Window | None = None


class Step(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """``calls`` matching calls get ``action`` (none: answered normally); after the last step, all are normal."""

    calls: Count = 1
    action: Action | None = None


class FaultRule(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    id: str | None = None
    match: Match = msgspec.field(default_factory=Match)
    when: When = msgspec.field(default_factory=When)
    action: Action | None = None
    timeline: list[Step] | None = None
    phase: Literal["before", "after"] = "before"

    def __post_init__(self) -> None:
        if (self.action is None) == (self.timeline is None):
            raise ValueError("expected exactly one of `action` and `timeline`")
        if self.timeline is not None and self.when != When():
            raise ValueError("a timeline counts calls itself; `when` goes with `action`")
        if isinstance(self.action, Latency):
            given = [x is not None for x in (self.action.fixed, self.action.uniform, self.action.median)]
            if sum(given) != 1:
                raise ValueError("latency needs exactly one of `fixed`, `uniform` or `median`")


class RateLimit(msgspec.Struct, forbid_unknown_fields=True):
    """A token bucket per credential: ``capacity`` requests at once, refilled at ``refill_per_second``."""

    vendor: str
    capacity: Count
    refill_per_second: Annotated[float, msgspec.Meta(gt=0, le=1_000_000)]
    account: str | None = None


class Expectation(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """How many journal entries may match; with no count given, at least one must."""

    vendor: str | None = None
    account: str | None = None
    method: Method | None = None
    path: str | None = None
    status: Status | None = None
    body_contains: str | None = None
    fault: bool | None = None
    exactly: Annotated[int, msgspec.Meta(ge=0)] | None = None
    at_least: Annotated[int, msgspec.Meta(ge=0)] | None = None
    at_most: Annotated[int, msgspec.Meta(ge=0)] | None = None

    def __post_init__(self) -> None:
        if self.exactly is not None and (self.at_least is not None or self.at_most is not None):
            raise ValueError("`exactly` cannot be combined with `at_least` or `at_most`")


class Verification(msgspec.Struct, forbid_unknown_fields=True):
    expect: list[Expectation]
