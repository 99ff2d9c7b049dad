"""Closing a client's connection from inside an ASGI app, the way a flaky network would.

ASGI has no message for "close without answering". uvicorn's ``send`` is a bound method of the request cycle,
whose ``transport`` is the socket's: the app stashes that raw ``send`` (app.SimulatorApp) and we close its transport
here. In process (httpx's ASGITransport) there is no socket: the caller raises instead.
"""

from __future__ import annotations

import socket
import struct
from typing import Any


def transport_of(raw_send: Any) -> Any | None:
    cycle = getattr(raw_send, "__self__", None)
    return getattr(cycle, "transport", None)


def close(raw_send: Any, *, reset: bool) -> bool:
    """Close the connection (FIN), or reset it (RST) when ``reset``; False if there is no socket to close."""
    transport = transport_of(raw_send)
    if transport is None:
        return False
    if reset:
        sock = transport.get_extra_info("socket")
        if sock is not None:
            # Linger on, timeout 0: close() discards unsent data and sends RST instead of FIN.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        transport.abort()
    else:
        transport.close()
    return True
