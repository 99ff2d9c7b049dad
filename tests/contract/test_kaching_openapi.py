"""openapi/ka-ching.yaml against the app: no 5xx, and every response matches the document."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import load_all_checks
from schemathesis.generation.case import Case

from tests.contract.support import examples
from tests.support import app_for, served

load_all_checks()
from schemathesis.checks import CHECKS  # noqa: E402  (the registry is filled by load_all_checks)

ROOT = Path(__file__).resolve().parent.parent.parent
CREDENTIALS = {"account": "demo-account", "integration": "demo-queue", "apikey": "demo-apikey"}
CHECK_NAMES = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
)
CHECK_FUNCTIONS: list[Any] = [c for c in CHECKS.get_all() if c.__name__ in CHECK_NAMES]

schema = schemathesis.openapi.from_path(ROOT / "openapi" / "ka-ching.yaml")
schema.config.generation.update(max_examples=examples(25))


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with served(app_for()) as url:
        yield url


def test_the_checks_are_loaded() -> None:
    assert sorted(c.__name__ for c in CHECK_FUNCTIONS) == sorted(CHECK_NAMES)


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_with_credentials(case: Case[Any], base_url: str) -> None:
    case.query = {**(case.query or {}), **CREDENTIALS}
    call(case, base_url)


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_as_generated(case: Case[Any], base_url: str) -> None:
    call(case, base_url)


def call(case: Case[Any], base_url: str) -> Any:
    response = case.call_and_validate(base_url=f"{base_url}/ka-ching", checks=CHECK_FUNCTIONS)
    assert response.status_code < 500
    return response
