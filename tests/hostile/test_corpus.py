"""The hostile input corpus, run over real sockets: every row gets its vendor's own error, never a 5xx, changes
nothing, and leaves exactly one journal entry with the status the client saw and no credential in it."""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import json
import socket
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.hostile.cases import BUGS, CAP, Case, all_cases
from tests.hostile.scenario import SCENARIO
from tests.support import app_for, basic, served

CASES = all_cases()


class Server:
    """A served app, one client to watch it with, and the last snapshot a passing row left it in."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.client = httpx.Client(base_url=base, timeout=30)
        self.last: dict[str, Any] | None = None
        self.sandboxes = itertools.count(1)


@pytest.fixture(scope="module")
def default_server() -> Iterator[Server]:
    with served(app_for(SCENARIO)) as url:
        server = Server(url)
        yield server
        server.client.close()


@pytest.fixture(scope="module")
def capped_server() -> Iterator[Server]:
    with served(app_for(SCENARIO, max_body_bytes=CAP)) as url:
        server = Server(url)
        yield server
        server.client.close()


class Reply:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    def json(self) -> Any:
        return json.loads(self.body)


def _request_bytes(case: Case, host: str) -> bytes:
    names = {name.lower() for name, _ in case.headers}
    lines = [f"{case.method} {case.target} HTTP/1.1".encode(), f"Host: {host}".encode(), b"Connection: close"]
    lines += [name.encode() + b": " + value for name, value in case.headers]
    if case.chunked:
        lines.append(b"Transfer-Encoding: chunked")
    elif "content-length" not in names:
        lines.append(f"Content-Length: {len(case.body)}".encode())
    head = b"\r\n".join(lines) + b"\r\n\r\n"
    if not case.chunked:
        return head + case.body
    step = 16 * 1024
    chunks = [case.body[i : i + step] for i in range(0, len(case.body), step)]
    return head + b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in chunks) + b"0\r\n\r\n"


def send(base: str, case: Case) -> Reply:
    """One request byte for byte over a plain socket. The body is written from a thread while the answer is read,
    so a server that answers 413 before reading the rest is heard before its close resets the connection."""
    host = base.removeprefix("http://")
    address, port = host.split(":")
    data = _request_bytes(case, host)
    with socket.create_connection((address, int(port)), timeout=30) as sock:

        def write() -> None:
            # The server may answer and close before taking all of it.
            with contextlib.suppress(OSError):
                sock.sendall(data)

        writer = threading.Thread(target=write, daemon=True)
        writer.start()
        received = b""
        try:
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                received += chunk
        except ConnectionResetError:
            pass
        writer.join(timeout=30)
    head, _, body = received.partition(b"\r\n\r\n")
    assert head, f"no answer to {case.id}"
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        body = body[: int(headers["content-length"])]
    return Reply(int(status_line.split(" ")[1]), headers, body)


MP_RECORDS = (
    ("demo", ("demo-api-key", "demo-api-secret"), (10001, 10010, 10011, 10012, 10013)),
    ("other", ("other-api-key", "other-api-secret"), (20001,)),
)


def snapshot(c: httpx.Client, sandbox: str | None) -> dict[str, Any]:
    """Everything a refused request could have touched; the journal is emptied last."""
    shot: dict[str, Any] = {"state": c.get("/_sim/state").json()}
    shot["merchantpro"] = [
        c.get(f"/merchantpro/{shop}/api/v2/inventory/id/{i}", headers=basic(*creds)).json()
        for shop, creds, ids in MP_RECORDS
        for i in ids
    ]
    shot["events"] = c.get("/_sim/ka-ching/events").json()
    for queue in ("demo-queue", "other-queue"):
        log = c.get(f"/_sim/ka-ching/queues/{queue}/log").json()
        shot[queue] = {k: v for k, v in log.items() if k != "accesses"}
        shot[f"{queue}-accesses"] = log["accesses"]
    shot["notifications"] = c.get("/_sim/centra/notifications").json()
    shot["faults"] = c.get("/_sim/faults").json()
    shot["sandboxes"] = c.get("/_sim/sandboxes").json()
    if sandbox is not None:
        shot["control-faults"] = c.get("/_sim/faults", params={"sandbox": sandbox}).json()
        clock = c.get("/_sim/clock", params={"sandbox": sandbox})
        assert clock.status_code == 200, clock.text
        shot["control-clock"] = (clock.json()["frozen"], round(clock.json()["offset_seconds"]))
    assert c.delete("/_sim/journal").status_code in (200, 204)
    return shot


def journal(c: httpx.Client) -> tuple[list[dict[str, Any]], str]:
    r = c.get("/_sim/journal")
    assert r.status_code == 200, r.text
    entries: list[dict[str, Any]] = r.json()["entries"]
    return entries, r.text


def check_shape(case: Case, reply: Reply) -> None:
    """The vendor's own error body (docs/fidelity.md), for the status the row expects."""
    if case.vendor == "transport":
        return
    body = reply.json()
    if case.vendor == "merchantpro":
        assert set(body) == {"error"} and {"code", "name", "message"} <= set(body["error"]) <= {
            "code",
            "name",
            "message",
            "field",
        }, body
        assert body["error"]["code"] == reply.status and isinstance(body["error"]["message"], str)
        if reply.status == 401:
            assert reply.headers.get("www-authenticate", "").startswith("Basic")
    elif case.vendor == "ka-ching":
        assert (
            body["status"] == "ERROR"
            and isinstance(body["message"], str)
            and set(body) <= {"status", "message", "path"}
        ), body
    elif case.vendor == "ilevel":
        assert (
            body["allPassed"] is False
            and isinstance(body["error"], str)
            and set(body) == {"allPassed", "error", "results"}
        ), body
        if reply.status == 200:
            assert body["error"] == "Some items failed to update please check results." and body["results"]
            assert all(r["success"] is False for r in body["results"])
        else:
            assert body["results"] == []
        if reply.status == 401:
            assert reply.headers.get("www-authenticate", "").startswith("Basic")
    elif case.vendor == "centra":
        assert body["status"] == "no" and isinstance(body["msg"], str) and set(body) <= {"status", "msg", "errors"}
    else:
        assert isinstance(body["error"]["message"], str), body
    if case.contains:
        assert case.contains in reply.body.decode("utf-8", "replace")


