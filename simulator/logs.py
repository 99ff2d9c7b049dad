"""Logging for ``stocksim serve``: uvicorn's own set-up, plus a filter that masks credentials in every record
(a vendor may take a credential in the query string, and uvicorn's access log prints the query as sent)."""

from __future__ import annotations

import copy
import logging
from typing import Any

from simulator.masking import COMMON, Carriers, mask_text


class MaskCredentials(logging.Filter):
    """On every handler, so that no logger (uvicorn's access log, the simulator's, a library's) prints a credential;
    a traceback is rendered here, masked, since an exception's message may hold a URL."""

    _formatter = logging.Formatter()

    def __init__(self, carriers: Carriers = COMMON) -> None:
        super().__init__()
        self.carriers = carriers

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(mask_text(a, self.carriers) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = mask_text(record.msg, self.carriers)
        if record.exc_info and not record.exc_text:
            record.exc_text = mask_text(self._formatter.formatException(record.exc_info), self.carriers)
        return True


def log_config(level: str = "info", carriers: Carriers = COMMON) -> dict[str, Any]:
    """uvicorn's logging, plus the simulator's own loggers (start-up progress) on uvicorn's console handler, and
    every other logger's warnings there too (masked, instead of through logging's unfiltered last resort)."""
    from uvicorn.config import LOG_LEVELS, LOGGING_CONFIG

    config: dict[str, Any] = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["mask_credentials"] = {
        "()": "simulator.logs.MaskCredentials",
        "carriers": carriers,
    }
    for handler in config["handlers"].values():
        handler.setdefault("filters", []).append("mask_credentials")
    config["loggers"]["simulator"] = {"handlers": ["default"], "level": LOG_LEVELS[level], "propagate": False}
    config["root"] = {"handlers": ["default"], "level": "WARNING"}
    return config
