"""curl command lines: one per account (its example request, signed as the account signs), and one per journal
entry (the request as it was received, credentials masked as the journal keeps them)."""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from simulator.vendors.base import Vendor

# Set by curl itself, or meaningless on a replay.
SKIPPED_HEADERS = {"host", "content-length", "connection", "transfer-encoding", "accept-encoding", "user-agent"}


def for_account(api: Mapping[str, Any]) -> str:
    """The account's example request (or its base URL), with the credentials its auth scheme names."""
    url = api.get("example_url") or api["base_url"]
    auth = api.get("auth") or {}
    parts = ["curl", "-sS"]
    scheme = auth.get("scheme")
    if scheme == "basic":
        parts += ["-u", f"{auth.get('username', '')}:{auth.get('password', '')}"]
    elif scheme == "header":
        parts += ["-H", f"{auth.get('header', 'Authorization')}: {auth.get('token', '')}"]
    # "query": the example URL already carries the credentials.
    return " ".join(shlex.quote(p) for p in [*parts, url])


def entry_url(root: str, vendor: Vendor | None, entry: Mapping[str, Any]) -> str:
    """Where the entry's request went: the toolkit records the path below the account (or below the vendor, when
    the account travels in the query)."""
    name: str = entry["vendor"]
    account = entry.get("account")
    base = f"/{name}"
    if vendor is not None and vendor.account_query is None and account is not None:
        base += f"/{account}"
    query = entry.get("query") or {}
    path: str = entry["path"]
    return root + base + path + ("?" + urlencode(query) if query else "")


def for_entry(url: str, entry: Mapping[str, Any]) -> str:
    parts = ["curl", "-sS", "-X", entry["method"]]
    for name, value in (entry.get("headers") or {}).items():
        if name not in SKIPPED_HEADERS:
            parts += ["-H", f"{name}: {value}"]
    if entry.get("body"):
        parts += ["--data-raw", entry["body"]]
    return " ".join(shlex.quote(p) for p in [*parts, url])
