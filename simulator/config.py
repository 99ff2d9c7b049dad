"""Settings: built from CLI flags, each also readable from a STOCKSIM_* environment variable."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8080
    scenario: str | None = None  # None: the default scenario shipped inside the package
    db: str | None = None  # None: in memory
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    log_level: str = "info"
    journal_size: int = 1000  # requests kept per sandbox; the oldest go first
    # When set, every /_sim/ endpoint but /_sim/health wants `Authorization: Bearer <token>`.
    control_token: str | None = None
    # The one folder from which POST /_sim/sandboxes {"scenario_file": ...} may read; None: that is refused.
    scenario_dir: str | None = None
    # With --db: a default sandbox built on another scenario than the loaded one is rebuilt on it (its changes are
    # discarded); otherwise it keeps its own scenario and changes, and only new sandboxes use the loaded one.
    reset_on_scenario_change: bool = False

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(f"STOCKSIM_{f.name.upper()}")
            if raw is None or raw == "":
                continue
            values[f.name] = int(raw) if f.type in ("int", int) else raw
        settings = cls(**values)
        return replace(settings, **{k: v for k, v in overrides.items() if v is not None})
