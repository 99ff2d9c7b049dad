"""The README's shell commands, run or checked, so the README cannot drift from what the project does.

Every ```sh block is split into commands (a line ending in a backslash goes on; other ``#`` lines are comments). A
comment line right after a command is that command's output: JSON is compared with the real response as JSON
(``...`` closing an object: only the keys shown are compared), anything else as text. By its first word, a command
is:

- ``curl`` or a ``for`` loop: run with bash from the repository's root, in the README's order, against one real
  server on a free port (the README's ``127.0.0.1:8080`` becomes that port); a curl must exit 0 with a 2xx status.
  curl is a prerequisite of the README: without it this test fails, it does not skip.
- ``make``: dry-run (``make -n``): the target exists and does what the README says (``serve``: the host and port
  the README names; ``test``: ruff, mypy, pytest). Not run for real: ``make serve`` never returns, and ``make test``
  is what runs this test.
- ``stocksim``: run from this environment's bin/ in an empty folder (the README says shipped scenarios are found
  from any folder), its server polled until /_sim/health names the scenario it was given.
- ``pip``, ``docker``: not run, see NOT_RUN.
Anything else fails test_every_command_is_checked until this file learns how to check it.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.support import ROOT, app_for, free_port, served

README = ROOT / "README.md"
DOCUMENTED_ADDRESS = "127.0.0.1:8080"
RUN = {"curl", "for", "make", "stocksim"}
NOT_RUN = {
    "pip": "installing would change the environment these tests run in, and the git URL is a placeholder; "
    "tests/test_packaging.py builds the wheel and installs it into a fresh venv instead",
    "docker": "a test machine has no Docker daemon, and a build takes minutes; "
    "test_the_docker_commands_fit_the_dockerfile checks what can be checked without one",
}
MORE = "\u2026more"  # stands for the "..." that ends a partly shown JSON object


@dataclass(frozen=True)
class Command:
    text: str  # as a shell reads it, continuation lines included
    output: str | None  # the comment line right after it
    line: int  # where it starts in README.md

    @property
    def words(self) -> list[str]:
        return shlex.split(self.text.replace("\\\n", " "), comments=True)

    @property
    def kind(self) -> str:
        """The program: the first word after any VAR=value assignments."""
        return next(w for w in self.words if not re.match(r"^[A-Z_][A-Z0-9_]*=", w))

    def __str__(self) -> str:
        return f"README.md:{self.line}: {self.text}"


def readme_commands() -> list[Command]:
    readme = README.read_text(encoding="utf-8")
    found: list[Command] = []
    for block in re.finditer(r"^```sh\n(.*?)^```", readme, re.S | re.M):
        line = readme.count("\n", 0, block.start(1)) + 1
        lines = block.group(1).splitlines()
        i = 0
        while i < len(lines):
            if lines[i].startswith("#") or not lines[i].strip():
                i += 1
                continue
            start = i
            while lines[i].endswith("\\") or not complete("\n".join(lines[start : i + 1])):
                i += 1
            text = "\n".join(lines[start : i + 1])
            i += 1
            output = None
            if i < len(lines) and lines[i].startswith("# "):
                output = lines[i][2:]
                i += 1
            found.append(Command(text, output, line + start))
    return found


def complete(text: str) -> bool:
    """Whether a shell would stop reading here (a quoted string, such as a JSON body, may span lines)."""
    try:
        shlex.split(text)
    except ValueError:
        return False
    return True


COMMANDS = readme_commands()


def of_kind(*kinds: str) -> list[Command]:
    return [c for c in COMMANDS if c.kind in kinds]


def test_every_command_is_checked() -> None:
    assert len(COMMANDS) >= 15, "the README's sh blocks were not found"
    unknown = [str(c) for c in COMMANDS if c.kind not in RUN | NOT_RUN.keys()]
    assert not unknown, "commands this test does not know how to check:\n" + "\n".join(unknown)
    for c in COMMANDS:
        if c.kind in NOT_RUN:
            assert c.output is None, f"{c}: its output is documented, but the command is not run"


# curl and for


def expected_json(text: str) -> Any:
    """The documented output as JSON; an object closed by ``...`` gets a MORE key (its other keys go unchecked)."""
    return json.loads(re.sub(r",\s*\.\.\.\s*}", f', "{MORE}": true}}', text))


def matches(expected: Any, actual: Any) -> bool:
    if isinstance(expected, dict):
        keys = expected.keys() - {MORE}
        if not isinstance(actual, dict) or not (keys <= actual.keys() if MORE in expected else keys == actual.keys()):
            return False
        return all(matches(expected[k], actual[k]) for k in keys)
    if isinstance(expected, list):
        return isinstance(actual, list) and len(expected) == len(actual) and all(map(matches, expected, actual))
    # 1700.0 and 1700, or true and 1, are different answers on the wire.
    return type(expected) is type(actual) and bool(expected == actual)


def test_matches_reads_the_readmes_notation() -> None:
    shown = expected_json('{"a":1,"b":{"c":[1.0],...},...}')
    assert matches(shown, {"a": 1, "b": {"c": [1.0], "d": 2}, "e": 3})
    assert not matches(shown, {"a": 1, "b": {"c": [1], "d": 2}})
    assert not matches(shown, {"b": {"c": [1.0]}})
    assert not matches(expected_json('{"a":1}'), {"a": 1, "b": 2})
    assert not matches(expected_json('{"a":true}'), {"a": 1})


def run_shell(command: Command, port: int) -> subprocess.CompletedProcess[str]:
    text = command.text.replace(DOCUMENTED_ADDRESS, f"127.0.0.1:{port}")
    if command.kind == "curl":
        text += " -w '\\n%{http_code}'"
    env = {**os.environ, "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}
    return subprocess.run(["bash", "-c", text], cwd=ROOT, env=env, capture_output=True, text=True, timeout=30)


def test_the_curl_examples_answer_as_documented() -> None:
    assert shutil.which("curl"), "curl is not installed: the README's examples need it"
    examples = of_kind("curl", "for")
    assert len(examples) >= 8
    assert sum(c.output is not None for c in examples) >= 6
    with served(app_for()) as url:
        port = int(url.rsplit(":", 1)[1])
        for command in examples:
            run = run_shell(command, port)
            assert run.returncode == 0, f"{command}\nexit {run.returncode}: {run.stderr}"
            body = run.stdout
            if command.kind == "curl":
                body, status = run.stdout.rsplit("\n", 1)
                assert status.startswith("2"), f"{command}\nstatus {status}: {body}"
            if command.output is None:
                continue
            documented = command.output.replace(DOCUMENTED_ADDRESS, f"127.0.0.1:{port}")
            if documented.startswith(("{", "[")):
                real = json.loads(body)
                assert matches(expected_json(documented), real), f"{command}\ndocumented:\n{documented}\nreal:\n{body}"
            else:
                assert body.strip() == documented.strip(), command


# make


def dry_run(command: Command) -> tuple[list[str], dict[str, str], str]:
    """The command's make arguments, its environment assignments, and what ``make -n`` would run."""
    words = command.words
    at = words.index("make")
    assignments = dict(w.split("=", 1) for w in words[:at])
    # Neither the make that may be running this test nor the caller's STOCKSIM_* settings may leak in.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MFLAGS", "STOCKSIM_"))}
    run = subprocess.run(
        ["make", "-n", *words[at + 1 :]],
        cwd=ROOT,
        env={**env, **assignments},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert run.returncode == 0, f"{command}\n{run.stderr}"
    return words[at + 1 :], assignments, run.stdout


def test_the_make_commands_do_what_the_readme_says() -> None:
    assert shutil.which("make"), "make is not installed: it is one of the README's two prerequisites"
    seen = set()
    for command in of_kind("make"):
        args, env, would_run = dry_run(command)
        variables = dict(a.split("=", 1) for a in args if "=" in a)
        [target] = [a for a in args if "=" not in a]
        seen.add(target)
        if target == "serve":
            host = variables.get("HOST") or env.get("STOCKSIM_HOST") or "127.0.0.1"
            port = variables.get("PORT") or env.get("STOCKSIM_PORT") or "8080"
            assert re.search(rf"bin/stocksim serve --host {re.escape(host)} --port {port}$", would_run, re.M), (
                f"{command}\n{would_run}"
            )
        elif target == "test":
            for tool in ("bin/ruff check", "bin/mypy", "bin/pytest"):
                assert tool in would_run, f"{command}: no {tool} in\n{would_run}"
    assert {"serve", "test"} <= seen
    assert any("PORT=" in c.text and "HOST=" in c.text for c in of_kind("make"))


# stocksim


def test_the_stocksim_commands_serve_the_scenario_they_name(tmp_path: Path) -> None:
    commands = of_kind("stocksim")
    assert commands
    for command in commands:
        words = command.words
        assert words[words.index("--port") + 1] == "8080", command
        port = free_port()
        argv = [str(Path(sys.executable).parent / "stocksim"), *words[1:]]
        argv[argv.index("--port") + 1] = str(port)
        env = {k: v for k, v in os.environ.items() if not k.startswith("STOCKSIM_")}
        server = subprocess.Popen(argv, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            health = wait_for_health(port, server)
        finally:
            server.terminate()
            out = server.communicate(timeout=10)[0].decode()
        scenario = words[words.index("--scenario") + 1] if "--scenario" in words else "default"
        assert health["scenario"]["name"] == Path(scenario).stem, f"{command}\n{out}"


def wait_for_health(port: int, server: subprocess.Popen[bytes]) -> Any:
    deadline = time.monotonic() + 20
    while True:
        try:
            return httpx.get(f"http://127.0.0.1:{port}/_sim/health", timeout=1, trust_env=False).json()
        except httpx.TransportError:
            assert server.poll() is None, "the server exited"
            assert time.monotonic() < deadline, "the server did not answer in 20 s"
            time.sleep(0.05)


# docker (not run)


def test_the_docker_commands_fit_the_dockerfile() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r'^ENTRYPOINT \["stocksim"\]$', dockerfile, re.M)
    exposed = set(re.findall(r"^EXPOSE (\d+)$", dockerfile, re.M))
    built = {c.words[c.words.index("-t") + 1] for c in of_kind("docker") if c.words[1] == "build"}
    runs = [c for c in of_kind("docker") if c.words[1] == "run"]
    assert built and runs
    for command in runs:
        words = command.words
        published = words[words.index("-p") + 1].split(":")[-1]
        assert published in exposed, command
        with_values = {i + 1 for i, w in enumerate(words) if w in ("-p", "-v")}
        image = next(w for i, w in enumerate(words) if i > 1 and i not in with_values and not w.startswith("-"))
        assert image in built, command
    # pyproject.toml's readme and license files must be in the build context the image copies.
    copied = " ".join(re.findall(r"^COPY (.*)$", dockerfile, re.M))
    for needed in ("pyproject.toml", "README.md", "LICENSE", "simulator"):
        assert needed in copied, needed


# links


def test_every_link_in_the_readme_leads_somewhere() -> None:
    readme = README.read_text(encoding="utf-8")
    titles = re.findall(r"^#+ (.*)$", readme, re.M)
    anchors = {re.sub(r"[^a-z0-9 -]", "", title.lower()).replace(" ", "-") for title in titles}
    links = re.findall(r"\]\(([^)]+)\)", readme)
    assert len(links) >= 8
    for link in links:
        if link.startswith(("http://", "https://")):
            continue
        if link.startswith("#"):
            assert link[1:] in anchors, link
        else:
            assert (ROOT / link).exists(), link


def test_every_setting_has_a_row_in_the_readmes_flag_table() -> None:
    """Each setting is a flag and a variable of `stocksim serve` (simulator/config.py); the README's table names both,
    so a new setting cannot go undocumented."""
    from dataclasses import fields

    from simulator.config import Settings, envvar

    rows = [line for line in README.read_text().splitlines() if line.startswith("| `--")]
    for f in fields(Settings):
        flag, variable = f"`--{f.name.replace('_', '-')}", f"`{envvar(f.name)}`"
        assert any(row.startswith(f"| {flag}") and variable in row for row in rows), f"{flag} / {variable}"
