"""Credentials kept out of everything the simulator shows or prints: the journal, the logs, the webhook deliveries.

A query parameter is a credential by its name as the server reads it, after percent-decoding: Ka-ching's
``api%6Bey=...`` authenticates like ``apikey=...``, so it is masked like it too.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_plus

MASK = "****"
# Headers that carry credentials; the Basic scheme name is kept so a reader sees which kind was sent.
SECRET_HEADERS = frozenset({"authorization", "api-authorization", "proxy-authorization", "cookie", "x-api-key"})
SECRET_QUERY = frozenset({"apikey", "api_key", "token", "password"})

# A name=value pair of a query (after ? or &), and the password of a URL's user information.
_PAIR = re.compile(r"([?&])([^=&\s\"'#?]*)=([^&\s\"'#]*)")
_USERINFO = re.compile(r"(\b[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@\"']*:)[^@/\s\"']*@")


def secret_name(name: str) -> bool:
    """Whether a query parameter of this name (as sent, percent-encoded or not) carries a credential."""
    return unquote_plus(name).strip().lower() in SECRET_QUERY


def mask_text(text: str) -> str:
    """``text`` (a log line, a URL, an error message) with every credential in a query or a URL masked."""
    masked = _PAIR.sub(lambda m: f"{m[1]}{m[2]}={MASK}" if secret_name(m[2]) else m[0], text)
    return _USERINFO.sub(lambda m: f"{m[1]}{MASK}@", masked)


def mask_query(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """Decoded query pairs as the journal shows them."""
    return {k: (MASK if secret_name(k) else v) for k, v in pairs}


def mask_headers(raw: list[tuple[bytes, bytes]]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name_b, value_b in raw:
        name, value = name_b.decode("latin-1").lower(), value_b.decode("latin-1")
        if name in SECRET_HEADERS:
            scheme, sep, _ = value.partition(" ")
            value = f"{scheme} {MASK}" if sep and scheme.lower() in ("basic", "bearer") else MASK
        headers[name] = value
    return headers
