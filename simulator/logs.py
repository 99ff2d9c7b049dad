"""Logging for ``stocksim serve``: uvicorn's own set-up, plus a filter that masks credentials in logged URLs
(Ka-ching sends its apikey in the query string, and uvicorn's access log prints the query)."""

from __future__ import annotations

import copy
import logging
import re
from typing import Any

from simulator.toolkit.journal import MASK, SECRET_QUERY

_SECRET = re.compile(r"(?i)([?&](?:" + "|".join(sorted(SECRET_QUERY)) + r")=)[^&\s\"]*")


def mask(text: str) -> str:
    return _SECRET.sub(lambda m: m.group(1) + MASK, text)


class MaskCredentials(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(mask(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = mask(record.msg)
        return True


def log_config(level: str = "info") -> dict[str, Any]:
    """uvicorn's logging, plus the simulator's own loggers (start-up progress) on uvicorn's console handler."""
    from uvicorn.config import LOG_LEVELS, LOGGING_CONFIG

    config: dict[str, Any] = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["mask_credentials"] = {"()": "simulator.logs.MaskCredentials"}
    for handler in config["handlers"].values():
        handler.setdefault("filters", []).append("mask_credentials")
    config["loggers"]["simulator"] = {"handlers": ["default"], "level": LOG_LEVELS[level], "propagate": False}
    return config
