"""Methods and paths no route takes, over a real socket: the vendor's own error shape under a vendor's tree, the
control plane's elsewhere, and an Allow header that lists every method the path takes."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.support import app_for, served

MERCHANTPRO = "/merchantpro/demo/api/v2/inventory/id/10001"
ILEVEL = "/ilevel/demo/api/stock"
CENTRA = "/centra/demo/stock"
KACHING = "/ka-ching/imports/stock"


def shape(vendor: str, body: dict[str, Any], status: int) -> bool:
    """Whether ``body`` is ``vendor``'s error body (docs/fidelity.md)."""
    if vendor == "merchantpro":
        return set(body) == {"error"} and body["error"]["code"] == status
    if vendor == "ka-ching":
        return body["status"] == "ERROR" and isinstance(body["message"], str)
    if vendor == "ilevel":
        return body["allPassed"] is False and isinstance(body["error"], str)
    if vendor == "centra":
        return body["status"] == "no" and isinstance(body["msg"], str)
    return set(body) == {"error"} and isinstance(body["error"]["code"], str)  # the control plane


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with served(app_for()) as url:
        yield url


def raw(base: str, method: str, path: str) -> tuple[int, dict[str, str], dict[str, Any]]:
    """One request as written (http clients refuse CONNECT with a path), the answer parsed by hand."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(f"{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in header_lines)}
    return int(status_line.split()[1]), headers, json.loads(body)


@pytest.mark.parametrize("method", ["TRACE", "CONNECT", "PURGE"])
@pytest.mark.parametrize(
    ("vendor", "path", "allow"),
    [
        ("merchantpro", MERCHANTPRO, "GET, HEAD, PATCH"),
        ("ka-ching", KACHING, "POST, DELETE"),
        ("ka-ching", "/ka-ching/info", "GET, HEAD"),
        ("ilevel", ILEVEL, "GET"),
        ("centra", CENTRA, "GET, POST, PUT"),
        ("centra", "/sandboxes/default" + CENTRA, "GET, POST, PUT"),
    ],
)
def test_methods_a_vendor_does_not_take_get_its_405(base: str, method: str, vendor: str, path: str, allow: str) -> None:
    status, headers, body = raw(base, method, path)
    assert status == 405, body
    assert shape(vendor, body, 405), body
    assert headers["allow"] == allow


def test_put_on_ka_chings_info_is_405_not_404(base: str) -> None:
    r = httpx.put(base + "/ka-ching/info")
    assert r.status_code == 405
    assert r.headers["allow"] == "GET, HEAD"
    assert shape("ka-ching", r.json(), 405)
    assert httpx.get(base + "/ka-ching/info").status_code == 200


@pytest.mark.parametrize(
    ("vendor", "path"),
    [
        ("merchantpro", "/merchantpro//api/v2/inventory/id/10001"),
        ("merchantpro", "/merchantpro/"),
        ("merchantpro", "/merchantpro"),
        ("centra", "/centra//stock"),
        ("ilevel", "/ilevel//api/stock"),
        ("ka-ching", "/ka-ching//info"),
        ("centra", "/sandboxes/default/centra//stock"),
        ("centra", "/sandboxes//centra/demo/stock"),
    ],
)
def test_empty_segments_under_a_vendor_get_its_404(base: str, vendor: str, path: str) -> None:
    status, _, body = raw(base, "GET", path)
    assert status == 404
    assert shape(vendor, body, 404), body


@pytest.mark.parametrize(
    ("path", "allow"),
    [
        ("/_sim/sandboxes", "GET, HEAD, POST"),
        ("/_sim/sandboxes/default", "GET, HEAD, PUT, DELETE"),
        ("/_sim/faults", "GET, HEAD, POST, DELETE"),
        ("/_sim/journal", "GET, HEAD, DELETE"),
        ("/_sim/health", "GET, HEAD"),
    ],
)
def test_a_control_405_allows_every_method_the_path_takes(base: str, path: str, allow: str) -> None:
    for method in ("OPTIONS", "TRACE", "PATCH"):
        status, headers, body = raw(base, method, path)
        assert status == 405, (method, body)
        assert headers["allow"] == allow, method
        assert shape("control", body, 405), body
        assert body["error"]["code"] == "method_not_allowed"


def test_outside_every_vendor_the_control_planes_shape(base: str) -> None:
    status, _, body = raw(base, "GET", "/nowhere")
    assert status == 404 and body["error"]["code"] == "not_found"
