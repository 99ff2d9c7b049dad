"""One exchange as the toolkit saw it: raw bytes and a few numbers, kept as they came off the wire.

Recording is on every vendor request's path, reading the journal is not: decoding the bodies, decoding and masking
the headers and the query wait until somebody reads the entry (``entry()``, once; the journal's readers, the
dashboard, /_sim/verify). The size the journal's byte budget counts is the raw size, known at once.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from simulator.masking import Carriers, mask_headers, mask_query
from simulator.toolkit.journal_budget import OVERHEAD
from simulator.toolkit.journal_entry import Entry

JOURNAL_BODY_BYTES = 64 * 1024


class Recorded:
    __slots__ = (
        "id",
        "at",
        "vendor",
        "account",
        "method",
        "path",
        "query_string",
        "headers",
        "body",
        "body_size",
        "client",
        "status",
        "response_headers",
        "response_body",
        "latency_ms",
        "outcome",
        "fault",
        "faults_fired",
        "carriers",
        "size",
        "seq",
        "_entry",
    )
    seq: int  # its place among all journals' entries, given when journaled with a byte budget (journal_budget.py)

    def __init__(  # a record made whole; the toolkit's exchange, a Recorded itself, fills its fields as it goes
        self,
        id: int,
        at: float,
        vendor: str,
        account: str | None,
        method: str,
        path: str,
        query_string: bytes,
        headers: list[tuple[bytes, bytes]],
        body: bytes,
        body_size: int,
        client: str | None,
        status: int | None,
        response_headers: list[tuple[bytes, bytes]],
        response_body: bytes,
        latency_ms: float,
        outcome: str,
        fault: str | None,
        faults_fired: list[str],
        carriers: Carriers,
    ) -> None:
        self.id, self.at, self.vendor, self.account, self.method, self.path = id, at, vendor, account, method, path
        self.query_string, self.headers, self.body, self.body_size = query_string, headers, body, body_size
        self.client, self.status, self.response_headers, self.response_body = (
            client,
            status,
            response_headers,
            response_body,
        )
        self.latency_ms, self.outcome, self.fault, self.faults_fired = latency_ms, outcome, fault, faults_fired
        self.carriers = carriers
        self.measure()

    def measure(self) -> None:
        """Count ``size`` from the fields, and forget any entry made from earlier ones (once they are all set: the
        toolkit's exchange sets them one by one as the request goes, exchange.py)."""
        # The bodies as kept: at most JOURNAL_BODY_BYTES and the one byte more that says they were cut.
        size = OVERHEAD + len(self.path) + len(self.query_string) + len(self.body) + len(self.response_body)
        for name, value in self.headers:
            size += len(name) + len(value)
        self.size = size
        self._entry: Entry | None = None

    @property
    def decoded(self) -> bool:
        return self._entry is not None

    def entry(self) -> Entry:
        """The journal's entry: bodies decoded (up to JOURNAL_BODY_BYTES), credentials masked. Made once (two
        threads making it at once make equal entries, and one of them is kept)."""
        if self._entry is None:
            query = parse_qsl(self.query_string.decode("latin-1"), keep_blank_values=True) if self.query_string else []
            body, body_truncated = text(self.body, JOURNAL_BODY_BYTES) if self.body_size else (None, False)
            response_body, response_truncated = text(self.response_body, JOURNAL_BODY_BYTES)
            self._entry = Entry(
                id=self.id,
                at=self.at,
                vendor=self.vendor,
                account=self.account,
                method=self.method,
                path=self.path,
                query=mask_query(query, self.carriers),
                headers=mask_headers(self.headers, self.carriers),
                body=body,
                client=self.client,
                body_truncated=body_truncated or self.body_size > JOURNAL_BODY_BYTES,
                status=self.status,
                response_body=response_body,
                response_headers=mask_headers(self.response_headers, self.carriers),
                response_truncated=response_truncated,
                latency_ms=round(self.latency_ms, 3),
                outcome=self.outcome,
                fault=self.fault,
                faults_fired=self.faults_fired,
            )
        return self._entry


def text(body: bytes, limit: int) -> tuple[str, bool]:
    return body[:limit].decode("utf-8", "replace"), len(body) > limit
