"""`make bench PEERS=1`: WireMock, given stubs for the two MerchantPro calls the throughput section measures.

WireMock's standalone jar comes from the npm package ``wiremock`` (installed into .tools/wiremock when missing) and
runs on Debian's Java (``default-jre-headless``, installed with apt-get when missing). Its stubs answer with the body
the simulator itself sends for the item, and check what the simulator checks: the method, the path, the Basic
credentials, and (PATCH) that the JSON body carries ``stock.adjust_by``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.harness import ROOT, apt_install, free_port, server

WIREMOCK_VERSION = "3.13.2"
WIREMOCK_DIR = ROOT / ".tools" / "wiremock"


def ensure_java() -> str:
    return apt_install("java", "default-jre-headless")


def ensure_wiremock() -> Path:
    """The standalone jar of the pinned npm release, installed with npm when missing."""
    jars = sorted((WIREMOCK_DIR / "node_modules" / "wiremock" / "build").glob("wiremock-standalone-*.jar"))
    if jars:
        return jars[-1]
    npm = shutil.which("npm") or apt_install("npm", "npm")
    print(f"WireMock not found: installing the npm package wiremock@{WIREMOCK_VERSION}...", flush=True)
    WIREMOCK_DIR.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--prefix", str(WIREMOCK_DIR), f"wiremock@{WIREMOCK_VERSION}"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    jars = sorted((WIREMOCK_DIR / "node_modules" / "wiremock" / "build").glob("wiremock-standalone-*.jar"))
    if not jars:
        raise RuntimeError(f"npm installed wiremock@{WIREMOCK_VERSION}, but it carries no standalone jar")
    return jars[-1]


def stubs(path: str, auth: tuple[str, str], body: dict[str, Any]) -> list[dict[str, Any]]:
    """The mappings for GET and PATCH of ``path``; both answer ``body`` as the simulator does."""
    response = {"status": 200, "jsonBody": body, "headers": {"Content-Type": "application/json"}}
    credentials = {"username": auth[0], "password": auth[1]}
    return [
        {"request": {"method": "GET", "url": path, "basicAuthCredentials": credentials}, "response": response},
        {
            "request": {
                "method": "PATCH",
                "url": path,
                "basicAuthCredentials": credentials,
                "bodyPatterns": [{"matchesJsonPath": "$.stock.adjust_by"}],
            },
            "response": response,
        },
    ]


@contextmanager
def wiremock(root: Path, mappings: list[dict[str, Any]]) -> Iterator[tuple[str, float]]:
    """A WireMock process serving ``mappings``; yields its base URL and its seconds to a first 200 on health.
    No request journal and no per-request logging: a mock used for load keeps neither."""
    java, jar = ensure_java(), ensure_wiremock()
    (root / "mappings").mkdir(parents=True, exist_ok=True)
    for i, mapping in enumerate(mappings):
        (root / "mappings" / f"{i}.json").write_text(json.dumps(mapping))
    port = free_port()
    argv = [
        java,
        "-jar",
        str(jar),
        "--port",
        str(port),
        "--bind-address",
        "127.0.0.1",
        "--root-dir",
        str(root),
        "--no-request-journal",
        "--disable-banner",
    ]
    with server(argv, port, health="/__admin/health") as started:
        yield f"http://127.0.0.1:{port}", started


def versions() -> dict[str, str]:
    java = subprocess.run([ensure_java(), "-version"], capture_output=True, text=True)
    return {"java": (java.stderr or java.stdout).split("\n")[0].strip(), "wiremock": ensure_wiremock().stem}
