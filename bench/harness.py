"""What every `make bench` section uses: free ports, servers in their own processes, wrk, a timed client loop."""

from __future__ import annotations

import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def server(
    argv: list[str],
    port: int,
    env: dict[str, str] | None = None,
    health: str = "/_sim/health",
    timeout: float = 120,
    pids: list[int] | None = None,
    cwd: Path = ROOT,
) -> Iterator[float]:
    """Start a server process; yield the seconds from spawn to its first 200 on ``health`` (its pid is appended to
    ``pids``, when given)."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        argv, cwd=cwd, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    if pids is not None:
        pids.append(proc.pid)
    try:
        url = f"http://127.0.0.1:{port}{health}"
        while True:
            try:
                if httpx.get(url, timeout=2, trust_env=False).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None:
                raise RuntimeError(f"{argv[0]} exited: {proc.stderr.read() if proc.stderr else ''}")
            if time.perf_counter() - started > timeout:
                raise RuntimeError(f"{' '.join(argv[:3])} did not start in {timeout:.0f} s")
            # Fine-grained at first (a cold start takes about half a second); then seldom, as a server that seeds a
            # large catalog for minutes shares the machine's cores with this loop.
            time.sleep(0.005 if time.perf_counter() - started < 3 else 0.1)
        yield time.perf_counter() - started
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def tool_install(package: str, version: str) -> Path:
    """``.tools/<package>/``, holding the pinned ``package`` (without its dependencies), installed there with uv
    when missing: for measurements that need a package the locked environment does not have. Put it on PYTHONPATH."""
    into = ROOT / ".tools" / package
    if (into / package).is_dir():
        return into
    print(f"{package} not found: installing {package}=={version} into {into}...", flush=True)
    uv = ROOT / ".tools" / "bin" / "uv"
    subprocess.run(
        [str(uv), "pip", "install", "--quiet", "--python", str(BIN / "python"), "--target", str(into)]
        + [f"{package}=={version}", "--no-deps"],
        check=True,
    )
    return into


def apt_install(binary: str, package: str) -> str:
    """``binary`` from PATH, or Debian's ``package`` installed with apt-get when it is missing."""
    found = shutil.which(binary)
    if found:
        return found
    print(f"{binary} not found: installing Debian's {package} (apt-get)...", flush=True)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for step in (["update", "-qq"], ["install", "-y", "-qq", package]):
        subprocess.run([*sudo, "apt-get", *step], check=True, stdout=subprocess.DEVNULL, env=env)
    found = shutil.which(binary)
    if not found:
        raise RuntimeError(f"apt-get installed {package}, but no {binary} is on PATH")
    return found


def wrk_script(method: str, body: str, headers: dict[str, str], paths: list[str] | None) -> str:
    """wrk's Lua: the request, and a line with the count of non-2xx answers (wrk counts them but does not fail)."""
    lua = [f'wrk.method = "{method}"']
    if body:
        lua.append(f"wrk.body = [[{body}]]")
    for name, value in headers.items():
        lua.append(f'wrk.headers["{name}"] = "{value}"')
    if paths:
        lua.append("paths = {" + ", ".join(f'"{path}"' for path in paths) + "}\nturn = 0")
        lua.append("request = function()\n  turn = turn % #paths + 1\n  return wrk.format(nil, paths[turn])\nend")
    lua.append(
        "done = function(summary, latency, requests)\n"
        "  io.write(string.format('NON2XX %d\\n', summary.errors.status))\nend"
    )
    return "\n".join(lua) + "\n"


def parse_wrk(out: str, what: str) -> dict[str, float]:
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    non2xx = re.search(r"NON2XX (\d+)", out)
    if rps is None or non2xx is None:
        raise RuntimeError(f"wrk printed no figures for {what}:\n{out}")
    if int(non2xx.group(1)):
        raise RuntimeError(f"{non2xx.group(1)} responses were not 2xx for {what}")
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    return {"rps": float(rps.group(1)), "p99_ms": float(p99.group(1)) * _UNITS[p99.group(2)] if p99 else float("nan")}


class Wrk:
    """wrk -t1 (a C load generator, so the client is not the bottleneck), installed from Debian when missing."""

    def __init__(self) -> None:
        self.path = apt_install("wrk", "wrk")

    def __call__(
        self,
        url: str,
        method: str = "GET",
        body: str = "",
        headers: dict[str, str] | None = None,
        seconds: int = 5,
        connections: int = 32,
        paths: list[str] | None = None,
    ) -> dict[str, float]:
        """``paths``: the requests go to these paths of ``url``'s server in turn instead of to ``url`` itself."""
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
            f.write(wrk_script(method, body, headers or {}, paths))
        try:
            out = subprocess.run(
                [self.path, "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", f.name, url],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        finally:
            os.unlink(f.name)
        return parse_wrk(out, f"{method} {url}")

    def version(self) -> str:
        run = subprocess.run([self.path, "-v"], capture_output=True, text=True)
        return (run.stdout + run.stderr).split("\n")[0].strip()


def median_seconds(op: Callable[[], httpx.Response], n: int, expect: int = 200) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        r = op()
        times.append(time.perf_counter() - t0)
        if r.status_code != expect:
            raise RuntimeError(f"unexpected {r.status_code}: {r.text[:300]}")
    return statistics.median(times)
