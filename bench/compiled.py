"""A next step measured, not taken: what compiling the request path with mypyc would take off each request.

``python -m bench.compiled`` (not part of `make bench`) copies ``simulator/`` into a scratch directory, compiles
``MODULES`` there with mypyc (it comes with mypy, in the locked environment; setuptools, which it builds with, is
installed into ``.tools/setuptools/`` when missing, and is not a dependency), then counts instructions per served
request as `make bench` does (bench/instructions.py: callgrind, 1,000 requests on one keep-alive connection) for the
checkout and for the compiled copy, in the same run. It needs a C compiler and Python's headers.

``MODULES`` is the request path of the bench's two MerchantPro calls, less two modules mypyc compiles but that fail on
import: ``simulator/auth.py`` (a msgspec Struct with a ``default_factory`` field) and ``simulator/vendors/paths.py``
(a generic frozen dataclass). The simulator does not ship compiled (docs/performance.md says what that would cost).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from bench.harness import BIN, ROOT, apt_install, tool_install
from bench.instructions import _count, _simulator
from bench.throughput import ITEM, MP_AUTH, PATCH_BODY

SETUPTOOLS_VERSION = "84.2.1"
MODULES = (
    "simulator/exchange.py",
    "simulator/lane.py",
    "simulator/http.py",
    "simulator/drain.py",
    "simulator/clock.py",
    "simulator/numbers.py",
    "simulator/toolkit/recorded.py",
    "simulator/toolkit/journal.py",
    "simulator/toolkit/journal_budget.py",
    "simulator/vendors/base.py",
    "simulator/vendors/merchantpro/routes.py",
    "simulator/store/connection.py",
    "simulator/store/layered.py",
    "simulator/store/merchantpro.py",
    "simulator/domain/merchantpro.py",
)


def compile_copy(into: Path) -> None:
    """``simulator/`` and the project's mypy settings, copied into ``into`` and ``MODULES`` compiled there."""
    shutil.copytree(ROOT / "simulator", into / "simulator", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", into / "pyproject.toml")
    env = {**os.environ, "PYTHONPATH": str(tool_install("setuptools", SETUPTOOLS_VERSION))}
    done = subprocess.run([str(BIN / "mypyc"), *MODULES], cwd=into, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"mypyc failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")


def measure(requests: int) -> dict[str, Any]:
    valgrind = apt_install("valgrind", "valgrind")
    token = base64.b64encode(f"{MP_AUTH[0]}:{MP_AUTH[1]}".encode()).decode()
    headers = {"Authorization": f"Basic {token}"}
    found: dict[str, Any] = {"requests": requests, "modules": list(MODULES)}
    with tempfile.TemporaryDirectory() as tmp:
        compiled = Path(tmp)
        compile_copy(compiled)
        for call in ("get", "patch"):
            method, body = call.upper(), PATCH_BODY if call == "patch" else ""
            found[call] = {
                name: _count(valgrind, _simulator, "/_sim/health", ITEM, method, body, headers, requests, cwd=cwd)
                for name, cwd in (("checkout", ROOT), ("compiled", compiled))
            }
    return found


def table(found: dict[str, Any]) -> str:
    rows = [f"instructions per request (callgrind, {found['requests']:,} requests)   checkout    compiled   ratio"]
    for call, label in (("get", "MerchantPro GET by id"), ("patch", "MerchantPro PATCH adjust_by")):
        checkout, compiled = found[call]["checkout"], found[call]["compiled"]
        rows.append(f"{label:<44}{checkout:>12,.0f}{compiled:>12,.0f}{compiled / checkout:>8.2f}")
    rows.append(f"(compiled with mypyc: {len(found['modules'])} modules, bench/compiled.py)")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=1000)
    args = parser.parse_args()
    found = measure(args.requests)
    print(table(found))
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "compiled.json").write_text(json.dumps(found, indent=2) + "\n")


if __name__ == "__main__":
    main()
