"""openapi/ilevel.yaml against the running app: no 5xx, and every response conforms to the document.

The tenant is the server's variable (`/ilevel/{tenant}`): the first test sends every case to a tenant that does not
exist, the second to the default scenario's demo tenant with its warehouse, which exercises the 200 responses (all
passed, and 12006 with results).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.contract.support import examples
from tests.support import ROOT, app_for, basic, served

WAREHOUSE = "1571945CAB99744086F9FDFC9D9332D5"
AUTH = basic("demo", "demo-ilevel-api-key")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

schema = schemathesis.openapi.from_path(ROOT / "openapi" / "ilevel.yaml")
schema.config.generation.update(max_examples=examples(25))
seen: Counter[int] = Counter()


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with served(app_for()) as url:
        yield url


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_as_generated(case: schemathesis.Case[Any], base_url: str) -> None:
    response = case.call_and_validate(base_url=f"{base_url}/ilevel/no-such-tenant", headers=AUTH, checks=CHECKS)
    seen[response.status_code] += 1


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_on_the_demo_tenant(case: schemathesis.Case[Any], base_url: str) -> None:
    if case.query is not None and "warehouse_id" in case.query:
        case.query = {**case.query, "warehouse_id": WAREHOUSE}
    response = case.call_and_validate(base_url=f"{base_url}/ilevel/demo", headers=AUTH, checks=CHECKS)
    seen[response.status_code] += 1


def test_requests_really_ran() -> None:
    # Runs after the two above (file order): both successes and refusals were seen on the wire.
    assert seen[200] > 0 and seen[404] > 0, seen
