"""An answer given before the body is read reaches a client that writes its whole body first (urllib, a raw socket),
instead of a broken pipe or a reset."""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from tests.support import app_for, basic, served

# Large enough that, unread, it cannot all sit in the kernel's socket buffers when the server closes the connection.
BODY = b"x" * 8_000_000
KACHING = "/ka-ching/imports/stock?account=demo-account&integration=demo-queue&apikey=demo-apikey"
MERCHANTPRO = "/merchantpro/demo/api/v2/inventory/id/10001"


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with served(app_for()) as url:
        yield url


def urllib_status(url: str, method: str, headers: dict[str, str]) -> tuple[int, dict[str, object]]:
    request = urllib.request.Request(url, data=BODY, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (a local test server)
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@pytest.mark.parametrize(
    ("path", "method", "headers", "status"),
    [
        (KACHING, "POST", {"Content-Type": "text/plain"}, 415),
        (MERCHANTPRO, "PATCH", {"Content-Type": "application/json", **basic("demo-api-key", "wrong")}, 401),
        ("/ka-ching/nowhere", "POST", {"Content-Type": "application/json"}, 404),
        ("/_sim/nowhere", "POST", {"Content-Type": "application/json"}, 404),
    ],
    ids=["wrong-content-type", "wrong-credentials", "vendor-404", "control-404"],
)
def test_urllib_reads_the_early_answer(base: str, path: str, method: str, headers: dict[str, str], status: int) -> None:
    # urllib sends `Connection: close` and writes the whole body before it reads.
    got, body = urllib_status(base + path, method, headers)
    assert got == status, body
    assert body


def test_a_raw_socket_that_writes_everything_first_reads_the_answer_then_the_end(base: str) -> None:
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        head = (
            f"POST {KACHING} HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\nContent-Length: {len(BODY)}\r\n"
            "Connection: close\r\n\r\n"
        ).encode()
        sock.sendall(head + BODY)
        answer = b""
        while chunk := sock.recv(65536):  # a reset would raise here
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 415 ")
    assert answer.endswith(b"\"Content-Type must be application/json, got 'text/csv'\"}")


def test_the_answer_goes_out_before_the_body_is_read(base: str) -> None:
    """A client that reads while it writes (curl, or one waiting for an early refusal) gets the answer at once."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        head = f"POST {KACHING} HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\nContent-Length: {len(BODY)}\r\n\r\n"
        sock.sendall(head.encode() + BODY[:1000])
        started = time.monotonic()
        assert sock.recv(65536).startswith(b"HTTP/1.1 415 ")
        assert time.monotonic() - started < 1


def test_a_body_declared_over_the_cap_is_not_waited_for() -> None:
    with served(app_for(max_body_bytes=1000, header_timeout=5)) as base:
        host, port = base.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            head = (
                f"POST {KACHING} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\n"
                "Connection: close\r\n\r\n{}"
            )
            sock.sendall(head.encode())
            started = time.monotonic()
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
            assert time.monotonic() - started < 2, "waited for a body that would be refused anyway"
    assert answer.startswith(b"HTTP/1.1 413 ")


def test_a_body_that_stops_is_waited_for_no_longer_than_the_header_timeout() -> None:
    with served(app_for(header_timeout=1)) as base:
        host, port = base.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            head = f"POST {KACHING} HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\nContent-Length: 1000\r\n\r\nab"
            sock.sendall(head.encode())
            started = time.monotonic()
            answer = b""
            while not answer.endswith(b"}"):
                answer += sock.recv(65536)
            assert answer.startswith(b"HTTP/1.1 415 ") and time.monotonic() - started < 0.5  # the answer at once
            while sock.recv(65536):  # then the server gives up on the rest and, the body unfinished, closes
                pass
            assert 0.5 < time.monotonic() - started < 4


@pytest.mark.parametrize(
    ("headers", "writes"),
    [
        ([], 1),  # a GET: no Content-Length, no Transfer-Encoding, so no body (RFC 9112, 6.3)
        ([(b"content-length", b"0")], 1),
        ([(b"content-length", b"000")], 1),
        ([(b"content-length", b"5")], 2),  # a body not yet read: the answer, then (once drained) its end
        ([(b"transfer-encoding", b"chunked")], 2),
    ],
)
def test_an_answer_to_a_request_without_a_body_is_one_write(headers: list[tuple[bytes, bytes]], writes: int) -> None:
    import asyncio

    from starlette.types import Message

    from simulator.drain import Drained

    sent: list[Message] = []
    pending: list[Message] = [{"type": "http.request", "body": b"hello", "more_body": False}]

    async def receive() -> Message:
        return pending.pop() if pending else {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    async def answer() -> None:
        drained = Drained({"type": "http", "headers": headers}, receive, send, limit=1_000, seconds=1.0)
        await drained.send({"type": "http.response.body", "body": b"{}", "more_body": False})

    asyncio.run(answer())
    assert len(sent) == writes
    assert sent[-1].get("more_body", False) is False
