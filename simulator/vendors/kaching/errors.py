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

from simulator.errors import VendorError, allow, not_allowed


class KachingError(VendorError):
    def __init__(self, message: str | None = None, path: str | None = None, headers: dict[str, str] | None = None):
        super().__init__(message, headers)
        self.path = path

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"status": "ERROR", "message": self.message}
        if self.path is not None:
            body["path"] = self.path
        return body


class BadRequest(KachingError):
    status_code = 400


class Unauthorized(KachingError):
    status_code = 401
    message = "Unauthorized: the account, integration and apikey query parameters do not match an import queue"

    def __init__(self) -> None:
        super().__init__()


class NotFound(KachingError):
    status_code = 404
    message = "Not found"


class MethodNotAllowed(KachingError):
    status_code = 405

    def __init__(self, method: str, allowed: tuple[str, ...]) -> None:
        super().__init__(not_allowed(method, allowed), headers=allow(allowed))


class PayloadTooLarge(KachingError):
    status_code = 413


class UnsupportedMediaType(KachingError):
    status_code = 415
