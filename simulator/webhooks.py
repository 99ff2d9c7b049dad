"""Which URLs a scenario posted to the control plane may make the server call (Ka-ching's export webhooks).

On a server others can reach, a posted scenario is a stranger's: its webhooks would make the server POST to any
address it can reach (an internal service, a cloud metadata endpoint). There they must match --webhook-allow: a
host glob (``hooks.example.com``, ``*.test``, ``10.0.0.7``) or a URL prefix (``https://hooks.example.com/stock/``:
the same scheme, host and port, and a path that starts with the prefix's). URLs are read by httpx, the client that
sends the webhooks, so the host checked is the host called (``http://a.test@b.test/`` calls b.test).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence

_PORTS = {"http": 80, "https": 443}


def allowed(url: str, patterns: Sequence[str]) -> bool:
    import httpx

    try:
        target = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError):
        return False
    host = target.host.lower()
    if target.scheme not in _PORTS or not host:
        return False
    for pattern in patterns:
        if "://" not in pattern:
            if fnmatch.fnmatchcase(host, pattern.lower().strip("[]")):
                return True
            continue
        try:
            prefix = httpx.URL(pattern)
        except (httpx.InvalidURL, TypeError, ValueError):
            continue
        if (prefix.scheme, prefix.host.lower(), prefix.port or _PORTS.get(prefix.scheme)) == (
            target.scheme,
            host,
            target.port or _PORTS[target.scheme],
        ) and target.path.startswith(prefix.path):
            return True
    return False


def refused(urls: Iterable[str], patterns: Sequence[str]) -> list[str]:
    return [url for url in urls if not allowed(url, patterns)]
