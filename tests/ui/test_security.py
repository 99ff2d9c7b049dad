"""The dashboard's guard: with --control-token, a login form and an HttpOnly, SameSite=Strict session cookie;
every state-changing request is a POST with a CSRF token; every value a request brought in is escaped."""

from __future__ import annotations

import re

import httpx
import pytest
from starlette.routing import Mount, Route

from simulator.ui import security
from simulator.ui.routes import routes
from tests.support import app_for, basic, in_process
from tests.ui.support import MP_AUTH, SCENARIO, UI, XSS, csrf, post

pytestmark = pytest.mark.anyio
TOKEN = "s3cret-token"
FILL = {"name": "default", "entry": "1", "rule": "r", "vendor": "ilevel", "action": "add"}


def post_paths() -> list[str]:
    found = []
    for mount in routes():
        assert isinstance(mount, Mount)
        for route in mount.routes:
            if isinstance(route, Route) and "POST" in (route.methods or ()):
                found.append(re.sub(r"\{(\w+)\}", lambda m: FILL[m[1]], route.path))
    return found


async def test_the_dashboard_asks_for_the_control_token_and_keeps_a_session() -> None:
    async with in_process(app_for(SCENARIO, control_token=TOKEN)) as c:
        r = await c.get(f"{UI}/sandboxes/default/stock?vendor=x")
        assert r.status_code == 303
        assert r.headers["location"] == f"{UI}/login?next=%2F_sim%2Fui%2Fsandboxes%2Fdefault%2Fstock%3Fvendor%3Dx"
        assert (await c.get(f"{UI}/sandboxes/default/journal/stream")).status_code == 401
        page = await c.get(f"{UI}/login")
        assert page.status_code == 200 and 'type="password"' in page.text
        token = c.cookies[security.CSRF]
        wrong = await c.post(f"{UI}/login", data={"csrf": token, "token": "nope", "next": f"{UI}/"})
        assert wrong.status_code == 401 and security.SESSION not in c.cookies
        ok = await c.post(f"{UI}/login", data={"csrf": token, "token": TOKEN, "next": f"{UI}/sandboxes/default/faults"})
        assert (ok.status_code, ok.headers["location"]) == (303, f"{UI}/sandboxes/default/faults")
        cookie = next(h for h in ok.headers.get_list("set-cookie") if h.startswith(security.SESSION))
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie and f"Path={UI}" in cookie
        assert TOKEN not in cookie, "the cookie holds a value derived from the token, not the token"
        assert (await c.get(f"{UI}/sandboxes/default/faults")).status_code == 200
        # The JSON control plane is guarded as before: the session cookie is no bearer token.
        assert (await c.get("/_sim/apis")).status_code == 401
        out = await post(c, "/logout", follow=False)
        assert out.status_code == 303
        assert (await c.get(f"{UI}/")).status_code == 303


async def test_sign_in_only_sends_to_dashboard_pages() -> None:
    async with in_process(app_for(SCENARIO, control_token=TOKEN)) as c:
        await c.get(f"{UI}/login")
        for target in ("https://evil.example/", "//evil.example/x", f"{UI}/..//evil", "/merchantpro/x"):
            data = {"csrf": c.cookies[security.CSRF], "token": TOKEN, "next": target}
            r = await c.post(f"{UI}/login", data=data)
            assert r.headers["location"] == f"{UI}/", target


async def test_a_session_for_another_token_is_refused() -> None:
    async with in_process(app_for(SCENARIO, control_token=TOKEN)) as c:
        c.cookies.set(security.SESSION, security.session_value("another"), path=UI)
        assert (await c.get(f"{UI}/")).status_code == 303


@pytest.mark.parametrize("path", post_paths())
async def test_every_post_needs_the_forms_csrf_token(ui: httpx.AsyncClient, path: str) -> None:
    token = await csrf(ui)
    missing = await ui.post(UI + path, data={"name": "x"})
    assert missing.status_code == 403, path
    stale = await ui.post(UI + path, data={"csrf": "x" * 43})
    assert stale.status_code == 403, path
    other_site = await ui.post(UI + path, data={"csrf": token}, headers={"Sec-Fetch-Site": "cross-site"})
    assert other_site.status_code == 403, path


async def test_a_refused_post_changes_nothing(ui: httpx.AsyncClient) -> None:
    await ui.post(f"{UI}/sandboxes", data={"name": "sneaky"})
    await ui.post(f"{UI}/sandboxes/default/faults", data={"template": "unavailable"})
    assert [s["name"] for s in (await ui.get("/_sim/sandboxes")).json()["sandboxes"]] == ["default"]
    assert (await ui.get("/_sim/faults")).json()["faults"] == []


async def test_a_script_sku_is_text_on_every_page(ui: httpx.AsyncClient) -> None:
    r = await ui.patch("/merchantpro/shop/api/v2/inventory/id/2", json={"stock": 3}, headers=basic(*MP_AUTH))
    assert r.status_code == 200, r.text
    await ui.get(f"/merchantpro/shop/api/v2/inventory/sku/{XSS}", headers={**basic(*MP_AUTH), "X-Note": XSS})
    escaped = "&lt;script&gt;window.__xss=1&lt;/script&gt;"
    pages = [
        "/sandboxes/default/stock?vendor=merchantpro&account=shop",
        "/sandboxes/default/stock?vendor=merchantpro&account=shop&q=%3Cscript",
        "/sandboxes/default/stock?vendor=merchantpro&account=shop&changed=1",
        "/sandboxes/default/journal",
        "/sandboxes/default/journal/2",
        f"/sandboxes/default/stock?vendor=merchantpro&account=shop&q={XSS}",
    ]
    for page in pages:
        r = await ui.get(UI + page)
        assert r.status_code == 200, page
        assert "<script>window" not in r.text and "<img src=x" not in r.text, page
        assert escaped in r.text or "&lt;script" in r.text, page
