"""Schemathesis against openapi/control.yaml, on a real server: no 5xx, and every response fits the document."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

from tests.contract.support import examples
from tests.support import ROOT, app_for, served

schema = schemathesis.openapi.from_path(str(ROOT / "openapi" / "control.yaml"))
schema.config.generation.update(max_examples=examples(15, 150))
# The coverage phase alone makes hundreds of cases per operation here (every optional field of a scenario and a
# fault rule, every other HTTP method); examples and fuzzing keep the run within seconds.
schema.config.phases.update(phases=["examples", "fuzzing"])
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]
# A sandbox besides `default` that the fuzzer may delete; it is made again before the next case.
SPARE = "contract"
# What most generated names are replaced with, so requests reach the logic behind the 404s.
STEER = {
    "sandbox": ["default", SPARE],
    "name": [SPARE, "default"],
    "tenant": ["demo"],
    "plugin": ["demo"],
    "integration": ["demo-queue"],
    "account": ["demo-account", "demo"],
}
SEEN: dict[str, int] = {}


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with served(app_for()) as url:
        yield url


def _steer(case: Any) -> None:
    # One generated value in five keeps what schemathesis made up (an unknown sandbox must still be a 404).
    for where in ("query", "path_parameters"):
        params = getattr(case, where)
        if not params:
            continue
        for key, options in STEER.items():
            if key == "name" and case.path.startswith("/_sim/openapi/"):
                continue  # a document's name: the document's enum already names only real ones
            value = params.get(key)
            if isinstance(value, str) and zlib.crc32(value.encode()) % 5:
                params[key] = options[zlib.crc32(value.encode()) % len(options)]
    body = case.body
    if isinstance(body, dict) and isinstance(body.get("plugin"), str) and zlib.crc32(body["plugin"].encode()) % 5:
        body["plugin"] = "demo"
    if isinstance(body, dict) and isinstance(body.get("tenant"), str) and zlib.crc32(body["tenant"].encode()) % 5:
        body["tenant"] = "demo"


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_api(case: Any, base_url: str) -> None:
    _steer(case)
    named = [*(case.query or {}).values(), *(case.path_parameters or {}).values()]
    if SPARE in named and httpx.get(f"{base_url}/_sim/sandboxes/{SPARE}").status_code == 404:
        httpx.post(f"{base_url}/_sim/sandboxes", json={"name": SPARE}).raise_for_status()
    # Only the four checks below. Schema-valid input is legitimately refused with a documented 4xx (an unknown
    # sandbox or rule: 404; a taken rule id or sandbox name: 409; a rule naming a vendor or account the scenario
    # does not have, `when` beside a timeline: 400), so positive_data_acceptance does not apply; and the control
    # plane is lenient where the document is precise (an empty `?sandbox=` means `default`, an empty body creates
    # a sandbox), so negative_data_rejection does not either.
    response = case.call_and_validate(base_url=base_url, checks=CHECKS)
    key = f"{case.method} {case.path} {response.status_code}"
    SEEN[key] = SEEN.get(key, 0) + 1


def test_the_contract_test_really_ran() -> None:
    # Runs after test_api (file order): the calls reached the app, and the main operations succeeded.
    for key in (
        "GET /_sim/health 200",
        "GET /_sim/state 200",
        "POST /_sim/sandboxes 201",
        "POST /_sim/faults 201",
        "GET /_sim/journal 200",
        "POST /_sim/clock 200",
        "GET /_sim/ilevel/fail-items 200",
        "GET /_sim/openapi 200",
        "GET /_sim/openapi/{name}.json 200",
        "GET /_sim/openapi/{name}.yaml 200",
    ):
        assert SEEN.get(key, 0) > 0, (key, SEEN)
