"""Progress of long start-up work: silent when quick, then log lines at an interval, or a bar on a terminal; and
nothing at all without a reporter."""

from __future__ import annotations

import io
import logging
import subprocess
import sys

import pytest

from simulator import progress
from simulator.progress import Progress

LOGGER = "tests.progress"


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def messages(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == LOGGER]


def test_lines_start_after_the_threshold_and_come_at_the_interval(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, LOGGER)
    clock = FakeClock()
    reporter = Progress(log=logging.getLogger(LOGGER), after=1.0, every=2.0, clock=clock)
    with progress.reporting(reporter), progress.task("seeding", total=1000) as task:
        for at in (0.5, 1.0, 2.0, 3.0, 3.5, 5.5):
            clock.now = at
            task.advance(100)
        clock.now = 6.0
        task.advance(400)
    assert messages(caplog) == [
        "seeding: 200 of 1,000 (20%)",  # at 1.0 s, not at 0.5 s
        "seeding: 400 of 1,000 (40%)",  # at 3.0 s: 2 s later
        "seeding: 600 of 1,000 (60%)",  # at 5.5 s
        "seeding: 1,000 done in 6.0 s",  # the end, instead of "1,000 of 1,000"
    ]


def test_quick_work_says_nothing(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, LOGGER)
    clock = FakeClock()
    with progress.reporting(Progress(log=logging.getLogger(LOGGER), clock=clock)), progress.task("x", 10) as task:
        clock.now = 0.9
        task.advance(10)
    assert messages(caplog) == []


def test_a_terminal_gets_a_bar_redrawn_in_place(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, LOGGER)
    clock = FakeClock()
    screen = Terminal()
    reporter = Progress(log=logging.getLogger(LOGGER), bar=screen, after=1.0, clock=clock)
    with progress.reporting(reporter), progress.task("seeding", total=200) as task:
        for at in (0.5, 1.5, 2.0):
            clock.now = at
            task.advance(50)
        shown = screen.getvalue()
        clock.now = 3.0
        task.advance(50)
    assert shown.count("\r") == 2 and "\n" not in shown
    assert " 50%" in shown and "75%" in shown and "100%" not in shown
    assert screen.getvalue().endswith("\n") and "100%" in screen.getvalue()
    assert messages(caplog) == []


def test_without_a_reporter_a_task_only_counts(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with progress.task("seeding", total=10) as task:
        task.advance(4)
    assert task.done == 4
    assert caplog.records == []


def test_the_reporter_is_only_in_effect_inside_reporting() -> None:
    screen = Terminal()
    with progress.reporting(Progress(bar=screen, after=0)), progress.task("inside", 1) as task:
        task.advance(1)
    with progress.task("outside", 1) as task:
        task.advance(1)
    assert "inside" in screen.getvalue() and "outside" not in screen.getvalue()


@pytest.mark.parametrize(("level", "shown"), [("info", True), ("warning", False)])
def test_serve_logs_progress_lines_at_its_log_level(level: str, shown: bool) -> None:
    # The logging set-up `stocksim serve` hands uvicorn, in a process of its own (it is process-wide).
    code = (
        "import logging.config; from simulator.logs import log_config; "
        f"logging.config.dictConfig(log_config({level!r})); "
        "logging.getLogger('simulator.progress').info('generating: 5 of 10 (50%)')"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    assert ("generating: 5 of 10 (50%)" in proc.stderr) is shown
    if shown:
        assert proc.stderr.startswith("INFO:")
