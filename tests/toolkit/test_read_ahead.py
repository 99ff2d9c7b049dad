"""The toolkit reads a body ahead of the vendor (rate limits, faults, rules that match on items) and hands the same
messages to the vendor afterwards. A body that arrives in several parts once made it read its own queued message
forever, at full CPU, with the whole server stalled; and replayed parts were journaled twice."""

from __future__ import annotations

import socket
import time
from urllib.parse import urlsplit

import httpx

from tests.toolkit.conftest import ITEM, MP, Box


def _patch_in_two_parts(box: Box, body: bytes) -> bytes:
    """A PATCH whose body is sent in two writes with a pause between them, as a slow client does; the raw answer."""
    url = urlsplit(box.server)
    auth = httpx.BasicAuth(*MP)._auth_header
    head = (
        f"PATCH /sandboxes/{box.name}/merchantpro/demo{ITEM} HTTP/1.1\r\nHost: {url.hostname}\r\n"
        f"Authorization: {auth}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    half = len(body) // 2
    with socket.create_connection((url.hostname or "127.0.0.1", url.port or 80), timeout=5) as sock:
        sock.sendall(head + body[:half])
        time.sleep(0.2)  # the server reads the first part as its own message
        sock.sendall(body[half:])
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


def test_a_body_in_two_parts_meets_a_rule_that_reads_items(box: Box) -> None:
    box.add({"match": {"vendor": "merchantpro", "item": "NO-SUCH-SKU"}, "action": {"kind": "status", "status": 503}})
    body = b'{"stock": {"adjust_by": 5}}'
    before = box.stock()
    answer = _patch_in_two_parts(box, body)
    assert answer.startswith(b"HTTP/1.1 200"), answer[:200]
    assert box.stock() == before + 5
    health = httpx.get(f"{box.server}/_sim/health", timeout=2)
    assert health.status_code == 200
    [entry] = box.journal(method="PATCH")
    assert entry["body"] == body.decode(), "each part is journaled once"


def test_a_body_in_two_parts_meets_a_status_fault(box: Box) -> None:
    box.add({"match": {"vendor": "merchantpro", "method": "PATCH"}, "action": {"kind": "status", "status": 503}})
    answer = _patch_in_two_parts(box, b'{"stock": {"adjust_by": 5}}')
    assert answer.startswith(b"HTTP/1.1 503"), answer[:200]
    assert httpx.get(f"{box.server}/_sim/health", timeout=2).status_code == 200
