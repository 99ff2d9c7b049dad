"""Secure by default off loopback, over real sockets: a generated control token, webhooks only to allowed hosts,
client addresses that a request header cannot forge (unless a proxy is trusted), and a Host header that never
reaches an answer unchecked."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from typing import Any

import httpx
import pytest

from simulator.webhooks import allowed
from tests.support import app_for, basic, free_port, served

MERCHANTPRO = "/merchantpro/demo/api/v2/inventory/id/10001"
KACHING = "/ka-ching/imports/stock"
KACHING_AUTH = {"account": "demo-account", "integration": "demo-queue", "apikey": "demo-apikey"}


def _scenario_with_webhook(url: str) -> dict[str, Any]:
    return {
        "ka_ching": {
            "accounts": [
                {
                    "id": "a",
                    "import_queues": [{"id": "q", "apikey": "k"}],
                    "stock_locations": [{"id": "l"}],
                    "export_queues": [{"id": "e", "webhook_url": url}],
                }
            ]
        }
    }


@pytest.mark.parametrize(
    ("host", "generated"), [("0.0.0.0", True), ("127.0.0.1", False)], ids=["every-interface", "loopback"]
)
def test_off_loopback_the_control_plane_gets_a_printed_token(host: str, generated: bool) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STOCKSIM_")}
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "simulator", "--host", host, "--port", str(port), "--log-level", "warning"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        lines = []
        while not (line := proc.stdout.readline()).startswith("  "):  # the banner, up to its first account
            lines.append(line)
        tokens = [line.split()[2] for line in lines if line.startswith("control token: ")]
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            try:
                assert httpx.get(f"{base}/_sim/health", timeout=1).status_code == 200  # open, for health checks
                break
            except httpx.TransportError:
                assert proc.poll() is None and time.monotonic() < deadline, "server did not start"
                time.sleep(0.1)
        if not generated:
            assert tokens == []
            assert httpx.get(f"{base}/_sim/apis").status_code == 200
            return
        [token] = tokens
        assert len(token) >= 32
        assert httpx.get(f"{base}/_sim/apis").status_code == 401
        assert httpx.get(f"{base}/_sim/apis", headers={"Authorization": "Bearer nope"}).status_code == 401
        assert httpx.get(f"{base}/_sim/apis", headers={"Authorization": f"Bearer {token}"}).status_code == 200
        # Vendor routes keep their own credentials.
        assert httpx.get(base + MERCHANTPRO, headers=basic("demo-api-key", "demo-api-secret")).status_code == 200
    finally:
        proc.terminate()
        proc.communicate(timeout=10)


def test_an_exposed_server_refuses_posted_webhooks_outside_the_allow_list() -> None:
    hook = "http://127.0.0.1:9/internal-admin"
    # The scenario the server starts on is the operator's: its webhooks are trusted.
    trusted = app_for(
        f"ka_ching: {{accounts: [{{id: a, export_queues: [{{id: e, webhook_url: '{hook}'}}]}}]}}\n",
        host="0.0.0.0",
        control_token="t",
        webhook_allow=("hooks.test", "https://h.test/in/"),
    )
    auth = {"Authorization": "Bearer t"}
    with served(trusted) as base:
        r = httpx.post(f"{base}/_sim/sandboxes", json={"scenario": _scenario_with_webhook(hook)}, headers=auth)
        assert r.status_code == 400, r.text
        message = r.json()["error"]["message"]
        assert hook in message and "--webhook-allow" in message
        yaml = f"ka_ching: {{accounts: [{{id: a, export_queues: [{{id: e, webhook_url: '{hook}'}}]}}]}}\n"
        r = httpx.post(f"{base}/_sim/sandboxes", content=yaml, headers={**auth, "Content-Type": "application/yaml"})
        assert r.status_code == 400, r.text
        r = httpx.post(f"{base}/_sim/sandboxes", json={"scenario": yaml}, headers=auth)
        assert r.status_code == 400, r.text
        assert httpx.get(f"{base}/_sim/sandboxes", headers=auth).json()["sandboxes"][0]["name"] == "default"
        assert len(httpx.get(f"{base}/_sim/sandboxes", headers=auth).json()["sandboxes"]) == 1
        for good in ("http://hooks.test/x", "https://h.test/in/stock"):
            r = httpx.post(f"{base}/_sim/sandboxes", json={"scenario": _scenario_with_webhook(good)}, headers=auth)
            assert r.status_code == 201, r.text
    with served(app_for()) as base:  # on loopback, the caller is this machine's own
        r = httpx.post(f"{base}/_sim/sandboxes", json={"scenario": _scenario_with_webhook(hook)})
        assert r.status_code == 201, r.text


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("http://hooks.test/x", True),
        ("https://HOOKS.test:8443/x", True),
        ("http://a.hooks.test/x", False),
        ("http://sub.wild.test/", True),
        ("http://wild.test/", False),
        ("http://hooks.test@evil.test/", False),  # the host called is evil.test
        ("http://evil.test/#@hooks.test", False),
        ("https://h.test/in/stock", True),
        ("https://h.test/in/", True),
        ("https://h.test/out/", False),
        ("http://h.test/in/", False),  # another scheme
        ("https://h.test:444/in/", False),  # another port
        ("https://h.test.evil.test/in/", False),
        ("https://h.test:443/in/x", True),
        ("http://[::1]:8080/", True),
        ("http://127.0.0.1/", False),
        ("ftp://hooks.test/", False),
        ("not a url", False),
    ],
)
def test_allow_list_matching(url: str, ok: bool) -> None:
    assert allowed(url, ("hooks.test", "*.wild.test", "https://h.test/in/", "::1")) is ok


def _lock_out(base: str, headers: dict[str, str]) -> list[int]:
    wrong = basic("demo-api-key", "wrong")
    return [httpx.get(base + MERCHANTPRO, headers={**wrong, **headers}).status_code for _ in range(6)]


def test_the_lockout_is_keyed_on_the_peer_whatever_x_forwarded_for_says() -> None:
    with served(app_for()) as base:
        assert _lock_out(base, {}) == [401] * 5 + [403]
        r = httpx.get(
            base + MERCHANTPRO,
            headers={**basic("demo-api-key", "demo-api-secret"), "X-Forwarded-For": "203.0.113.9"},
        )
        assert r.status_code == 403, "a header does not make the locked-out client another one"


def test_behind_a_trusted_proxy_the_address_is_the_one_the_proxy_added() -> None:
    with served(app_for(trust_proxy_headers=True)) as base:
        # The proxy appends the peer it saw: a client-written first entry changes nothing.
        assert _lock_out(base, {"X-Forwarded-For": "198.51.100.1, 203.0.113.9"}) == [401] * 5 + [403]
        good = basic("demo-api-key", "demo-api-secret")
        r = httpx.get(base + MERCHANTPRO, headers={**good, "X-Forwarded-For": "198.51.100.2, 203.0.113.9"})
        assert r.status_code == 403
        r = httpx.get(base + MERCHANTPRO, headers={**good, "X-Forwarded-For": "203.0.113.9, 203.0.113.10"})
        assert r.status_code == 200, "another client behind the proxy is not locked out"
        httpx.post(
            base + KACHING,
            params=KACHING_AUTH,
            json={"stock_location_id": {"p": 1}},
            headers={"X-Forwarded-For": "192.0.2.7"},
        )
        log = httpx.get(f"{base}/_sim/ka-ching/queues/demo-queue/log").json()
        assert [a["client"] for a in log["accesses"]] == ["192.0.2.7"]


@pytest.mark.parametrize(
    "host",
    ['evil.test/"><script>x</script>', "a b", "x" * 300, "evil.test:80/path", "user@evil.test", ""],
    ids=["markup", "space", "long", "path", "userinfo", "empty"],
)
def test_a_malformed_host_header_never_reaches_an_answer(host: str) -> None:
    with served(app_for()) as base:
        port = base.rsplit(":", 1)[1]
        for path in ("/_sim/apis", "/_sim/sandboxes", "/_sim/openapi/merchantpro.json"):
            r = httpx.get(base + path, headers={"Host": host})
            assert r.status_code == 200, r.text
            assert host not in r.text if host else True
            assert f"http://127.0.0.1:{port}" in r.text
        r = httpx.get(base + "/_sim/apis", headers={"Host": "sim.example.com:8443"})
        assert r.json()["root_url"] == "http://sim.example.com:8443"
