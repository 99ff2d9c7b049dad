"""Control-plane errors: ``{"error": {"code": "<slug>", "message": "...", "problems": [...]}}``."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from simulator.errors import SimulatorError
from simulator.http import json_response


class ControlError(SimulatorError):
    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, problems: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems

    def response(self) -> Response:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.problems is not None:
            error["problems"] = self.problems
        return json_response({"error": error}, self.status_code)


class BadRequest(ControlError):
    pass


class NotFound(ControlError):
    status_code = 404
    code = "not_found"


class Conflict(ControlError):
    status_code = 409
    code = "conflict"


class PayloadTooLarge(ControlError):
    status_code = 413
    code = "payload_too_large"


class LimitExceeded(ControlError):
    """A request that would pass a configured per-sandbox limit (the message names the setting)."""

    status_code = 422
    code = "limit_exceeded"


class InsufficientStorage(ControlError):
    """A configured server-wide limit is reached (the message names the setting)."""

    status_code = 507
    code = "insufficient_storage"
