"""`make cluster WORKERS=N`: N `stocksim serve` processes on local ports, each with its own --db file, behind nginx
on one port (deploy/nginx/, the configuration users install, rendered with these ports). Prints the front URL;
Ctrl-C stops everything it started.

The tests (tests/cluster/) and `make bench`'s scaling figure start the same cluster through ``Cluster``.
nginx runs as the current user from a folder of its own (not Debian's service); Debian's package is installed when
it is missing, as bench/run.py does for wrk.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import pwd
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path
from types import TracebackType

import httpx

from simulator.config import Settings, envvar

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
NGINX = ROOT / "deploy" / "nginx"
START_TIMEOUT_SECONDS = 30.0
# The setting of the hardening issue that makes the workers believe X-Forwarded-For (see deploy/nginx/).
TRUST_PROXY_HEADERS = "trust_proxy_headers"


def trusts_proxy_headers() -> bool:
    """Whether this simulator has --trust-proxy-headers."""
    return TRUST_PROXY_HEADERS in {f.name for f in dataclasses.fields(Settings)}


def ensure_nginx() -> str:
    """Debian's nginx, installed with apt-get when missing (it lives in /usr/sbin, often not on a user's PATH)."""
    path = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"])
    found = shutil.which("nginx", path=path)
    if found:
        return found
    print("nginx not found: installing Debian's package (apt-get)...", flush=True)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for step in (["update", "-qq"], ["install", "-y", "-qq", "nginx"]):
        subprocess.run([*sudo, "apt-get", *step], check=True, stdout=subprocess.DEVNULL, env=env)
    found = shutil.which("nginx", path=path)
    if not found:
        raise RuntimeError("apt-get installed nginx, but no nginx binary is on PATH or in /usr/sbin")
    return found


def nginx_config(listen: str, upstreams: Sequence[str], prefix: Path, worker_processes: int = 1) -> str:
    """deploy/nginx/conf.d/stocksim.conf with these shards and this address, inside a main configuration that keeps
    every file nginx writes under ``prefix``. Fails if the shipped file no longer has the lines it replaces."""
    text = (NGINX / "conf.d" / "stocksim.conf").read_text(encoding="utf-8")
    text, includes = re.subn(r"/etc/nginx/stocksim/", f"{NGINX / 'stocksim'}/", text)
    servers = "".join(f"    server {u} max_fails=0;\n" for u in upstreams)
    text, upstream = re.subn(r"(?:^    server \S+ max_fails=0;\n)+", servers, text, flags=re.M)
    text, listens = re.subn(r"^    listen \d+;$", f"    listen {listen};", text, flags=re.M)
    if (includes, upstream, listens) != (2, 1, 1):
        raise RuntimeError(f"{NGINX / 'conf.d' / 'stocksim.conf'} no longer has the lines this cluster replaces")
    kinds = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    temp = "\n".join(f"    {kind}_temp_path {prefix / kind};" for kind in kinds)
    # As root, nginx would run its workers as nobody, who cannot reach a private temporary folder: keep our user.
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" if os.geteuid() == 0 else ""
    return (
        f"{user}worker_processes {worker_processes};\npid {prefix / 'nginx.pid'};\n"
        f"error_log {prefix / 'error.log'} warn;\n"
        "events {\n    worker_connections 1024;\n}\n"
        f"http {{\n    access_log off;\n{temp}\n\n{text}}}\n"
    )


@dataclasses.dataclass
class Worker:
    name: str
    port: int
    db: Path
    log: Path
    argv: list[str]
    env: dict[str, str] = dataclasses.field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self.argv, stdout=log, stderr=subprocess.STDOUT, cwd=self.db.parent, env={**os.environ, **self.env}
            )

    def wait_ready(self, deadline: float) -> None:
        while True:
            try:
                if httpx.get(f"{self.url}/_sim/health", timeout=2, trust_env=False).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"{self.name} did not start:\n{self.log.read_text(errors='replace')[-2000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} did not answer /_sim/health within {START_TIMEOUT_SECONDS:g} s")
            time.sleep(0.02)

    def kill(self) -> None:
        """SIGKILL: the worker dies as a crashed process or a lost node would, with no time to tidy up."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


