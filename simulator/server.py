"""The HTTP server around the app: uvicorn, configured the same way by ``stocksim serve`` and the pytest plugin,
with the deadlines uvicorn lacks.

uvicorn arms its keep-alive timer only once a response is complete: a connection that never sends anything, or
sends half a request's headers and stops, is kept open for ever (each one a file descriptor and a little memory,
so a few thousand of them starve the server). Its protocol classes are extended here so that

- a new connection has ``idle_timeout`` seconds to start a request, as an idle kept-alive one has;
- a request's headers, once started, must be complete within ``header_timeout`` seconds, and within
  MAX_HEADER_BYTES (httptools sets no limit: a client could send gigabytes of headers, all kept in memory).

Each closes the connection without an answer, as nginx does for its ``client_header_timeout``: there is no request
to answer yet, and on a kept-alive connection an unasked-for answer would be read as the next request's.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import logging
import socket
from typing import TYPE_CHECKING, Any

import uvicorn

from simulator.config import LOG_LEVELS, Settings

MAX_HEADER_BYTES = 64 * 1024  # nginx allows 32 KiB, h11 16 KiB
logger = logging.getLogger("uvicorn.error")


GC_YOUNGEST = 7_000


class Server(uvicorn.Server):
    """uvicorn's server; once the app has started (the scenario read, the store seeded), what start-up made is
    moved out of the garbage collector's way (``gc.freeze``): a full collection would otherwise walk every object
    of the scenario and the store's seed, a pause of tens of milliseconds on some request (make bench's p99).

    The youngest generation is then collected every GC_YOUNGEST allocations rather than Python's 700: a request
    leaves a few objects behind (its journal record), so passes come often, and each walks the objects of every
    request in flight besides. Under wrk -c32, collection took 6.8 us of a GET at 700 and 3.3 us at 7,000
    (gc.callbacks, same run); a pass then takes about 3 ms, within the p99 of 32 connections."""

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        # The two younger generations only: what start-up left to collect is recent (the automatic passes during
        # the imports and the seeding took the rest; a full pass here found nothing on the shipped scenarios), and a
        # full pass over every object of start-up delayed the first answer by 16-22 ms.
        gc.collect(1)
        gc.freeze()
        gc.set_threshold(GC_YOUNGEST, *gc.get_threshold()[1:])


class ServerConfig(uvicorn.Config):
    """uvicorn's configuration, plus what the protocol classes below read from it."""

    def __init__(self, app: Any, settings: Settings, **kwargs: Any) -> None:
        self.header_timeout: float = settings.header_timeout
        kwargs.setdefault("http", PROTOCOL)
        # No vendor speaks WebSocket, nor does the control plane: without a WebSocket implementation uvicorn does not
        # import one at start-up (websockets and uvicorn's protocol for it: 25-27 ms of a cold start of about half a
        # second), and a request that asks to upgrade is answered as the plain HTTP request it also is (the protocol
        # classes below).
        kwargs.setdefault("ws", "none")
        # uvicorn builds each access-log line (the client's address, the path quoted again) whenever its logger
        # has a handler, before the level is looked at: below info nothing is printed, so nothing is built (about
        # 3 us a request, timed alone: some 1% of a GET).
        kwargs.setdefault("access_log", LOG_LEVELS.index(settings.log_level) >= LOG_LEVELS.index("info"))
        super().__init__(
            app,
            host=settings.host,
            port=settings.port,
            lifespan="on",
            timeout_keep_alive=settings.idle_timeout,
            # The simulator reads X-Forwarded-For itself, only when told to (--trust-proxy-headers): uvicorn's
            # default trusts it from 127.0.0.1, so any local client could pose as another address.
            proxy_headers=False,
            **kwargs,
        )


class _Deadlines(asyncio.Protocol):
    """Mixed into uvicorn's HTTP/1.1 protocol classes (httptools' and h11's share these attributes)."""

    if TYPE_CHECKING:
        config: uvicorn.Config
        loop: asyncio.AbstractEventLoop
        transport: asyncio.Transport
        cycle: Any
        timeout_keep_alive: int
        timeout_keep_alive_task: asyncio.TimerHandle | None

        def timeout_keep_alive_handler(self) -> None: ...

    _header_deadline: asyncio.TimerHandle | None = None
    _header_bytes = 0  # received since the last request began

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        if self.timeout_keep_alive_task is None:
            self.timeout_keep_alive_task = self.loop.call_later(
                self.timeout_keep_alive, self.timeout_keep_alive_handler
            )

    def data_received(self, data: bytes) -> None:
        before = self.cycle
        between_requests = before is None or before.response_complete
        if between_requests:
            self._header_bytes += len(data)
        super().data_received(data)
        if self.cycle is not before:  # a request's headers are complete: it has begun
            self._header_bytes = 0
            self._cancel_header_deadline()
        elif not between_requests or self.transport.is_closing():
            pass
        elif self._header_bytes > MAX_HEADER_BYTES:
            self._headers_too_slow()
        elif self._header_deadline is None:
            seconds: float = getattr(self.config, "header_timeout", 10.0)
            self._header_deadline = self.loop.call_later(seconds, self._headers_too_slow)

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_header_deadline()
        super().connection_lost(exc)

    def _unsupported_upgrade_warning(self) -> None:
        # A request that asks to switch protocols (WebSocket, h2c) is answered as the HTTP request it also is, as a
        # vendor's REST endpoint answers it. uvicorn would warn on every such request, and, with no WebSocket
        # implementation loaded (ServerConfig), tell the user to install one.
        logger.debug("a request asked to upgrade its connection: answered as plain HTTP")

    def _headers_too_slow(self) -> None:
        """Too slow, or too large: either way the request never began."""
        self._cancel_header_deadline()
        if not self.transport.is_closing():
            self.transport.close()

    def _cancel_header_deadline(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None


@functools.cache
def h11_protocol() -> type[asyncio.Protocol]:
    """h11 with the same deadlines: uvicorn's fallback where httptools is missing. Made on first use, since
    importing h11 costs start-up time (about 15 ms) that a server on httptools never needs."""
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class H11WithDeadlines(_Deadlines, H11Protocol):
        pass

    return H11WithDeadlines


PROTOCOL: type[asyncio.Protocol]
try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # pragma: no cover - uvicorn[standard] brings httptools on CPython
    PROTOCOL = h11_protocol()
else:
    # httptools where it is installed: uvicorn's own choice for http="auto".

    class HttpToolsWithDeadlines(_Deadlines, HttpToolsProtocol):
        pass

    PROTOCOL = HttpToolsWithDeadlines
