"""A journal entry as its readers see it: decoded, credentials masked (see recorded.py for what is kept)."""

from __future__ import annotations

import msgspec


class Entry(msgspec.Struct, kw_only=True):
    id: int
    at: float  # the sandbox clock's epoch seconds (rendered as ISO `time` when read)
    vendor: str
    account: str | None
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: str | None
    # The client's address: the socket's peer, or behind a trusted proxy (--trust-proxy-headers) the one it forwarded.
    client: str | None = None
    body_truncated: bool = False
    status: int | None = None
    response_body: str | None = None
    response_headers: dict[str, str] = msgspec.field(default_factory=dict)  # masked like the request's
    response_truncated: bool = False
    latency_ms: float = 0.0
    outcome: str = "response"  # or dropped, reset, hung, truncated
    fault: str | None = None  # the rule that decided the request's fate
    faults_fired: list[str] = msgspec.field(default_factory=list)
