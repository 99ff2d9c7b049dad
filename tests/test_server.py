"""The server's deadlines, over raw sockets: an idle connection and one that never finishes its headers are closed."""

from __future__ import annotations

import gc
import logging
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn

from simulator.server import GC_YOUNGEST, MAX_HEADER_BYTES, PROTOCOL, Server, ServerConfig, h11_protocol
from tests.support import app_for, free_port, served


def connect(url: str) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=10)
    return sock


def closed_after(sock: socket.socket) -> float:
    """Seconds until the server closes ``sock`` (reading whatever it sends first)."""
    started = time.monotonic()
    while sock.recv(65536):
        pass
    return time.monotonic() - started


@pytest.fixture(scope="module", params=[PROTOCOL, h11_protocol()], ids=["httptools", "h11"])
def quick(request: pytest.FixtureRequest) -> Iterator[str]:
    """A server whose header timeout is 1 s and idle timeout 2 s, on each of uvicorn's HTTP/1.1 implementations."""
    if request.param is PROTOCOL:
        with served(app_for(header_timeout=1, idle_timeout=2)) as url:  # as the plugin serves (PROTOCOL)
            yield url
        return
    port = free_port()
    app = app_for(header_timeout=1, idle_timeout=2, port=port)
    server = uvicorn.Server(ServerConfig(app, app.state.settings, http=request.param, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        assert thread.is_alive()
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


def test_a_connection_that_sends_nothing_is_closed_after_the_idle_timeout(quick: str) -> None:
    with connect(quick) as sock:
        assert 1.5 < closed_after(sock) < 5


@pytest.mark.parametrize(
    "start",
    [b"GET /_sim/health HTTP/1.1\r\nHost: x\r\n", b"G", b"POST /ka-ching/imports/stock HTTP/1.1\r\nContent-Le"],
    ids=["half-the-headers", "one-byte", "cut-in-a-name"],
)
def test_headers_not_finished_in_time_are_cut_off(quick: str, start: bytes) -> None:
    with connect(quick) as sock:
        sock.sendall(start)
        assert 0.5 < closed_after(sock) < 1.9  # the header timeout, before the idle one


def test_headers_sent_slowly_but_in_time_are_answered(quick: str) -> None:
    with connect(quick) as sock:
        for part in (b"GET /_sim/health HTTP/1.1\r\n", b"Host: x\r\n", b"\r\n"):
            sock.sendall(part)
            time.sleep(0.3)
        assert sock.recv(65536).startswith(b"HTTP/1.1 200 ")


def test_a_kept_alive_connection_serves_requests_until_idle_then_closes(quick: str) -> None:
    with connect(quick) as sock:
        for _ in range(2):
            sock.sendall(b"GET /_sim/health HTTP/1.1\r\nHost: x\r\n\r\n")
            assert sock.recv(65536).startswith(b"HTTP/1.1 200 ")
            time.sleep(1.2)  # longer than the header timeout: idle between requests is not "slow headers"
        assert 0.3 < closed_after(sock) < 4


def test_the_next_request_started_on_a_kept_alive_connection_has_the_header_timeout(quick: str) -> None:
    with connect(quick) as sock:
        sock.sendall(b"GET /_sim/health HTTP/1.1\r\nHost: x\r\n\r\n")
        assert sock.recv(65536).startswith(b"HTTP/1.1 200 ")
        sock.sendall(b"GET /_sim/health HTTP/1.1\r\n")
        assert 0.5 < closed_after(sock) < 1.9


def test_headers_past_the_size_limit_are_cut_off(quick: str) -> None:
    with connect(quick) as sock:
        sock.sendall(b"GET /_sim/health HTTP/1.1\r\nHost: x\r\n")
        with pytest.raises(OSError):  # a reset or a broken pipe, once the server has closed
            for n in range(2000):  # 16 MB of headers, which httptools would keep in memory
                sock.sendall(b"X-Pad-%d: %s\r\n" % (n, b"a" * 8000))
            sock.sendall(b"\r\n")
            assert not sock.recv(65536).startswith(b"HTTP/1.1 200"), "answered after 16 MB of headers"
            raise OSError("closed without an answer")


def test_headers_just_under_the_size_limit_are_answered(quick: str) -> None:
    with connect(quick) as sock:
        pad = b"a" * (MAX_HEADER_BYTES - 200)
        sock.sendall(b"GET /_sim/health HTTP/1.1\r\nHost: x\r\nX-Pad: " + pad + b"\r\n\r\n")
        assert sock.recv(65536).startswith(b"HTTP/1.1 200 ")


@pytest.mark.parametrize(("level", "kept"), [("warning", False), ("error", False), ("info", True), ("debug", True)])
def test_the_access_log_is_kept_at_info_and_chattier(level: str, kept: bool) -> None:
    # uvicorn builds every access-log line whenever the log has a handler, whatever the level: below info, where
    # none would be printed, it is not asked to.
    app = app_for(log_level=level)
    assert ServerConfig(app, app.state.settings, log_level=level).access_log is kept


def test_stocksim_serve_freezes_start_up_and_collects_the_youngest_generation_less_often() -> None:
    port = free_port()
    app = app_for(port=port)
    server = Server(ServerConfig(app, app.state.settings, log_level="warning"))
    before = gc.get_threshold()
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 15  # uvicorn says it has started before the lines after its start-up run
        while gc.get_threshold() != (GC_YOUNGEST, *before[1:]) and time.monotonic() < deadline:
            assert thread.is_alive()
            time.sleep(0.01)
        assert server.started
        assert gc.get_threshold() == (GC_YOUNGEST, *before[1:])
        assert gc.get_freeze_count() > 0
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        gc.set_threshold(*before)
        gc.unfreeze()


def test_a_request_that_asks_to_upgrade_is_answered_as_plain_http(quick: str) -> None:
    """No endpoint speaks WebSocket (the server loads no implementation of it): the request is answered as HTTP,
    and nothing warns or tells the user to install a WebSocket library."""
    records: list[logging.LogRecord] = []

    class Kept(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Kept(logging.DEBUG)
    log = logging.getLogger("uvicorn.error")  # uvicorn's logger does not propagate to pytest's
    level = log.level
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)
    try:
        with connect(quick) as sock:
            sock.sendall(
                b"GET /_sim/health HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
            )
            answer = sock.recv(65536)
    finally:
        log.removeHandler(handler)
        log.setLevel(level)
    assert answer.startswith(b"HTTP/1.1 200"), answer
    assert b'"status"' in answer.partition(b"\r\n\r\n")[2], answer
    assert [r.getMessage() for r in records if "upgrade" in r.getMessage().lower()] == [
        "a request asked to upgrade its connection: answered as plain HTTP"
    ]
    assert not [r for r in records if r.levelno >= logging.WARNING]
