"""The real-browser harness: Debian's Chromium (never a downloaded build) driven by Playwright, headless, with
nothing that reaches beyond the machine. The browser tests and the screenshot script both start it here."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REPORT = Path(os.environ.get("STOCKSIM_REPORT_DIR", ".reports")) / "dashboard.json"


def require_chromium() -> None:
    """CI installs Chromium (.ci/run); elsewhere the browser tests wait for it to be installed."""
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is missing: apt-get install -y chromium"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@contextmanager
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def report(measured: dict[str, Any]) -> None:
    """Timings the browser tests measured, for people (and CI logs) to read: .reports/dashboard.json."""
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(measured, indent=2, sort_keys=True) + "\n")
