"""Whole numbers from requests: one bounded parser, so no query parameter reaches int()'s 4,300-digit limit (a 500)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

import simulator.numbers as numbers
from simulator.numbers import exceeds, whole_number
from tests.support import app_for, served

HUGE = "9" * 5000
CENTRA = {"API-Authorization": "demo-centra-api-token"}
MERCHANTPRO = ("demo-api-key", "demo-api-secret")
ILEVEL = ("demo", "demo-ilevel-api-key")


@pytest.mark.parametrize(
    ("raw", "low", "high", "value"),
    [
        ("7", 1, 10, 7),
        ("0007", 1, 10, 7),
        ("0", 0, 10, 0),
        ("000", 0, 10, 0),
        ("11", 1, 10, None),
        ("0", 1, 10, None),
        ("", 0, 10, None),
        ("-1", 0, 10, None),
        ("+1", 0, 10, None),
        (" 1", 0, 10, None),
        ("1.0", 0, 10, None),
        ("²", 0, 10, None),
        ("٣", 0, 10, None),
        (HUGE, 0, 10, None),
        ("0" * 5000 + "5", 0, 10, 5),
        (str(2**62 - 1), 0, 2**62, 2**62 - 1),  # 19 digits: a bound of 2**62 allows them all
        (str(2**62), 0, 2**62, 2**62),
        (str(2**62 + 1), 0, 2**62, None),
    ],
)
def test_whole_number(raw: str, low: int, high: int, value: int | None) -> None:
    assert whole_number(raw, low, high) == value


def test_exceeds() -> None:
    assert exceeds(HUGE, 10) and exceeds("11", 10) and not exceeds("10", 10) and not exceeds("0" * 5000, 10)


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with served(app_for()) as url:
        yield url


@pytest.mark.parametrize(
    ("path", "kwargs", "status", "shape"),
    [
        (f"/centra/demo/stock?limit={HUGE}", {"headers": CENTRA}, 200, "status"),  # Centra's errors are 200 "no"
        (f"/centra/demo/stock?page={HUGE}", {"headers": CENTRA}, 200, "status"),
        (f"/centra/demo/stock?stockItemId={HUGE}", {"headers": CENTRA}, 200, "status"),
        (f"/_sim/ka-ching/events?limit={HUGE}", {}, 400, "error"),
        (f"/_sim/ka-ching/deliveries?event={HUGE}", {}, 400, "error"),
        (f"/_sim/state?limit={HUGE}", {}, 400, "error"),
        (f"/_sim/journal?limit={HUGE}", {}, 400, "error"),
        (f"/_sim/journal?status={HUGE}", {}, 400, "error"),
        (f"/ilevel/demo/api/warehouse?pagesize={HUGE}", {"auth": ILEVEL}, 400, "error"),
        (f"/merchantpro/demo/api/v2/inventory/id/{HUGE}", {"auth": MERCHANTPRO}, 404, "error"),
    ],
)
def test_thousands_of_digits_are_refused_not_a_500(
    base: str, path: str, kwargs: dict[str, object], status: int, shape: str
) -> None:
    r = httpx.get(base + path, timeout=10, **kwargs)  # type: ignore[arg-type]
    assert r.status_code == status, r.text[:300]
    assert shape in r.json()
    if path.startswith("/centra"):
        assert r.json()["status"] == "no"


def test_an_event_id_past_every_event_lists_none(base: str) -> None:
    for since in (HUGE, str(2**63), str(2**63 - 1)):
        r = httpx.get(f"{base}/_sim/ka-ching/events", params={"since": since}, timeout=10)
        assert r.status_code == 200, r.text
        assert r.json()["events"] == []


def test_the_largest_event_id_the_message_names_is_accepted(base: str) -> None:
    for event in (str(2**62 - 1), str(2**62)):
        r = httpx.get(f"{base}/_sim/ka-ching/deliveries", params={"event": event}, timeout=10)
        assert r.status_code == 200, r.text
    r = httpx.get(f"{base}/_sim/ka-ching/deliveries", params={"event": str(2**62 + 1)}, timeout=10)
    assert r.status_code == 400
    assert f"from 0 to {2**62}" in r.json()["error"]["message"]


def test_bounds_widths_are_kept_for_a_few_bounds_only() -> None:
    for high in range(10**6, 10**6 + 2 * numbers.WIDTHS_KEPT):
        assert whole_number(str(high), 0, high) == high and whole_number(str(high + 1), 0, high) is None
        assert exceeds(str(high + 1), high) and not exceeds(str(high), high)
    assert len(numbers._WIDTHS) <= numbers.WIDTHS_KEPT
    top = 2**63 - 1
    assert whole_number(str(top), 0, top) == top and whole_number(str(top + 1), 0, top) is None
    assert whole_number("0" * 30 + "7", 0, top) == 7 and whole_number("1" + "0" * 19, 0, top) is None
