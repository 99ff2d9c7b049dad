"""Sandboxes across shards. Behind a proxy that routes by sandbox name, each instance holds some sandboxes and lists
only its own; one started with ``--peers`` also asks the others (``GET /_sim/sandboxes?all=1``) and merges the
answers. Every peer is asked at once and given ``PEER_TIMEOUT_SECONDS``: a dead or slow peer is reported in the
answer, never a failure of it, and never a wait longer than that.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
from collections.abc import Mapping, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any

import msgspec
from starlette.concurrency import run_in_threadpool

from simulator.config import Settings

if TYPE_CHECKING:
    import httpx

PEER_TIMEOUT_SECONDS = 2.0


class _Listing(msgspec.Struct):
    """The part of a peer's ``GET /_sim/sandboxes`` this module reads."""

    instance: str
    sandboxes: list[dict[str, Any]]


class PeerAnswer(msgspec.Struct, omit_defaults=True):
    url: str
    status: str  # ok | unreachable | error
    instance: str | None = None
    sandboxes: list[dict[str, Any]] = msgspec.field(default_factory=list)
    error: str | None = None

    def summary(self) -> dict[str, Any]:
        """How the merged listing reports the peer: its name, where it was asked, and how that went."""
        found: dict[str, Any] = {"instance": self.instance, "url": self.url, "status": self.status}
        if self.status == "ok":
            found["sandboxes"] = len(self.sandboxes)
        else:
            found["error"] = self.error
        return found


def instance_name(settings: Settings) -> str:
    """``--instance-name``, else this host's name and the port it serves on (unique on a host, and in Kubernetes
    the pod's name)."""
    return settings.instance_name or f"{socket.gethostname()}:{settings.port}"


async def ask(urls: Sequence[str], headers: Mapping[str, str]) -> list[PeerAnswer]:
    """Every peer's own listing, asked at once; ``headers`` go with each request (the control token, the Host the
    client used, so that the URLs peers describe are the ones the client can reach)."""
    if not urls:
        return []
    httpx, context = await run_in_threadpool(_client_parts)
    async with httpx.AsyncClient(
        verify=context, timeout=PEER_TIMEOUT_SECONDS, trust_env=False, headers=dict(headers)
    ) as client:
        return list(await asyncio.gather(*(_ask_one(client, url) for url in urls)))


def _client_parts() -> tuple[ModuleType, ssl.SSLContext]:
    # Importing httpx (about 100 ms) and loading the CA bundle (tens of ms): in a worker thread, on first use, so
    # neither start-up nor the event loop pays for them.
    import httpx

    return httpx, httpx.create_ssl_context()


async def _ask_one(client: httpx.AsyncClient, url: str) -> PeerAnswer:
    import httpx  # imported by now (_client_parts)

    try:
        async with asyncio.timeout(PEER_TIMEOUT_SECONDS):
            response = await client.get(f"{url}/_sim/sandboxes")
    except (httpx.HTTPError, TimeoutError) as exc:
        reason = str(exc) or type(exc).__name__
        if isinstance(exc, TimeoutError | httpx.TimeoutException):
            reason = f"no answer within {PEER_TIMEOUT_SECONDS:g} s"
        return PeerAnswer(url, "unreachable", error=reason)
    if response.status_code != 200:
        return PeerAnswer(url, "error", error=f"GET /_sim/sandboxes answered {response.status_code}")
    try:
        listing = msgspec.json.decode(response.content, type=_Listing)
    except msgspec.DecodeError:
        return PeerAnswer(url, "error", error="GET /_sim/sandboxes did not answer a simulator's sandbox listing")
    return PeerAnswer(url, "ok", listing.instance, listing.sandboxes)
