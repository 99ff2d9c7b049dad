"""The root of every error the simulator renders as an HTTP response.

    SimulatorError                  rendered by ``response()``; the app's exception handler calls it
    ├── control.errors.ControlError the /_sim control plane's JSON errors
    └── vendors.<v>.errors.<V>Error one class per vendor error code, in the vendor's own body shape

A vendor package decides how a domain error (simulator.domain.errors) looks to its clients.
"""

from __future__ import annotations

from starlette.responses import Response


class SimulatorError(Exception):
    status_code: int = 500

    def response(self) -> Response:
        raise NotImplementedError
