"""The README's and docs/dashboard.md's pictures, made by the browser tests' own harness:
``.venv/bin/python -m tests.ui.screenshots`` writes docs/images/dashboard-*.png (Debian's Chromium, headless).

The scenario is the shipped default plus a generated shop; a few requests, one of them meeting a fault, give the
journal something to show."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
from playwright.sync_api import Page

from simulator.app import create_app, load_scenario
from simulator.config import Settings
from tests.support import ROOT, basic, served
from tests.ui.browser import chromium

OUT = ROOT / "docs" / "images"
UI = "/_sim/ui/sandboxes/default"
DEMO = basic("demo-api-key", "demo-api-secret")


def traffic(client: httpx.Client) -> None:
    client.post(
        "/_sim/faults",
        json={"match": {"vendor": "centra"}, "when": {"first": 1}, "action": {"kind": "status", "status": 503}},
    )
    client.get("/merchantpro/demo/api/v2/inventory/id/10001", headers=DEMO)
    client.patch("/merchantpro/demo/api/v2/inventory/id/10001", json={"stock": 7}, headers=DEMO)
    client.get("/merchantpro/demo/api/v2/inventory/sku/NOPE", headers=DEMO)
    client.post("/centra/demo/stock", json={"products": [{"product": "1234567890123", "quantity": 4}]},
                headers={"API-Authorization": "demo-centra-api-token"})  # fmt: skip
    client.get("/centra/demo/stock?limit=2", headers={"API-Authorization": "demo-centra-api-token"})
    client.post("/ka-ching/imports/stock?account=demo-account&integration=demo-queue&apikey=demo-apikey",
                json={"stock_location_id": {"product1": 9}})  # fmt: skip
    client.post(
        "/_sim/faults",
        json={"id": "slow-ilevel", "match": {"vendor": "ilevel"}, "action": {"kind": "latency", "fixed": 0.5}},
    )


def shoot(page: Page, url: str, name: str, width: int = 1280, height: int = 860) -> Path:
    page.set_viewport_size({"width": width, "height": height})
    page.goto(url)
    page.wait_for_load_state("networkidle") if "journal" not in url else time.sleep(0.5)
    path = OUT / f"dashboard-{name}.png"
    page.screenshot(path=str(path))
    return path


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    app = create_app(Settings(), load_scenario(None))
    with served(app) as url, chromium() as browser, httpx.Client(base_url=url, timeout=10) as client:
        client.post("/_sim/sandboxes", json={"name": "checkout-tests"})
        traffic(client)
        time.sleep(0.3)
        page = browser.new_page()
        made = [
            shoot(page, f"{url}/_sim/ui/", "sandboxes"),
            shoot(page, f"{url}{UI}/accounts", "accounts"),
            shoot(page, f"{url}{UI}/journal", "journal"),
            shoot(page, f"{url}{UI}/journal/2", "entry"),
            shoot(page, f"{url}{UI}/stock?vendor=merchantpro&account=demo&changed=1", "stock-changed"),
            shoot(page, f"{url}{UI}/faults", "faults"),
            shoot(page, f"{url}{UI}/clock", "clock", height=520),
            shoot(page, f"{url}{UI}/journal", "journal-phone", width=390, height=844),
        ]
        for path in made:
            print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
