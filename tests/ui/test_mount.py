"""Where the dashboard lives: /_sim/ui/ on the simulator's own port; ``/`` sends a browser there and still gives a
JSON client the JSON 404; every page renders, with headers that keep data from running as script."""

from __future__ import annotations

import httpx
import pytest

from simulator.ui.routes import routes
from tests.ui.support import UI

pytestmark = pytest.mark.anyio
PAGES = ["/", "/sandboxes/default/accounts", "/sandboxes/default/stock", "/sandboxes/default/journal",
         "/sandboxes/default/faults", "/sandboxes/default/clock", "/sandboxes/default/extras"]  # fmt: skip


async def test_a_browser_asking_for_the_root_is_sent_to_the_dashboard(ui: httpx.AsyncClient) -> None:
    r = await ui.get("/", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert (r.status_code, r.headers["location"]) == (303, f"{UI}/")
    r = await ui.get(UI)
    assert (r.status_code, r.headers["location"]) == (303, f"{UI}/")


async def test_a_json_client_still_gets_the_json_404_at_the_root(ui: httpx.AsyncClient) -> None:
    for headers in ({}, {"Accept": "application/json"}, {"Accept": "*/*"}):
        r = await ui.get("/", headers=headers)
        assert r.status_code == 404
        assert r.json()["error"]["code"] == "not_found"
    r = await ui.post("/", headers={"Accept": "text/html"})
    assert r.status_code in (404, 405) and r.headers["content-type"] == "application/json"


@pytest.mark.parametrize("page", PAGES)
async def test_every_page_renders_with_protective_headers(ui: httpx.AsyncClient, page: str) -> None:
    r = await ui.get(UI + page)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/html")
    policy = r.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["cache-control"] == "no-store"
    assert "<script>" not in r.text, "no inline script: the policy would refuse it anyway"


async def test_static_assets_are_served_from_the_package(ui: httpx.AsyncClient) -> None:
    for name, kind in (("app.css", "text/css"), ("app.js", "javascript"), ("journal.js", "javascript")):
        r = await ui.get(f"{UI}/static/{name}")
        assert r.status_code == 200 and kind in r.headers["content-type"], name


async def test_unknown_pages_and_sandboxes_are_html_404s(ui: httpx.AsyncClient) -> None:
    for path in ("/nope", "/sandboxes/missing/stock", "/sandboxes/default/journal/999999"):
        r = await ui.get(UI + path)
        assert r.status_code == 404, path
        assert r.headers["content-type"].startswith("text/html")


def test_every_route_is_a_get_page_or_a_post_form() -> None:
    methods = {
        m for mount in routes() for r in getattr(mount, "routes", []) for m in (getattr(r, "methods", None) or ())
    }
    assert methods <= {"GET", "HEAD", "POST"}