class Cluster:
    """N workers behind nginx. ``state`` keeps the --db files (a later cluster on the same folder finds its
    sandboxes again); nginx's own files go to a temporary folder. ``ports`` (the front's first) default to free
    ones; ``extra`` goes to every ``stocksim serve``."""

    def __init__(
        self,
        workers: int,
        state: Path,
        ports: Sequence[int] | None = None,
        extra: Sequence[str] = (),
        host: str = "127.0.0.1",
        nginx_workers: int = 1,
        control_token: str | None = None,
    ) -> None:
        if workers < 1:
            raise ValueError("a cluster needs at least one worker")
        self.state = state
        self.host = host
        self.nginx_workers = nginx_workers
        ports = list(ports) if ports is not None else [0] * (workers + 1)
        if len(ports) != workers + 1:
            raise ValueError(f"give {workers + 1} ports (the front's first), got {len(ports)}")
        taken = {p for p in ports if p}
        ports = [p or _free_port(taken) for p in ports]
        self.front_port = ports[0]
        self._runtime = Path(tempfile.mkdtemp(prefix="stocksim-cluster-"))
        peers = ",".join(f"http://127.0.0.1:{p}" for p in ports[1:])
        # By its variable, which reads the same whether the setting becomes a flag or takes a value.
        trust = {envvar(TRUST_PROXY_HEADERS): "true"} if trusts_proxy_headers() else {}
        # Behind a proxy the control plane is reachable by whoever reaches the proxy, so the workers want a token
        # (without one each would make its own); one token for the whole cluster, as a Kubernetes Secret gives.
        self.control_token = control_token or secrets.token_urlsafe(24)
        trust[envvar("control_token")] = self.control_token
        self.workers = [
            Worker(
                f"worker-{i}",
                port,
                state / f"worker-{i}.db",
                self._runtime / f"worker-{i}.log",
                [
                    str(BIN / "stocksim"),
                    "serve",
                    "--host=127.0.0.1",
                    f"--port={port}",
                    f"--db={state / f'worker-{i}.db'}",
                    f"--instance-name=worker-{i}",
                    f"--peers={peers}",
                    "--log-level=warning",
                    *extra,
                ],
                trust,
            )
            for i, port in enumerate(ports[1:])
        ]
        self._nginx: subprocess.Popen[bytes] | None = None

    @property
    def headers(self) -> dict[str, str]:
        """What a control-plane request needs: the cluster's control token."""
        return {"Authorization": f"Bearer {self.control_token}"}

    @property
    def front_url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::") else self.host
        return f"http://{host}:{self.front_port}"

    def __enter__(self) -> Cluster:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    def start(self) -> None:
        nginx = ensure_nginx()
        self.state.mkdir(parents=True, exist_ok=True)
        for worker in self.workers:  # all at once: start-up is mostly waiting on imports
            worker.start()
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        for worker in self.workers:
            worker.wait_ready(deadline)
        listen = f"[{self.host}]:{self.front_port}" if ":" in self.host else f"{self.host}:{self.front_port}"
        config = self._runtime / "nginx.conf"
        upstreams = [f"127.0.0.1:{w.port}" for w in self.workers]
        config.write_text(nginx_config(listen, upstreams, self._runtime, self.nginx_workers), encoding="utf-8")
        argv = [nginx, "-p", str(self._runtime), "-c", str(config), "-e", str(self._runtime / "error.log")]
        checked = subprocess.run([*argv, "-t", "-q"], capture_output=True, text=True)
        if checked.returncode != 0:
            raise RuntimeError(f"nginx refused the configuration:\n{checked.stderr}")
        with (self._runtime / "nginx.out").open("ab") as out:
            self._nginx = subprocess.Popen([*argv, "-g", "daemon off;"], stdout=out, stderr=subprocess.STDOUT)
        while True:
            try:
                if httpx.get(f"{self.front_url}/_sim/health", timeout=2, trust_env=False).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if self._nginx.poll() is not None:
                raise RuntimeError(f"nginx exited:\n{(self._runtime / 'error.log').read_text(errors='replace')}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"nginx did not answer on {self.front_url} within {START_TIMEOUT_SECONDS:g} s")
            time.sleep(0.02)

    def stop(self) -> None:
        if self._nginx is not None and self._nginx.poll() is None:
            self._nginx.send_signal(signal.SIGQUIT)  # graceful: in-flight requests finish
            try:
                self._nginx.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._nginx.kill()
                self._nginx.wait()
        for worker in self.workers:
            worker.stop()
        shutil.rmtree(self._runtime, ignore_errors=True)

    def restart(self, worker: Worker) -> None:
        """Start ``worker`` again, on its port and its --db file."""
        worker.stop()
        worker.start()
        worker.wait_ready(time.monotonic() + START_TIMEOUT_SECONDS)

    def shard_of(self, sandbox: str, client: httpx.Client | None = None) -> Worker:
        """The worker nginx routes ``sandbox`` to: /_sim/health?sandbox=NAME goes where NAME's requests go, and
        the worker answering says its name."""
        get = client.get if client is not None else httpx.get
        answer = get(f"{self.front_url}/_sim/health", params={"sandbox": sandbox}, headers=self.headers)
        name = answer.json()["instance"]
        return next(w for w in self.workers if w.name == name)

    def processes(self) -> dict[str, list[int]]:
        """The process ids of nginx (its master and worker processes) and of the workers, for CPU accounting."""
        nginx = [] if self._nginx is None else [self._nginx.pid, *_children(self._nginx.pid)]
        return {"nginx": nginx, "workers": [w.process.pid for w in self.workers if w.process is not None]}

    def dead(self) -> list[Worker]:
        return [w for w in self.workers if w.process is None or w.process.poll() is not None]


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with suppress(OSError):
            found += [int(child) for child in (task / "children").read_text().split()]
    return found


def cpu_seconds(pids: Sequence[int]) -> float:
    """User plus system CPU time the processes have used so far (Linux: /proc/PID/stat)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        with suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime: fields 14 and 15 of stat(5)
    return total / tick


def _free_port(taken: set[int]) -> int:
    import socket

    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port: int = s.getsockname()[1]
        if port not in taken:
            taken.add(port)
            return port


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=2, help="stocksim serve processes (default 2)")
    parser.add_argument("--host", default="127.0.0.1", help="the front's address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="the front's port; workers take the next ones")
    parser.add_argument("--state", default=str(ROOT / ".cluster"), help="folder of the workers' --db files")
    parser.add_argument("extra", nargs="*", help="more `stocksim serve` flags for every worker (after --)")
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error("--workers must be 1 or more")
    ports = [args.port + i for i in range(args.workers + 1)] if args.port else None
    cluster = Cluster(args.workers, Path(args.state).resolve(), ports, args.extra, args.host)
    stop = False

    def ask_to_stop(signum: int, frame: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, ask_to_stop)
    try:
        with cluster:
            print(f"stocksim cluster: {len(cluster.workers)} workers behind nginx, sharded by sandbox")
            print(f"  front      {cluster.front_url}   (GET /_sim/sandboxes?all=1 lists every worker's sandboxes)")
            print(
                f"  control    Authorization: Bearer {cluster.control_token}   (STOCKSIM_CONTROL_TOKEN for the plugin)"
            )
            for w in cluster.workers:
                print(f"  {w.name:<10} {w.url}   --db {w.db}")
            print("Ctrl-C stops everything.", flush=True)
            reported: set[str] = set()
            while not stop:
                for w in cluster.dead():
                    if w.name not in reported:
                        reported.add(w.name)
                        code = w.process.returncode if w.process else None
                        print(f"{w.name} exited ({code}): its sandboxes answer 502 until it is back", flush=True)
                time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    print("stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
