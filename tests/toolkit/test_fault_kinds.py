"""Each fault kind as a real HTTP client sees it over a real socket; a faulted write changes nothing unless the
rule says the write happened first."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from tests.toolkit.conftest import MP, Box

PATCH_RULE = {"match": {"vendor": "merchantpro", "method": "PATCH"}}


def test_status_with_the_vendors_own_body(box: Box) -> None:
    box.add({**PATCH_RULE, "action": {"kind": "status", "status": 503}})
    r = box.patch()
    assert (r.status_code, r.json()) == (
        503,
        {"error": {"code": 503, "name": "Service Unavailable", "message": "Service Unavailable"}},
    )
    assert box.stock() == 10


@pytest.mark.parametrize(
    ("vendor", "method", "path", "kwargs", "body"),
    [
        (
            "ka-ching",
            "POST",
            "/ka-ching/imports/stock",
            {
                "params": {"account": "demo-account", "integration": "demo-queue", "apikey": "demo-apikey"},
                "json": {"stock_location_id": {"product1": 1}},
            },
            {"status": "ERROR", "message": "Bad Gateway"},
        ),
        (
            "ilevel",
            "POST",
            "/ilevel/demo/api/batchStock",
            {
                "params": {"warehouse_id": "1571945CAB99744086F9FDFC9D9332D5"},
                "auth": ("demo", "demo-ilevel-api-key"),
                "json": {"batchStock": {"item": [{"code": "ACC001018__A", "inStock": 1}]}},
            },
            {"allPassed": False, "error": "Bad Gateway", "results": []},
        ),
        (
            "centra",
            "PUT",
            "/centra/demo/stock",
            {
                "headers": {"API-Authorization": "demo-centra-api-token"},
                "json": {"products": [{"product": "1234567890123", "quantity": 1}]},
            },
            {"status": "no", "msg": "Bad Gateway"},
        ),
    ],
)
def test_every_vendor_answers_a_status_fault_in_its_own_shape(
    box: Box, vendor: str, method: str, path: str, kwargs: dict[str, Any], body: dict[str, Any]
) -> None:
    box.add({"match": {"vendor": vendor}, "action": {"kind": "status", "status": 502}})
    before = box.sim("GET", "/_sim/state", params={"vendor": vendor}).json()
    r = httpx.request(method, box.root + path, **kwargs)
    assert (r.status_code, r.json()) == (502, body)
    assert box.sim("GET", "/_sim/state", params={"vendor": vendor}).json() == before


def test_rate_limit_fault_has_retry_after(box: Box) -> None:
    box.add({**PATCH_RULE, "action": {"kind": "rate_limit", "retry_after": 7}})
    r = box.patch()
    assert r.status_code == 429 and r.headers["retry-after"] == "7"
    assert r.json()["error"]["code"] == 429


def test_drop_closes_the_connection_without_a_response(box: Box) -> None:
    box.add({**PATCH_RULE, "action": {"kind": "drop"}})
    with pytest.raises(httpx.RemoteProtocolError, match="without sending"):
        box.patch()
    assert box.stock() == 10
    (entry,) = box.journal(method="PATCH")
    assert entry["outcome"] == "dropped" and entry["status"] is None


def test_reset_resets_the_connection(box: Box) -> None:
    box.add({**PATCH_RULE, "action": {"kind": "reset"}})
    with pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)) as caught:
        box.patch()
    assert "reset" in str(caught.value).lower() or isinstance(caught.value, httpx.ReadError)
    assert box.stock() == 10
    assert box.journal(method="PATCH")[0]["outcome"] == "reset"


def test_empty_response(box: Box) -> None:
    box.add({**PATCH_RULE, "action": {"kind": "empty", "status": 200}})
    r = box.patch()
    assert (r.status_code, r.content, r.headers["content-length"]) == (200, b"", "0")
    assert box.stock() == 10


def test_truncated_body(box: Box) -> None:
    box.add({**PATCH_RULE, "action": {"kind": "truncate", "fraction": 0.5}})
    with pytest.raises(httpx.RemoteProtocolError, match="incomplete|complete message body"):
        box.patch()
    assert box.stock() == 10


def test_malformed_body(box: Box) -> None:
    box.add({**PATCH_RULE, "action": {"kind": "malformed"}})
    r = box.patch()
    assert r.status_code == 200
    with pytest.raises(ValueError):
        r.json()


def test_hang_until_the_client_gives_up(box: Box) -> None:
    box.add({**PATCH_RULE, "action": {"kind": "hang", "seconds": 30}})
    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        box.patch(timeout=0.5)
    assert 0.4 < time.monotonic() - started < 5
    assert box.stock() == 10
    # The server noticed the client leaving and journaled the request.
    deadline = time.monotonic() + 5
    while not box.journal(method="PATCH") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert box.journal(method="PATCH")[0]["outcome"] == "hung"


def test_latency_fixed(box: Box) -> None:
    box.add({**PATCH_RULE, "action": {"kind": "latency", "fixed": 0.3}})
    started = time.monotonic()
    r = box.patch()
    assert r.status_code == 200 and time.monotonic() - started >= 0.3
    assert box.stock() == 11, "latency delays the request, it still happens"


def test_latency_uniform_and_lognormal_are_seeded(box: Box) -> None:
    box.add(
        {**PATCH_RULE, "action": {"kind": "latency", "uniform": [0.01, 0.05]}},
        {**PATCH_RULE, "action": {"kind": "latency", "median": 0.02, "sigma": 0.3}},
    )
    for _ in range(3):
        assert box.patch().status_code == 200
    fired = [e["faults_fired"] for e in box.journal(method="PATCH")]
    assert fired == [["rule-1", "rule-2"]] * 3


def test_lost_response_applies_then_drops(box: Box) -> None:
    box.add({**PATCH_RULE, "phase": "after", "action": {"kind": "drop"}})
    with pytest.raises(httpx.RemoteProtocolError):
        box.patch()
    assert box.stock() == 11, "the write happened; only the response was lost"


def test_lost_response_truncated_after_the_write(box: Box) -> None:
    box.add({**PATCH_RULE, "phase": "after", "action": {"kind": "truncate", "fraction": 0.3}})
    with pytest.raises(httpx.RemoteProtocolError):
        box.patch()
    assert box.stock() == 11
    entry = box.journal(method="PATCH")[0]
    assert entry["status"] == 200 and entry["outcome"] == "truncated"


def test_lost_response_as_a_503_after_the_write(box: Box) -> None:
    box.add({**PATCH_RULE, "phase": "after", "action": {"kind": "status", "status": 504}})
    assert box.patch().status_code == 504
    assert box.stock() == 11


def test_fail_items_uses_each_vendors_own_partial_failure(box: Box) -> None:
    box.add(
        {"match": {"vendor": "ilevel"}, "action": {"kind": "fail_items", "items": ["ACC001018__A"]}},
        {"match": {"vendor": "centra"}, "action": {"kind": "fail_items", "items": ["9876543210123"]}},
        {"match": {"vendor": "ka-ching"}, "action": {"kind": "fail_items", "items": ["product2"]}},
    )
    r = httpx.post(
        f"{box.root}/ilevel/demo/api/batchStock",
        params={"warehouse_id": "1571945CAB99744086F9FDFC9D9332D5"},
        auth=("demo", "demo-ilevel-api-key"),
        json={
            "batchStock": {"item": [{"code": "ACC001018__A", "inStock": 1}, {"barcode": "5052011221399", "inStock": 2}]}
        },
    )
    body = r.json()
    assert body["allPassed"] is False and [x["code"] for x in body["results"]] == ["ACC001018__A"]
    assert body["results"][0]["message"] == "Failed to save item"
    r = httpx.post(
        f"{box.root}/centra/demo/stock",
        headers={"API-Authorization": "demo-centra-api-token"},
        json={"products": [{"product": "1234567890123", "quantity": 5}, {"product": "9876543210123", "quantity": 6}]},
    )
    assert r.json() == {
        "status": "no",
        "msg": "Some of the products were not updated",
        "errors": {"productsNotFound": ["9876543210123"]},
    }
    q = {"account": "demo-account", "integration": "demo-queue", "apikey": "demo-apikey"}
    r = httpx.post(
        f"{box.root}/ka-ching/imports/stock", params=q, json={"stock_location_id": {"product1": 4, "product2": 5}}
    )
    assert r.json() == {"status": "OK", "message": "Import of 2 stock value(s) initiated"}
    log = box.sim("GET", "/_sim/ka-ching/queues/demo-queue/log").json()
    assert [f["product_id"] for f in log["failure"]] == ["product2"]
    assert "fault rule" in log["failure"][0]["message"]
    assert [s["product_id"] for s in log["success"]] == ["product1"]


def test_an_unmatched_request_is_untouched(box: Box) -> None:
    box.add({"match": {"vendor": "merchantpro", "method": "GET"}, "action": {"kind": "status", "status": 500}})
    assert box.patch().status_code == 200
    assert httpx.get(f"{box.root}/merchantpro/demo-mw/api/v2/inventory/id/10003", auth=MP).status_code == 500
