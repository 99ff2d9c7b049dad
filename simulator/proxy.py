"""Behind a reverse proxy (--trust-proxy-headers): the client's address and scheme as the proxy saw them.

Without the setting, X-Forwarded-For is ignored: the address is the socket's peer, so a client cannot pose as
another (and dodge MerchantPro's lockout, keyed on the address) by sending the header. With it, the address is the
header's last entry: the one the proxy in front added (nginx's ``$proxy_add_x_forwarded_for`` appends the peer it
saw to whatever the client sent; ``$remote_addr`` sends that address alone), never one the client wrote.
"""

from __future__ import annotations

import ipaddress

from starlette.types import Scope


def apply_forwarded(scope: Scope) -> None:
    """Replace the scope's client and scheme with X-Forwarded-For's and X-Forwarded-Proto's, when they are valid."""
    forwarded_for = forwarded_proto = None
    for name, value in scope.get("headers", []):
        if name == b"x-forwarded-for":
            forwarded_for = value  # the last header line: the nearest proxy's
        elif name == b"x-forwarded-proto":
            forwarded_proto = value
    if forwarded_for is not None:
        address = forwarded_for.decode("latin-1").split(",")[-1].strip()
        try:
            ipaddress.ip_address(address)
        except ValueError:
            pass
        else:
            scope["client"] = (address, 0)
    if forwarded_proto is not None:
        scheme = forwarded_proto.decode("latin-1").split(",")[-1].strip().lower()
        if scheme in ("http", "https"):
            scope["scheme"] = scheme
