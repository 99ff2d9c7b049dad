"""The accounts page: every vendor account of the sandbox, its base URL and credentials to copy, and a curl command
that works as pasted."""

from __future__ import annotations

import html
import re
import shlex

import httpx
import pytest

from simulator.ui.curl import for_account
from tests.ui.support import UI, post

pytestmark = pytest.mark.anyio


async def test_each_account_has_its_url_credentials_and_curl(ui: httpx.AsyncClient) -> None:
    apis = (await ui.get("/_sim/apis")).json()["apis"]
    page = (await ui.get(f"{UI}/sandboxes/default/accounts")).text
    copies = {html.unescape(v) for v in re.findall(r'data-copy="([^"]*)"', page)}
    for api in apis:
        assert f'data-vendor="{api["vendor"]}" data-account="{api["account"]}"' in page
        assert api["base_url"] in copies
        assert for_account(api) in copies
        for key, value in api["auth"].items():
            if key != "scheme":
                assert str(value) in copies, (api["vendor"], key)


async def test_a_sandbox_s_urls_lead_into_it(ui: httpx.AsyncClient) -> None:
    await post(ui, "/sandboxes", {"name": "other", "source": "loaded"})
    page = (await ui.get(f"{UI}/sandboxes/other/accounts")).text
    assert "http://sim.test/sandboxes/other/merchantpro/shop" in page


async def test_the_curl_commands_answer(ui: httpx.AsyncClient) -> None:
    for api in (await ui.get("/_sim/apis")).json()["apis"]:
        if not api.get("example_url"):
            continue
        argv = shlex.split(for_account(api))
        headers, auth = {}, None
        for flag, value in zip(argv, argv[1:], strict=False):
            if flag == "-H":
                name, _, given = value.partition(": ")
                headers[name] = given
            elif flag == "-u":
                user, _, password = value.partition(":")
                auth = (user, password)
        r = await ui.get(argv[-1], headers=headers, auth=auth)
        assert r.status_code == 200, (api["vendor"], r.text)
