"""Centra's errors. Every one answers ``{"status": "no", "msg": "..."}`` (the doc's failure shape), as XML when
the request asked for XML. Only the status codes differ, and most are not documented:

    CentraError
    ├── InvalidRequest      200  the body cannot be applied (malformed JSON, wrong types, ...): nothing written
    ├── Unauthorized        401  missing or wrong API-Authorization token
    ├── NotFound            404  no such plugin, sandbox or path
    ├── MethodNotAllowed    405  /stock with a method other than GET, POST, PUT (with Allow)
    └── PayloadTooLarge     413  the body is over the simulator's size cap

A partial update (unknown products, bundles) is not an error here: it commits, then answers ``status: "no"``.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from simulator.errors import VendorError, allow, with_head
from simulator.http import json_response
from simulator.vendors.centra.xml import xml_response


def respond(
    content: dict[str, Any], xml: bool, status_code: int = 200, headers: dict[str, str] | None = None
) -> Response:
    if xml:
        return xml_response(content, status_code, headers)
    return json_response(content, status_code, headers)


class CentraError(VendorError):
    status_code = 200

    def __init__(self, message: str | None = None, xml: bool = False, headers: dict[str, str] | None = None) -> None:
        super().__init__(message, headers)
        self.xml = xml

    def body(self) -> dict[str, Any]:
        return {"status": "no", "msg": self.message}

    def response(self) -> Response:
        return respond(self.body(), self.xml, self.status_code, self.headers)


class InvalidRequest(CentraError):
    status_code = 200


class Unauthorized(CentraError):
    status_code = 401
    message = "Unauthorized: missing or invalid API-Authorization header"

    def __init__(self, xml: bool = False) -> None:
        super().__init__(xml=xml)


class NotFound(CentraError):
    status_code = 404


class MethodNotAllowed(CentraError):
    status_code = 405

    def __init__(self, method: str, allowed: tuple[str, ...], xml: bool = False) -> None:
        super().__init__(
            f"Method {method} is not allowed; use {', '.join(with_head(allowed))}", xml, headers=allow(allowed)
        )


class PayloadTooLarge(CentraError):
    status_code = 413
