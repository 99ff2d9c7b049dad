"""openapi/control.yaml names every /_sim route the app serves, with its methods, so the document cannot drift."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import yaml
from starlette.routing import BaseRoute, Mount, Route

from tests.support import ROOT, app_for

IMPLICIT = {"HEAD"}  # Starlette adds HEAD to every GET route


def _walk(routes: Iterable[BaseRoute], prefix: str = "") -> Iterator[tuple[str, str]]:
    for route in routes:
        if isinstance(route, Mount):
            yield from _walk(route.routes, prefix + route.path)
        elif isinstance(route, Route):
            for method in sorted((route.methods or set()) - IMPLICIT):
                yield f"{prefix}{route.path}", method


def test_every_control_route_is_in_the_document() -> None:
    served = {(path, method) for path, method in _walk(app_for().routes) if path.startswith("/_sim/")}
    document = yaml.safe_load((ROOT / "openapi" / "control.yaml").read_text())
    described = {
        (path, method.upper())
        for path, item in document["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    }
    assert len(served) > 20
    assert served - described == set(), "served but not in openapi/control.yaml"
    assert described - served == set(), "in openapi/control.yaml but not served"
