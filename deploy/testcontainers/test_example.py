"""Tests using the container of conftest.py through the plugin's fixtures, as any test of yours would. The container
runs the shipped scenario rate-limited-shop: one MerchantPro shop, `shop`, allowing 4 requests a second per key."""

from __future__ import annotations

ITEM = "/merchantpro/shop/api/v2/inventory/id/20001"


def test_a_patch_lands_in_this_tests_sandbox(stock_sandbox):
    shop = stock_sandbox.credentials("merchantpro")
    auth = (shop["username"], shop["password"])
    assert stock_sandbox.client.patch(ITEM, json={"stock": 3}, auth=auth).status_code == 200
    assert stock_sandbox.client.get(ITEM, auth=auth).json()["stock"] == 3
    stock_sandbox.verify({"vendor": "merchantpro", "method": "PATCH", "exactly": 1})


def test_the_fifth_request_of_a_second_is_rate_limited(stock_sandbox):
    stock_sandbox.freeze()  # no refill while the requests are sent, however slow the machine
    shop = stock_sandbox.credentials("merchantpro")
    auth = (shop["username"], shop["password"])
    statuses = [stock_sandbox.client.get(ITEM, auth=auth).status_code for _ in range(5)]
    assert statuses == [200] * 4 + [429]


def test_the_simulator_is_the_container(stock_simulator, stocksim_container):
    assert stock_simulator.url == stocksim_container
