"""What every contract test shares: its size (CI, or `make fuzz` with STOCKSIM_FUZZ=1) and a tally of the cases
schemathesis sent, the status classes it got and the checks that failed, printed and written at the end of the run."""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

import schemathesis

FUZZ = os.environ.get("STOCKSIM_FUZZ") == "1"
REPORT = Path(os.environ.get("STOCKSIM_REPORT_DIR", ".reports")) / "contract.json"
TALLY: Counter[str] = Counter()


def examples(ci: int, fuzz: int = 300) -> int:
    """Examples per operation: ``ci`` in `make test`, ``fuzz`` in `make fuzz`."""
    return fuzz if FUZZ else ci


def _document(case: Any) -> str:
    info = case.operation.schema.raw_schema.get("info", {})
    return str(info.get("title", "?"))


@schemathesis.hook
def after_call(context: Any, case: Any, response: Any) -> None:
    TALLY["cases"] += 1
    TALLY[f"status {response.status_code // 100}xx"] += 1
    TALLY[f"document: {_document(case)}"] += 1


@schemathesis.hook
def after_validate(context: Any, case: Any, response: Any, results: Any) -> None:
    for result in results:
        if result.failure is not None:
            TALLY[f"failed check: {result.name}"] += 1


def summary() -> str:
    failed = sum(n for k, n in TALLY.items() if k.startswith("failed check"))
    return (
        f"schemathesis: {TALLY['cases']} cases, {TALLY['status 5xx']} with a 5xx, {failed} failed checks "
        f"({', '.join(f'{k}: {n}' for k, n in sorted(TALLY.items()) if k != 'cases')})"
    )


def write_report() -> None:
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps({"fuzz": FUZZ, **TALLY}, indent=2, sort_keys=True))
