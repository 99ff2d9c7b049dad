"""Ka-ching's errors. Neither status codes nor bodies of failures are documented (vendor-facts.md); every error
here mirrors the documented success body, and the tests pin it (tests/vendors/kaching/test_errors.py):

    {"status": "ERROR", "message": "<what went wrong>", "path": "<where in the body, if the body is at fault>"}

    KachingError
    ├── BadRequest            400  malformed JSON, a body not shaped like the doc's, an unknown stock location
    ├── Unauthorized          401  missing or wrong account, integration or apikey query parameter
    ├── NotFound              404  no such path (or sandbox)
    ├── MethodNotAllowed      405  the import endpoint takes POST and DELETE (with Allow)
    ├── PayloadTooLarge       413  the body is over the simulator's size cap
    └── UnsupportedMediaType  415  a declared Content-Type that is not JSON
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from simulator.errors import SimulatorError
from simulator.http import json_response


class KachingError(SimulatorError):
    status_code = 500

    def __init__(self, message: str, path: str | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"status": "ERROR", "message": self.message}
        if self.path is not None:
            body["path"] = self.path
        return body

    def response(self) -> Response:
        return json_response(self.body(), self.status_code, self.headers)


def error_response(status: int, message: str, headers: dict[str, str]) -> Response:
    return json_response({"status": "ERROR", "message": message}, status, headers)


class BadRequest(KachingError):
    status_code = 400


class Unauthorized(KachingError):
    status_code = 401

    def __init__(self) -> None:
        super().__init__(
            "Unauthorized: the account, integration and apikey query parameters do not match an import queue"
        )


class NotFound(KachingError):
    status_code = 404

    def __init__(self, message: str = "Not found") -> None:
        super().__init__(message)


class MethodNotAllowed(KachingError):
    status_code = 405

    def __init__(self, method: str, allowed: tuple[str, ...]) -> None:
        super().__init__(
            f"Method {method} is not allowed here; allowed: {', '.join(allowed)}", headers={"Allow": ", ".join(allowed)}
        )


class PayloadTooLarge(KachingError):
    status_code = 413


class UnsupportedMediaType(KachingError):
    status_code = 415
