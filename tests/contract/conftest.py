from __future__ import annotations

import pytest

from tests.contract import support


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if support.TALLY["cases"]:
        terminalreporter.write_line(support.summary())
        support.write_report()
