"""Per-credential token buckets from the scenario, answering the vendor's 429 and refilling on the virtual clock."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.support import app_for, served

SCENARIO = """
merchantpro:
  shops:
    - {name: s, api_key: k, api_secret: p, products: [{id: 1, sku: A, price_net: 1, stock: 5}]}
    - {name: t, api_key: k2, api_secret: p2, products: [{id: 1, sku: A, price_net: 1}]}
centra:
  plugins:
    - name: c
      api_token: tok
      items: [{stockItemId: 1, productId: 1, variantId: 1, sku: S, variantSku: V, sizeSku: Z, ean: "1234567890123",
               physicalStock: 1, allocatedStock: 0}]
rate_limits:
  - {vendor: merchantpro, account: s, capacity: 3, refill_per_second: 0.5}
  - {vendor: centra, capacity: 1, refill_per_second: 1}
"""


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with served(app_for(SCENARIO)) as url:
        yield url


def test_bucket_empties_then_refills_on_the_clock(base: str) -> None:
    with httpx.Client(base_url=base) as c:
        c.post("/_sim/clock", json={"freeze": True})
        got = [c.get("/merchantpro/s/api/v2/inventory/id/1", auth=("k", "p")) for _ in range(4)]
        assert [r.status_code for r in got] == [200, 200, 200, 429]
        assert got[3].headers["retry-after"] == "2"  # one token at 0.5/s
        assert got[3].json() == {"error": {"code": 429, "name": "Too Many Requests", "message": "Too many requests"}}
        c.post("/_sim/clock", json={"advance": 1.9})
        assert c.get("/merchantpro/s/api/v2/inventory/id/1", auth=("k", "p")).status_code == 429
        c.post("/_sim/clock", json={"advance": 0.2})
        assert c.get("/merchantpro/s/api/v2/inventory/id/1", auth=("k", "p")).status_code == 200
        # A limited write is not applied.
        c.post("/_sim/clock", json={"advance": 100})
        for _ in range(3):
            c.patch("/merchantpro/s/api/v2/inventory/id/1", json={"stock": {"adjust_by": 1}}, auth=("k", "p"))
        r = c.patch("/merchantpro/s/api/v2/inventory/id/1", json={"stock": {"adjust_by": 1}}, auth=("k", "p"))
        assert r.status_code == 429
        c.post("/_sim/clock", json={"advance": 100})
        assert c.get("/merchantpro/s/api/v2/inventory/id/1", auth=("k", "p")).json()["stock"] == 8
        c.post("/_sim/reset")


def test_buckets_are_per_credential_and_per_account(base: str) -> None:
    with httpx.Client(base_url=base) as c:
        c.post("/_sim/clock", json={"freeze": True})
        for _ in range(3):
            c.get("/merchantpro/s/api/v2/inventory/id/1", auth=("k", "p"))
        assert c.get("/merchantpro/s/api/v2/inventory/id/1", auth=("k", "p")).status_code == 429
        # Wrong credentials have a bucket of their own (and still get 401, not 429).
        assert c.get("/merchantpro/s/api/v2/inventory/id/1", auth=("k", "wrong")).status_code == 401
        # Shop t has no limit.
        assert all(
            c.get("/merchantpro/t/api/v2/inventory/id/1", auth=("k2", "p2")).status_code == 200 for _ in range(10)
        )
        c.post("/_sim/reset")
        assert c.get("/merchantpro/s/api/v2/inventory/id/1", auth=("k", "p")).status_code == 200
        c.post("/_sim/reset")


def test_a_vendor_wide_limit_in_the_vendors_own_429(base: str) -> None:
    with httpx.Client(base_url=base) as c:
        c.post("/_sim/clock", json={"freeze": True})
        h = {"API-Authorization": "tok"}
        assert c.get("/centra/c/stock", headers=h).status_code == 200
        r = c.get("/centra/c/stock", headers=h)
        assert (r.status_code, r.json(), r.headers["retry-after"]) == (
            429,
            {"status": "no", "msg": "Too many requests"},
            "1",
        )
        c.post("/_sim/reset")


def test_rate_limits_are_off_without_the_scenario_saying_so() -> None:
    with served(app_for()) as url, httpx.Client(base_url=url) as c:
        assert all(
            c.get("/merchantpro/demo/api/v2/inventory/id/10001", auth=("demo-api-key", "demo-api-secret")).status_code
            == 200
            for _ in range(50)
        )
