"""MerchantPro's errors, one class per status the platform uses.

The body shape is not documented (vendor-facts.md); every MerchantPro error here uses the same one, pinned in
tests/vendors/merchantpro/test_errors.py:

    {"error": {"code": <HTTP status>, "name": "<reason phrase>", "message": "<what went wrong>",
               "field": "<offending input, if any>"}}

A public client (SDx-ro/Opencart1.5-export-to-MerchantPro-API) shows its users ``error.name - error.message``.
``name`` is the status's reason phrase (RFC 9110), the vocabulary PHP frameworks' HTTP exceptions name
themselves by (Yii 2's REST errors: ``{"name": "Not Found", "message": ...}``): it depends on the status alone, so
faults and rate limits, which know only a status, get the same name as the error classes below.

    MerchantProError
    ├── BadRequest          400  validation: unknown field, wrong type, malformed JSON, rule broken
    ├── Unauthorized        401  missing or wrong HTTP Basic credentials (with WWW-Authenticate)
    ├── Forbidden           403  repeated failed sign-ins from one client
    ├── NotFound            404  no such shop, resource or record ("Resource not found")
    ├── MethodNotAllowed    405  the resource exists but not for this method (with Allow)
    └── PayloadTooLarge     413  the body is over the simulator's size cap
    (429 with Retry-After, from rate limits and faults, is rendered by MerchantProError.answer)
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from simulator.errors import VendorError, allow, not_allowed

# RFC 9110's phrases for the statuses MerchantPro uses, written out: Python's own table renamed 413 in 3.13.
_REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Content Too Large",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def reason(status: int) -> str:
    """The reason phrase of ``status`` (any status a fault may answer with), "Error" for one without a phrase."""
    if status in _REASONS:
        return _REASONS[status]
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


class MerchantProError(VendorError):
    def __init__(self, message: str | None = None, field: str | None = None, headers: dict[str, str] | None = None):
        super().__init__(message, headers)
        self.field = field

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.status_code, "name": reason(self.status_code), "message": self.message}
        if self.field is not None:
            error["field"] = self.field
        return {"error": error}


class BadRequest(MerchantProError):
    status_code = 400


class Unauthorized(MerchantProError):
    status_code = 401
    message = "Invalid API credentials"

    def __init__(self) -> None:
        super().__init__(headers={"WWW-Authenticate": 'Basic realm="MerchantPro API", charset="UTF-8"'})


class Forbidden(MerchantProError):
    status_code = 403


class NotFound(MerchantProError):
    status_code = 404
    message = "Resource not found"


class MethodNotAllowed(MerchantProError):
    status_code = 405

    def __init__(self, method: str, allowed: tuple[str, ...]) -> None:
        super().__init__(not_allowed(method, allowed), headers=allow(allowed))


class PayloadTooLarge(MerchantProError):
    status_code = 413
