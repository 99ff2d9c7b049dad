"""Fault rules from the dashboard: templates, the form and JSON all go through POST /_sim/faults; the list shows how
often each matched and fired; remove one or all."""

from __future__ import annotations

import httpx
import pytest

from simulator.ui.faults import TEMPLATES, rule_from
from tests.support import basic
from tests.ui.support import MP_AUTH, post

pytestmark = pytest.mark.anyio
PRODUCT = "/merchantpro/shop/api/v2/inventory/id/1"


async def rules(client: httpx.AsyncClient) -> list[dict[str, object]]:
    found: list[dict[str, object]] = (await client.get("/_sim/faults")).json()["faults"]
    return found


async def test_a_template_fires_on_the_next_call_and_the_list_counts_it(ui: httpx.AsyncClient) -> None:
    page = await post(ui, "/sandboxes/default/faults", {"template": "unavailable", "vendor": "merchantpro"})
    assert "Fault rule rule-1 added" in page.text
    [rule] = await rules(ui)
    assert rule["rule"] == {
        "match": {"vendor": "merchantpro"},
        "when": {"first": 1},
        "action": TEMPLATES["unavailable"].action,
    }
    assert (await ui.get(PRODUCT, headers=basic(*MP_AUTH))).status_code == 503
    assert (await ui.get(PRODUCT, headers=basic(*MP_AUTH))).status_code == 200
    page = await ui.get("/_sim/ui/sandboxes/default/faults")
    assert '<td class="num fired">1</td>' in page.text
    journal = await ui.get("/_sim/ui/sandboxes/default/journal?fault=true")
    assert journal.text.count('class="faulted"') == 1 and "rule-1" in journal.text


@pytest.mark.parametrize("template", list(TEMPLATES))
async def test_every_template_is_a_rule_the_api_takes(ui: httpx.AsyncClient, template: str) -> None:
    data = {"template": template, "vendor": "merchantpro", "items": "PLAIN-1", "retry_after": "7", "seconds": "0.5"}
    page = await post(ui, "/sandboxes/default/faults", data)
    assert page.status_code == 200 and "added" in page.text, page.text
    [rule] = await rules(ui)
    assert rule["rule"]["action"]["kind"] == TEMPLATES[template].action["kind"]  # type: ignore[index]


async def test_the_form_builds_a_rule_and_its_mistakes_come_back_with_their_path(ui: httpx.AsyncClient) -> None:
    data = {"kind": "status", "status": "418", "nth": "2", "path": "*/id/*", "id": "teapot", "phase": "after"}
    assert "teapot added" in (await post(ui, "/sandboxes/default/faults", data)).text
    [rule] = await rules(ui)
    assert rule["rule"] == {
        "id": "teapot",
        "match": {"path": "*/id/*"},
        "when": {"nth": 2},
        "action": {"kind": "status", "status": 418},
        "phase": "after",
    }
    bad = await post(ui, "/sandboxes/default/faults", {"kind": "status", "status": "lots"})
    assert bad.status_code == 400 and "$[0].action.status" in bad.text
    assert 'value="lots"' in bad.text, "the form keeps what was typed"
    clash = await post(ui, "/sandboxes/default/faults", {"kind": "drop", "id": "teapot"})
    assert clash.status_code == 400 and "already exists" in clash.text
    unknown = await post(ui, "/sandboxes/default/faults", {"kind": "drop", "account": "nobody"})
    assert unknown.status_code == 400 and "$[0].match" in unknown.text


async def test_json_rules_remove_and_clear(ui: httpx.AsyncClient) -> None:
    body = '[{"id": "a", "action": {"kind": "drop"}}, {"id": "b", "action": {"kind": "reset"}}]'
    assert "a, b added" in (await post(ui, "/sandboxes/default/faults", {"json": body})).text
    assert "Fault rule a removed" in (await post(ui, "/sandboxes/default/faults/a/delete")).text
    assert [r["id"] for r in await rules(ui)] == ["b"]
    assert "no fault rule" in (await post(ui, "/sandboxes/default/faults/a/delete")).text
    assert "1 fault rule(s) removed" in (await post(ui, "/sandboxes/default/faults/clear")).text
    assert await rules(ui) == []
    bad = await post(ui, "/sandboxes/default/faults", {"json": "{nope"})
    assert bad.status_code == 400 and "malformed JSON" in bad.text


def test_numbers_that_do_not_parse_reach_the_api_as_typed() -> None:
    values = {"kind": "latency", "seconds": "soon", "first": "2"}
    assert rule_from(values, None) == {
        "match": {},
        "action": {"kind": "latency", "fixed": "soon"},
        "when": {"first": 2},
    }
