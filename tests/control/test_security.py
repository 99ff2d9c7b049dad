"""Security: loopback by default, the optional control token, the scenario folder, credentials kept out of logs."""

from __future__ import annotations

import http.client
import inspect
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from simulator import auth
from simulator.config import Settings
from simulator.masking import mask_query
from simulator.masking import mask_text as mask
from tests.support import ROOT, app_for, free_port, in_process, served
from tests.vendors.kaching.conftest import scenario as kaching_scenario
from tests.vendors.kaching.test_webhooks import Receiver, export

pytestmark = pytest.mark.anyio


def test_the_default_bind_is_loopback() -> None:
    assert Settings().host == "127.0.0.1"
    assert Settings.from_env({}).host == "127.0.0.1"


def test_every_vendor_compares_credentials_in_constant_time() -> None:
    assert "compare_digest" in inspect.getsource(auth.same_secret)
    assert "same_secret(" in inspect.getsource(auth.basic_matches)
    for vendor in ("merchantpro", "kaching", "ilevel", "centra"):
        source = (ROOT / "simulator" / "vendors" / vendor / "routes.py").read_text()
        assert "same_secret(" in source or "basic_matches(" in source, vendor


async def test_the_control_token_guards_everything_but_health() -> None:
    async with in_process(app_for(control_token="s3cret")) as c:
        assert (await c.get("/_sim/health")).status_code == 200
        for method, path in [
            ("GET", "/_sim/apis"),
            ("GET", "/_sim/state"),
            ("POST", "/_sim/reset"),
            ("GET", "/_sim/journal"),
            ("POST", "/_sim/faults"),
            ("GET", "/_sim/ka-ching/events"),
            ("GET", "/_sim/sandboxes"),
            ("GET", "/_sim/nope"),
        ]:
            for headers in (
                {},
                {"Authorization": "Bearer wrong"},
                {"Authorization": "Basic s3cret"},
                {"Authorization": "s3cret"},
            ):
                r = await c.request(method, path, headers=headers)
                assert r.status_code == 401, (method, path, headers)
                assert r.json()["error"]["code"] == "unauthorized"
        ok = await c.get("/_sim/apis", headers={"Authorization": "Bearer s3cret"})
        assert ok.status_code == 200
        # Vendor routes keep their own credentials, not the control token.
        r = await c.get("/merchantpro/demo/api/v2/inventory/id/10001", auth=("demo-api-key", "demo-api-secret"))
        assert r.status_code == 200


async def test_no_token_no_guard() -> None:
    async with in_process(app_for()) as c:
        assert (await c.get("/_sim/apis")).status_code == 200


async def test_scenario_files_only_from_the_allowed_folder(tmp_path: Path) -> None:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "small.yaml").write_text(
        "merchantpro:\n  shops: [{name: s, api_key: k, api_secret: p, products: [{id: 1, sku: A, price_net: 1}]}]\n"
    )
    (tmp_path / "secret.yaml").write_text("merchantpro: {}\n")
    (folder / "link.yaml").symlink_to(tmp_path / "secret.yaml")
    async with in_process(app_for(scenario_dir=str(folder))) as c:
        r = await c.post("/_sim/sandboxes", json={"name": "f", "scenario_file": "small.yaml"})
        assert r.status_code == 201, r.text
        assert [a["account"] for a in r.json()["apis"]] == ["s"]
        for name, status in [
            ("../secret.yaml", 400),
            (str(tmp_path / "secret.yaml"), 400),
            ("link.yaml", 400),
            ("/etc/passwd", 400),
            ("missing.yaml", 404),
            ("", 400),
            ("a\0b", 400),
        ]:
            r = await c.post("/_sim/sandboxes", json={"scenario_file": name})
            assert r.status_code == status, (name, r.text)
        r = await c.post("/_sim/sandboxes", json={"scenario_file": "small.yaml", "scenario": {}})
        assert r.status_code == 400
    async with in_process(app_for()) as c:
        r = await c.post("/_sim/sandboxes", json={"scenario_file": "small.yaml"})
        assert r.status_code == 400 and "--scenario-dir" in r.json()["error"]["message"]