def test_the_corpus_has_at_least_200_cases() -> None:
    assert len(CASES) >= 200
    assert len({c.id for c in CASES}) == len(CASES), "case ids must be unique"
    assert {c.vendor for c in CASES} >= {"merchantpro", "ka-ching", "ilevel", "centra", "control"}


def _param(case: Case) -> Any:
    marks = [pytest.mark.xfail(reason=f"simulator bug: {BUGS[case.id]}", strict=True)] if case.id in BUGS else []
    return pytest.param(case, id=case.id, marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_hostile_request(case: Case, request: pytest.FixtureRequest) -> None:
    server: Server = request.getfixturevalue("capped_server" if case.capped else "default_server")
    c, sandbox = server.client, None
    if case.vendor == "control":
        sandbox = f"hostile-{next(server.sandboxes)}"
        assert c.post("/_sim/sandboxes", json={"name": sandbox}).status_code == 201
        case = dataclasses.replace(case, target=case.target.format(sandbox=sandbox))
        server.last = None
    # A passing row leaves the world as it found it, so its closing snapshot is the next row's opening one.
    before, server.last = server.last or snapshot(c, sandbox), None
    reply = send(server.base, case)
    assert reply.status < 500, (reply.status, reply.body[:500])
    assert reply.status == case.status, (reply.status, reply.body[:500])
    check_shape(case, reply)
    entries, text = journal(c)
    after = snapshot(c, sandbox)
    accesses = after["demo-queue-accesses"][len(before["demo-queue-accesses"]) :]
    assert _without_accesses(after) == _without_accesses(before)
    # Ka-ching logs every authenticated access, refused or not, with the status the client saw.
    assert [a["status"] for a in accesses] in ([], [reply.status])
    if case.vendor in ("control", "transport"):
        assert entries == []
    else:
        assert len(entries) == 1, entries
        assert entries[0]["status"] == reply.status and entries[0]["method"] == case.method
        for secret in case.secrets:
            assert secret not in text, f"{secret!r} in the journal"
        for name, value in entries[0]["headers"].items():
            if name in ("authorization", "api-authorization") and value:
                assert value.split(" ")[-1] == "****", value
        assert entries[0]["query"].get("apikey", "****") == "****"
    if sandbox is None:
        server.last = after
    else:
        assert c.delete(f"/_sim/sandboxes/{sandbox}").status_code in (200, 204)


def _without_accesses(shot: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in shot.items() if k != "demo-queue-accesses"}
