"""Security: loopback by default, the optional control token, the scenario folder, credentials kept out of logs."""

from __future__ import annotations

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
from simulator.logs import mask
from tests.support import ROOT, app_for, free_port, in_process

pytestmark = pytest.mark.anyio


def test_the_default_bind_is_loopback() -> None:
    assert Settings().host == "127.0.0.1"
    assert Settings.from_env({}).host == "127.0.0.1"


def test_every_vendor_compares_credentials_in_constant_time() -> None:
    assert "compare_digest" in inspect.getsource(auth.same_secret)
    for vendor in ("merchantpro", "kaching", "ilevel", "centra"):
        source = (ROOT / "simulator" / "vendors" / vendor / "routes.py").read_text()
        assert "same_secret(" in source, vendor


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


def test_credentials_never_reach_the_access_log() -> None:
    port = free_port()
    env = {**os.environ, "STOCKSIM_PORT": str(port), "STOCKSIM_LOG_LEVEL": "info"}
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
        assert (
            httpx.post(
                f"{base}/ka-ching/imports/stock", params=q, json={"stock_location_id": {"product1": 1}}
            ).status_code
            == 200
        )
        httpx.get(f"{base}/merchantpro/demo/api/v2/inventory/id/10001", auth=("demo-api-key", "demo-api-secret"))
        httpx.get(f"{base}/centra/demo/stock", headers={"API-Authorization": "demo-centra-api-token"})
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=10)
    requests = [line for line in out.splitlines() if '" 200' in line]
    assert len(requests) >= 3, out
    assert any("apikey=****" in line for line in requests)
    for line in requests:
        for secret in ("demo-apikey", "demo-api-secret", "demo-centra-api-token"):
            assert secret not in line
