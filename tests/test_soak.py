"""The soak harness itself, for a few seconds with relaxed drift limits: it starts the server, cycles sandboxes,
sees the fault rule fire, checks every acknowledged write and judges drift. `make soak` is the real run."""

from __future__ import annotations

import json
from pathlib import Path

from bench import soak


def test_a_short_soak_cycles_sandboxes_and_loses_nothing(tmp_path: Path) -> None:
    out = tmp_path / "soak.json"
    # Memory and latency over 5 s say little about drift: those limits are relaxed, the others are not.
    code = soak.main(["--seconds", "4", "--rss-growth", "1.0", "--p99-ratio", "20", "--out", str(out)])
    report = json.loads(out.read_text())
    assert code == 0, report
    assert report["sandboxes_cycled"] > 0 and report["acknowledged_writes"] > 0
    assert report["lost_writes"] == 0 and report["unexpected_5xx"] == 0
    assert report["injected_503"] == report["fault_fired"]
    assert len(report["p99_ms_by_kind"]) >= 8  # every vendor and the control routes were exercised


def test_the_judge_fails_drift_and_lost_writes() -> None:
    tally = soak.Tally(requests=4, lost_writes=1)
    tally.rss = [(0.0, 100), (10.0, 100), (50.0, 120), (100.0, 121)]
    tally.latencies = [(15.0, 0.01), (95.0, 0.05)]
    report = soak.judge(100, tally, soak.Thresholds())
    assert report["checks"] == {
        "rss_steady": False,  # 121 kB against 100 kB at the 10 s mark
        "p99_steady": False,  # 50 ms in the last tenth against 10 ms in the second
        "no_lost_writes": False,
        "no_unexpected_5xx": True,
        "faults_accounted": True,
    }
    assert not report["passed"]
