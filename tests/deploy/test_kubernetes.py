"""deploy/kubernetes/: every manifest valid against the Kubernetes schemas (kubernetes-validate, offline, strict:
an unknown field fails), and the pieces agree: the front's nginx is deploy/nginx/'s and names one per-pod Service
per replica, every shard lists every other, probes ask /_sim/health, the control token comes from a Secret, and
the --db file is on the pod's own volume."""

from __future__ import annotations

import copy
import dataclasses
import re
import subprocess
from pathlib import Path
from typing import Any

import kubernetes_validate  # type: ignore[import-untyped]
import pytest
import yaml

from bench.cluster import TRUST_PROXY_HEADERS, ensure_nginx
from simulator.config import Settings, envvar
from tests.support import ROOT, free_port

MANIFESTS = ROOT / "deploy" / "kubernetes"
NGINX = ROOT / "deploy" / "nginx"
# The oldest Kubernetes release still supported upstream when this was written, and the newest the package knows.
VERSIONS = ["1.31.0", kubernetes_validate.latest_version()]
UPSTREAM_SERVER = re.compile(r"^    server (\S+) max_fails=0;\n", re.M)


def documents() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path in sorted(MANIFESTS.glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if document:
                found.append((f"{path.name}: {document['kind']}/{document['metadata']['name']}", document))
    return found


DOCUMENTS = documents()


def resource(kind: str, name: str) -> dict[str, Any]:
    return next(d for _, d in DOCUMENTS if d["kind"] == kind and d["metadata"]["name"] == name)


def shards() -> dict[str, Any]:
    return resource("StatefulSet", "stocksim")


def container() -> dict[str, Any]:
    found: dict[str, Any] = shards()["spec"]["template"]["spec"]["containers"][0]
    return found


def env() -> dict[str, Any]:
    return {e["name"]: e for e in container()["env"]}


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(("where", "document"), DOCUMENTS, ids=[w for w, _ in DOCUMENTS])
def test_the_manifest_is_valid(where: str, document: dict[str, Any], version: str) -> None:
    kubernetes_validate.validate(document, version, strict=True)


def test_a_misspelt_field_is_caught() -> None:
    broken = copy.deepcopy(shards())
    broken["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {"tcpSocket": {"port": "http"}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, VERSIONS[0], strict=True)


def test_the_front_runs_deploy_nginx_files() -> None:
    data = resource("ConfigMap", "stocksim-nginx")["data"]
    for name in ("sandbox-key.conf", "proxy.conf"):
        assert data[name] == (NGINX / "stocksim" / name).read_text(), f"{name} differs from deploy/nginx/stocksim/"
    shipped = (NGINX / "conf.d" / "stocksim.conf").read_text()
    assert UPSTREAM_SERVER.sub("", data["stocksim.conf"]) == UPSTREAM_SERVER.sub("", shipped)


def test_the_front_names_one_stable_service_per_replica() -> None:
    replicas = shards()["spec"]["replicas"]
    pods = [f"stocksim-{i}" for i in range(replicas)]
    port = container()["ports"][0]["containerPort"]
    upstream = UPSTREAM_SERVER.findall(resource("ConfigMap", "stocksim-nginx")["data"]["stocksim.conf"])
    assert upstream == [f"{pod}:{port}" for pod in pods]
    for pod in pods:
        service = resource("Service", pod)["spec"]
        assert service["selector"] == {"statefulset.kubernetes.io/pod-name": pod}
        assert "clusterIP" not in service, "a virtual address of its own, which outlives the pod's"
    headless = resource("Service", shards()["spec"]["serviceName"])["spec"]
    assert headless["clusterIP"] == "None"
    peers = env()["STOCKSIM_PEERS"]["value"].split(",")
    assert peers == [f"http://{pod}.{shards()['metadata']['name']}:{port}" for pod in pods]


def test_the_shards_settings_probes_token_and_volume() -> None:
    variables = {envvar(f.name) for f in dataclasses.fields(Settings)} | {envvar(TRUST_PROXY_HEADERS)}
    assert set(env()) <= variables
    assert env()["STOCKSIM_INSTANCE_NAME"]["valueFrom"]["fieldRef"]["fieldPath"] == "metadata.name"
    assert env()["STOCKSIM_CONTROL_TOKEN"]["valueFrom"]["secretKeyRef"] == {"name": "stocksim-control", "key": "token"}
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert container()[probe]["httpGet"] == {"path": "/_sim/health", "port": "http"}, probe
    [claim] = shards()["spec"]["volumeClaimTemplates"]
    mounts = {m["name"]: m["mountPath"] for m in container()["volumeMounts"]}
    assert mounts[claim["metadata"]["name"]] == str(Path(env()["STOCKSIM_DB"]["value"]).parent)
    user = shards()["spec"]["template"]["spec"]["securityContext"]
    [image_user] = re.findall(r"^USER (\d+):(\d+)$", (ROOT / "Dockerfile").read_text(), re.M)
    assert (str(user["runAsUser"]), str(user["runAsGroup"]), str(user["fsGroup"])) == (*image_user, image_user[1])


def test_nginx_accepts_the_fronts_configuration(tmp_path: Path) -> None:
    # As the front's pod lays it out, with the Services' names (unknown here) replaced by local addresses.
    data = resource("ConfigMap", "stocksim-nginx")["data"]
    (tmp_path / "stocksim").mkdir()
    for name in ("sandbox-key.conf", "proxy.conf"):
        (tmp_path / "stocksim" / name).write_text(data[name])
    conf = data["stocksim.conf"].replace("/etc/nginx/stocksim/", f"{tmp_path}/stocksim/")
    conf = UPSTREAM_SERVER.sub(lambda m: f"    server 127.0.0.1:{free_port()} max_fails=0;\n", conf)
    conf = conf.replace("listen 8080;", f"listen 127.0.0.1:{free_port()};")
    main = tmp_path / "nginx.conf"
    main.write_text(f"pid {tmp_path}/nginx.pid;\nevents {{}}\nhttp {{\n{conf}}}\n")
    nginx = ensure_nginx()
    done = subprocess.run(
        [nginx, "-t", "-q", "-p", str(tmp_path), "-c", str(main), "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
