"""stock-api-simulator: a stateful simulator of four vendors' stock-update HTTP APIs."""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["__version__", "create_app"]


def __getattr__(name: str) -> object:
    # create_app is imported lazily so `import simulator` (e.g. for __version__) stays cheap.
    if name == "create_app":
        from simulator.app import create_app

        return create_app
    raise AttributeError(name)