def test_log_masking() -> None:
    assert mask('"POST /ka-ching/imports/stock?account=a&integration=q&apikey=K3Y HTTP/1.1"') == (
        '"POST /ka-ching/imports/stock?account=a&integration=q&apikey=**** HTTP/1.1"'
    )
    assert mask("/x?APIKEY=abc&token=t&b=1") == "/x?APIKEY=****&token=****&b=1"


def test_masking_reads_names_as_the_server_does() -> None:
    # Ka-ching decodes the query: api%6Bey is apikey, so it authenticates, and must be masked like it.
    assert mask("/i?account=a&api%6Bey=K3Y&x=1") == "/i?account=a&api%6Bey=****&x=1"
    assert mask("/i?api+key=1&%61pi_key=2&TOKEN=3") == "/i?api+key=1&%61pi_key=****&TOKEN=****"
    assert mask("https://hook:pa55@example.com/h?token=t") == "https://hook:****@example.com/h?token=****"
    assert mask_query([("api%6Bey", "x"), ("apikey", "y"), ("account", "a")]) == {
        "api%6Bey": "****",
        "apikey": "****",
        "account": "a",
    }


def test_credentials_never_reach_the_access_log_nor_the_deliveries(tmp_path: Path) -> None:
    hook = Receiver()
    with served(hook.app) as receiver:
        webhook = receiver.replace("http://", "http://hook-user:hook-pa55@") + "/hook?token=hook-s3cret"
        scenario = tmp_path / "scenario.yaml"
        scenario.write_text(kaching_scenario(export=export(webhook)))
        out, deliveries = _served_process(scenario)
    # The encoded apikey authenticated: its removal is the second event the webhook received.
    assert [e["type"] for e in hook.received] == ["external_reset", "external_removal"]
    assert {d["url"] for d in deliveries} == {webhook.replace("hook-pa55", "****").replace("hook-s3cret", "****")}
    requests = [line for line in out.splitlines() if '" 200' in line]
    assert len(requests) >= 4, out
    assert any("apikey=****" in line for line in requests)
    assert any("api%6Bey=****" in line for line in requests)
    logged = "\n".join(line for line in out.splitlines() if line.split(":", 1)[0] in LEVELS)  # all but the banner
    for secret in ("demo-apikey", "demo-api-secret", "demo-centra-api-token", "hook-pa55", "hook-s3cret"):
        assert secret not in logged


LEVELS = {"TRACE", "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}


def _served_process(scenario: Path) -> tuple[str, list[dict[str, object]]]:
    """Serve ``scenario`` with `python -m simulator`, send requests carrying credentials; its output, deliveries."""
    port = free_port()
    env = {**os.environ, "STOCKSIM_PORT": str(port), "STOCKSIM_LOG_LEVEL": "info", "STOCKSIM_SCENARIO": str(scenario)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "simulator"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(f"{base}/_sim/health", timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
        q = {"account": "demo-account", "integration": "demo-queue", "apikey": "demo-apikey"}
        r = httpx.post(f"{base}/ka-ching/imports/stock", params=q, json={"stock_location_id": {"product1": 1}})
        assert r.status_code == 200
        # http.client sends the target as written: the name percent-encoded, which the server decodes.
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        encoded = "/ka-ching/imports/stock?account=demo-account&integration=demo-queue&api%6Bey=demo-apikey"
        conn.request("DELETE", encoded, body=b'{"stock_location_id": {"product1": 1}}')
        assert conn.getresponse().status == 200
        conn.close()
        httpx.get(f"{base}/merchantpro/demo/api/v2/inventory/id/10001", auth=("demo-api-key", "demo-api-secret"))
        httpx.get(f"{base}/centra/demo/stock", headers={"API-Authorization": "demo-centra-api-token"})
        deadline = time.monotonic() + 20
        while len(deliveries := httpx.get(f"{base}/_sim/ka-ching/deliveries").json()["deliveries"]) < 2:
            assert time.monotonic() < deadline, "no webhook delivery"
            time.sleep(0.05)
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=10)
    return out, deliveries
