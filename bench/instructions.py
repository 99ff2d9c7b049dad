"""Instructions per served request, the simulator beside the bare app, counted by callgrind.

wrk's requests per second move by up to a third between runs of the same code on a shared VM (docs/performance.md);
an instruction count does not: the same code, inputs and environment give the same total whatever else the machine
is doing. Each server runs under ``valgrind --tool=callgrind`` with counting off while it starts; after 200 requests
to warm it, counting is switched on (``callgrind_control -i on``) for ``requests`` requests over one keep-alive
connection, then off, and the count is read from the dump. The figure covers the whole server process (uvicorn's
parsing and writing included, as in an rps figure), not the kernel's share. Instructions are not time (cache misses
and system calls are not counted), so this sits beside the rps ratios, it does not replace them.
"""

from __future__ import annotations

import base64
import socket
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from bench.harness import BIN, ROOT, apt_install, free_port, server
from bench.throughput import ITEM, MP_AUTH, PATCH_BODY, SCENARIO

WARM = 200
CALLS = ("get", "patch")
UNTOOLED = {"PYTHONPATH": str(ROOT / "bench" / "untooled")}


def bench_instructions(results: dict[str, Any], requests: int = 1000) -> None:
    valgrind = apt_install("valgrind", "valgrind")
    version = subprocess.run([valgrind, "--version"], capture_output=True, text=True).stdout.strip()
    token = base64.b64encode(f"{MP_AUTH[0]}:{MP_AUTH[1]}".encode()).decode()
    found: dict[str, Any] = {"requests": requests, "valgrind": version}
    auth = {"Authorization": f"Basic {token}"}
    for call in CALLS:
        method = call.upper()
        body = PATCH_BODY if call == "patch" else ""
        found[call] = {
            "floor": _count(valgrind, _floor, "/item", "/item", method, body, {}, requests),
            "bare": _count(valgrind, _bare, "/item", "/item", method, body, {}, requests),
            "simulator": _count(valgrind, _simulator, "/_sim/health", ITEM, method, body, auth, requests),
            # The same server with the toolkit's idle path taken out (bench/untooled): the difference is its cost.
            "untooled": _count(valgrind, _simulator, "/_sim/health", ITEM, method, body, auth, requests, env=UNTOOLED),
        }
    results["instructions"] = found


def _bare(port: int) -> list[str]:
    return _uvicorn("bench.baseline:app", port)


def _floor(port: int) -> list[str]:
    return _uvicorn("bench.floor:app", port)


def _uvicorn(target: str, port: int) -> list[str]:
    uvicorn = [str(BIN / "python"), "-m", "uvicorn", target, "--no-access-log"]
    return [*uvicorn, "--port", str(port), "--log-level", "warning"]


def _simulator(port: int) -> list[str]:
    scenario = ["--scenario", str(SCENARIO)]
    return [str(BIN / "python"), "-m", "simulator", "serve", "--port", str(port), "--log-level", "warning", *scenario]


def _count(
    valgrind: str,
    argv: Any,
    health: str,
    path: str,
    method: str,
    body: str,
    headers: dict[str, str],
    requests: int,
    cwd: Path = ROOT,
    env: dict[str, str] | None = None,
) -> float:
    """Instructions per request; the server runs in ``cwd`` (``python -m`` imports the package found there first)."""
    port = free_port()
    control = str(Path(valgrind).with_name("callgrind_control"))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        wrapped = [valgrind, "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}", *argv(port)]
        pids: list[int] = []
        with server(wrapped, port, env=env, health=health, timeout=300, pids=pids, cwd=cwd):
            pid = str(pids[0])  # valgrind runs the server in its own process
            request = _request(method, path, body, {"Host": "127.0.0.1", "Content-Type": "application/json", **headers})
            with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
                _exchange(sock, request, WARM)
                subprocess.run([control, "-i", "on", pid], check=True, capture_output=True)
                _exchange(sock, request, requests)
                subprocess.run([control, "-i", "off", pid], check=True, capture_output=True)
                subprocess.run([control, "-d", pid], check=True, capture_output=True)
        total = sum(totals(dump.read_text(errors="replace")) for dump in Path(tmp).glob("callgrind.out*"))
    if total == 0:
        raise RuntimeError(f"callgrind counted nothing for {method} {path}: was counting switched on?")
    return total / requests


def totals(dump: str) -> int:
    """The instructions a callgrind dump counted: its ``totals:`` line (a dump asked for while the program runs also
    has a ``summary:`` line, which can read 0 before it)."""
    return sum(int(line.split()[1]) for line in dump.splitlines() if line.startswith("totals:"))


def _request(method: str, path: str, body: str, headers: dict[str, str]) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", *(f"{k}: {v}" for k, v in headers.items())]
    if body:
        lines.append(f"Content-Length: {len(body.encode())}")
    return ("\r\n".join(lines) + "\r\n\r\n" + body).encode()


def _exchange(sock: socket.socket, request: bytes, count: int) -> None:
    """``count`` requests, one after another, each answer read whole (and required to be a 200)."""
    buffered = b""
    for _ in range(count):
        sock.sendall(request)
        while True:
            end = buffered.find(b"\r\n\r\n")
            if end >= 0:
                head = buffered[:end].decode("latin-1")
                length = next(
                    (
                        int(line.split(":", 1)[1])
                        for line in head.split("\r\n")
                        if line.lower().startswith("content-length")
                    ),
                    0,
                )
                if len(buffered) >= end + 4 + length:
                    if not head.startswith("HTTP/1.1 200"):
                        raise RuntimeError(f"not a 200: {head.splitlines()[0]}")
                    buffered = buffered[end + 4 + length :]
                    break
            chunk = sock.recv(65536)
            if not chunk:
                raise RuntimeError("the server closed the connection")
            buffered += chunk


def table(results: dict[str, Any]) -> str:
    found = results["instructions"]
    rows = [
        f"instructions per request (callgrind, {found['requests']:,} requests)"
        "      bare   simulator  bare/sim       floor",
    ]
    for call in CALLS:
        bare, sim = found[call]["bare"], found[call]["simulator"]
        label = "MerchantPro GET by id" if call == "get" else "MerchantPro PATCH adjust_by"
        floor = f"{found[call]['floor']:>12,.0f}" if "floor" in found[call] else ""
        rows.append(f"{label:<46}{bare:>10,.0f}  {sim:>10,.0f}  {bare / sim:8.2f}{floor}")
    for call in CALLS:
        if "untooled" in found[call]:
            label = "  of which the idle toolkit, " + ("GET" if call == "get" else "PATCH")
            cost, part = toolkit_cost(found, call), share(found, call)
            rows.append(f"{label:<46}{'':>10}  {cost:>10,.0f}  {part:8.1%}")
    rows.append(f"({found['valgrind']}; deterministic: the same code gives the same count on a busy machine)")
    rows.append("(floor: a plain ASGI app on the same uvicorn, httptools and uvloop, no framework: bench/floor.py)")
    rows.append("(the idle toolkit: the simulator's count less the same server's without it, bench/untooled)")
    return "\n".join(rows)


def toolkit_cost(found: dict[str, Any], call: str) -> float:
    """What the toolkit costs a request with nothing configured: the simulator less the simulator without it."""
    return float(found[call]["simulator"] - found[call]["untooled"])


def share(found: dict[str, Any], call: str) -> float:
    return toolkit_cost(found, call) / float(found[call]["simulator"])
