"""Credentials kept out of everything the simulator shows or prints: the journal, the logs, the webhook deliveries.

A query parameter is a credential by its name as the server reads it, after percent-decoding: Ka-ching's
``api%6Bey=...`` authenticates like ``apikey=...``, so it is masked like it too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote_plus

MASK = "****"


@dataclass(frozen=True)
class Carriers:
    """Where credentials travel: header names (lower case) and query parameter names. Each vendor declares its own
    (Vendor.credentials); the app masks those of every vendor it serves, and COMMON."""

    headers: frozenset[str] = frozenset()
    query: frozenset[str] = frozenset()

    def __or__(self, other: Carriers) -> Carriers:
        return Carriers(self.headers | other.headers, self.query | other.query)


# Names that carry credentials in many APIs, masked whichever vendor a client talks to (and in text no vendor is
# known for: log lines, webhook URLs). The Basic scheme name is kept so a reader sees which kind was sent.
COMMON = Carriers(
    headers=frozenset({"authorization", "api-authorization", "proxy-authorization", "cookie", "x-api-key"}),
    query=frozenset({"apikey", "api_key", "token", "password"}),
)

# A name=value pair of a query (after ? or &), and the password of a URL's user information.
_PAIR = re.compile(r"([?&])([^=&\s\"'#?]*)=([^&\s\"'#]*)")
_USERINFO = re.compile(r"(\b[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@\"']*:)[^@/\s\"']*@")


def secret_name(name: str, carriers: Carriers = COMMON) -> bool:
    """Whether a query parameter of this name (as sent, percent-encoded or not) carries a credential."""
    return unquote_plus(name).strip().lower() in carriers.query


def mask_text(text: str, carriers: Carriers = COMMON) -> str:
    """``text`` (a log line, a URL, an error message) with every credential in a query or a URL masked."""
    masked = _PAIR.sub(lambda m: f"{m[1]}{m[2]}={MASK}" if secret_name(m[2], carriers) else m[0], text)
    return _USERINFO.sub(lambda m: f"{m[1]}{MASK}@", masked)


def mask_query(pairs: list[tuple[str, str]], carriers: Carriers = COMMON) -> dict[str, str]:
    """Decoded query pairs as the journal shows them."""
    return {k: (MASK if secret_name(k, carriers) else v) for k, v in pairs}


def mask_headers(raw: list[tuple[bytes, bytes]], carriers: Carriers = COMMON) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name_b, value_b in raw:
        name, value = name_b.decode("latin-1").lower(), value_b.decode("latin-1")
        if name in carriers.headers:
            scheme, sep, _ = value.partition(" ")
            value = f"{scheme} {MASK}" if sep and scheme.lower() in ("basic", "bearer") else MASK
        headers[name] = value
    return headers
