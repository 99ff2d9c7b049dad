"""The container recipes that cannot run here (no Docker engine): docker-compose.yml and deploy/compose/ against the
Compose specification's schema, the GitHub Actions examples against GitHub's workflow schema (both schemas ship
with check-jsonschema), each consistent with the Dockerfile and the settings; and the testcontainers example run
for real with the simulator as a local process standing in for the container."""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from bench.cluster import TRUST_PROXY_HEADERS
from simulator.config import Settings, envvar
from tests.support import ROOT

COMPOSE = [ROOT / "docker-compose.yml", ROOT / "deploy" / "compose" / "cluster.yaml"]
WORKFLOWS = sorted((ROOT / "deploy" / "github-actions").glob("*.yml"))
NGINX_CONF = ROOT / "deploy" / "nginx" / "conf.d" / "stocksim.conf"
UPSTREAM_SERVER = re.compile(r"^    server (\S+) max_fails=0;\n", re.M)


def check_jsonschema(schema: str, *files: Path) -> subprocess.CompletedProcess[str]:
    tool = Path(sys.executable).parent / "check-jsonschema"
    return subprocess.run([str(tool), "--builtin-schema", schema, *map(str, files)], capture_output=True, text=True)


def variables() -> set[str]:
    """Every STOCKSIM_* variable the simulator reads; the hardening issue's, which the recipes set already, too."""
    return {envvar(f.name) for f in dataclasses.fields(Settings)} | {envvar(TRUST_PROXY_HEADERS)}


def exposed_port() -> str:
    [port] = re.findall(r"^EXPOSE (\d+)$", (ROOT / "Dockerfile").read_text(), re.M)
    return str(port)


def load(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return loaded


@pytest.mark.parametrize(
    ("schema", "files", "typo"),
    [
        ("vendor.compose-spec", COMPOSE, ("volumes:", "volumez:")),
        ("vendor.github-workflows", WORKFLOWS, ("runs-on:", "runs_on:")),
    ],
)
def test_the_files_fit_their_schema_and_a_broken_one_does_not(
    schema: str, files: list[Path], typo: tuple[str, str], tmp_path: Path
) -> None:
    assert files
    done = check_jsonschema(schema, *files)
    assert done.returncode == 0, done.stdout + done.stderr
    broken = tmp_path / files[0].name
    broken.write_text(files[0].read_text().replace(*typo, 1))
    assert check_jsonschema(schema, broken).returncode != 0


def test_compose_mounts_the_scenarios_keeps_state_in_a_named_volume_and_checks_health() -> None:
    compose = load(COMPOSE[0])
    [service] = compose["services"].values()
    assert service["build"] == "."
    env = service["environment"]
    assert set(env) <= variables()
    volumes = dict(v.split(":", 1) for v in service["volumes"])
    assert volumes["./scenarios"] == "/scenarios:ro"
    assert (ROOT / "scenarios" / Path(env["STOCKSIM_SCENARIO"]).name).is_file()
    assert env["STOCKSIM_SCENARIO_DIR"] == "/scenarios"
    data = next(k for k, v in volumes.items() if v == str(Path(env["STOCKSIM_DB"]).parent))
    assert data in compose["volumes"], "the --db file is on a named volume"
    assert service["ports"] == [f"127.0.0.1:8080:{exposed_port()}"]
    assert "test" not in service["healthcheck"], "the image's HEALTHCHECK (it follows STOCKSIM_PORT) is the test"


def test_the_compose_cluster_fronts_its_shards_with_deploy_nginx() -> None:
    compose = load(COMPOSE[1])
    shards = {name: s for name, s in compose["services"].items() if name.startswith("shard-")}
    conf = (COMPOSE[1].parent / "stocksim.conf").read_text()
    # deploy/nginx/'s file, but for the upstream's servers: one per shard.
    assert UPSTREAM_SERVER.sub("", conf) == UPSTREAM_SERVER.sub("", NGINX_CONF.read_text())
    assert UPSTREAM_SERVER.findall(conf) == [f"{name}:{exposed_port()}" for name in shards]
    peers = {f"http://{name}:{exposed_port()}" for name in shards}
    for name, shard in shards.items():
        env = shard["environment"]
        assert set(env) <= variables()
        assert (env["STOCKSIM_INSTANCE_NAME"], set(env["STOCKSIM_PEERS"].split(","))) == (name, peers)
        [volume] = shard["volumes"]
        assert volume.split(":")[1] == str(Path(env["STOCKSIM_DB"]).parent)
        assert volume.split(":")[0] in compose["volumes"]
    others = {shard["volumes"][0] for shard in shards.values()}
    assert len(others) == len(shards), "each shard has a volume of its own"
    front = compose["services"]["front"]
    assert "../nginx/stocksim:/etc/nginx/stocksim:ro" in front["volumes"]
    assert set(front["depends_on"]) == set(shards)


def test_the_ci_job_runs_the_image_as_a_service_and_points_the_plugin_at_it() -> None:
    job = load(ROOT / "deploy" / "github-actions" / "stocksim-service.yml")["jobs"]["test"]
    [service] = job["services"].values()
    published = {p.split(":")[0]: p.split(":")[1] for p in service["ports"]}
    assert published == {"8080": exposed_port()}
    assert set(service["env"]) <= variables()
    urls = [step["env"]["STOCKSIM_URL"] for step in job["steps"] if "STOCKSIM_URL" in step.get("env", {})]
    assert urls == ["http://localhost:8080"]
    published_image = load(ROOT / "deploy" / "github-actions" / "publish-image.yml")["jobs"]["image"]["steps"][-1]
    assert service["image"] in published_image["with"]["tags"]


STAND_IN = '''
"""A stand-in for testcontainers' DockerContainer: "runs the image" as a local `stocksim serve`, with the
environment given (the image's defaults: serve on STOCKSIM_PORT), mapping the exposed port to a free one."""
import os
import socket
import subprocess


class DockerContainer:
    def __init__(self, image, **kwargs):
        self.image = image
        self.env = {}
        self.ports = []

    def with_exposed_ports(self, *ports):
        self.ports.extend(ports)
        return self

    def with_env(self, key, value):
        self.env[key] = value
        return self

    def __enter__(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.mapped = s.getsockname()[1]
        env = {**os.environ, **self.env, "STOCKSIM_HOST": "127.0.0.1", "STOCKSIM_PORT": str(self.mapped)}
        self.process = subprocess.Popen([os.environ["STOCKSIM_BIN"], "serve"], env=env, stdout=subprocess.DEVNULL)
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=15)

    def get_container_host_ip(self):
        return "127.0.0.1"

    def get_exposed_port(self, port):
        assert port in self.ports, port
        return str(self.mapped)
'''


def test_the_testcontainers_example_runs_the_plugin_against_its_container(tmp_path: Path) -> None:
    example = ROOT / "deploy" / "testcontainers"
    project = tmp_path / "project"
    shutil.copytree(example, project, ignore=shutil.ignore_patterns("__pycache__"))
    package = tmp_path / "stand-in" / "testcontainers" / "core"
    package.mkdir(parents=True)
    (package.parent / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "container.py").write_text(STAND_IN)
    env = {k: v for k, v in os.environ.items() if not k.startswith("STOCKSIM_")}
    env |= {
        "PYTHONPATH": str(tmp_path / "stand-in"),
        "STOCKSIM_BIN": str(Path(sys.executable).parent / "stocksim"),
        # The plugin alone, as in tests/cluster/: the other installed plugins take seconds to import.
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
    }
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "simulator.pytest_plugin", "."],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 passed" in done.stdout
