"""i.LEVEL's errors, one class per code in the doc's table, plus the HTTP-level refusals it does not document.

Every error has the body of the doc's 12006 example, with the doc's text in ``error``:

    {"allPassed": false, "error": "<text>", "results": [<failed items>]}

The HTTP status codes are not documented (vendor-facts.md); ours are pinned in tests/vendors/ilevel/:

    IlevelError
    ├── MissingBatchStock     400  12001 no ``batchStock`` object (also: body not JSON, not an object)
    ├── MissingWarehouseId    400  12002 no ``warehouse_id`` query parameter
    ├── WarehouseNotFound     400  12003 no such warehouse (also: not 32 hex characters, wrong case)
    ├── MissingItems          400  12004 no ``item`` list (also: empty, or holding a non-object)
    ├── ItemLimitExceeded     400  12005 more than 1,000 items
    ├── SomeItemsFailed       200  12006 the items that passed were applied; ``results`` holds the others
    ├── BadQuery              400  a paging or lookup query parameter that cannot be read
    ├── Unauthorized          401  missing or wrong HTTP Basic credentials (with WWW-Authenticate)
    ├── NotFound              404  no such tenant, sandbox or resource
    ├── MethodNotAllowed      405  the resource exists but not for this method (with Allow)
    └── PayloadTooLarge       413  the body is over the simulator's size cap
"""

from __future__ import annotations

from typing import Any

from simulator.errors import VendorError, allow, not_allowed

BATCH_LIMIT = 1000


class IlevelError(VendorError):
    def __init__(
        self, message: str | None = None, results: list[Any] | None = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message, headers)
        self.results = results or []

    def body(self) -> dict[str, Any]:
        return {"allPassed": False, "error": self.message, "results": self.results}


class MissingBatchStock(IlevelError):
    code = 12001
    message = "Missing mandatory property, 'batchStock'"


class MissingWarehouseId(IlevelError):
    code = 12002
    message = "Missing query parameter warehouse_id"


class WarehouseNotFound(IlevelError):
    code = 12003

    def __init__(self, warehouse: str) -> None:
        super().__init__(f"Warehouse not found: {warehouse}")


class MissingItems(IlevelError):
    code = 12004
    message = "Missing stock item collection!"


class ItemLimitExceeded(IlevelError):
    code = 12005
    message = "Call exceeds 1,000 item limit!"


class SomeItemsFailed(IlevelError):
    code = 12006
    # Partial success: the items that passed are stored, so the request as a whole did not fail.
    status_code = 200
    message = "Some items failed to update please check results."

    def __init__(self, results: list[Any]) -> None:
        super().__init__(results=results)


class BadQuery(IlevelError):
    pass


class Unauthorized(IlevelError):
    status_code = 401
    message = "Invalid user name or API key"

    def __init__(self) -> None:
        super().__init__(headers={"WWW-Authenticate": 'Basic realm="i.LEVEL Connect API", charset="UTF-8"'})


class NotFound(IlevelError):
    status_code = 404
    message = "Resource not found"


class MethodNotAllowed(IlevelError):
    status_code = 405

    def __init__(self, method: str, allowed: tuple[str, ...]) -> None:
        super().__init__(not_allowed(method, allowed), headers=allow(allowed))


class PayloadTooLarge(IlevelError):
    status_code = 413
