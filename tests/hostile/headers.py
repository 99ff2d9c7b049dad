"""Hostile rows for the header block (injection attempts, very long and very many headers) and for the control
plane's own JSON bodies."""

from __future__ import annotations

from tests.hostile.cases import CE_TOKEN, IL_AUTH, MP_AUTH, VALID, Case, Header, _json_headers, _request

KB = 1024


def _auth(vendor: str) -> tuple[Header, ...]:
    return _json_headers(vendor)[:-1]


def header_cases() -> list[Case]:
    """Credentials smuggled through a header value, bytes no HTTP client should send, and oversize header blocks.

    Rows the HTTP server itself refuses before any route sees them are vendor ``transport``: a plain 400 or 431,
    and no journal entry, since the request never existed as far as the vendor is concerned."""
    cases: list[Case] = []
    good_value = {"merchantpro": MP_AUTH, "ilevel": IL_AUTH, "centra": CE_TOKEN, "ka-ching": "x"}
    for vendor in ("merchantpro", "ka-ching", "ilevel", "centra"):
        method, target = _request(vendor)
        body = VALID[vendor]
        json: Header = ("Content-Type", b"application/json")
        auth_name = "API-Authorization" if vendor == "centra" else "Authorization"
        unauthorised = 401
        if vendor == "ka-ching":
            target = target.replace("apikey=demo-apikey", "apikey=wrong")
        good = good_value[vendor].encode()
        bad_bytes = [
            ("bare-cr-in-value", (auth_name, good + b"\rX-Injected: 1")),
            ("bare-lf-in-value", (auth_name, good + b"\nX-Injected: 1")),
            ("nul-in-value", (auth_name, good + b"\x00")),
            ("obs-fold", (auth_name, good + b"\r\n continued")),
        ]
        for name, header in bad_bytes:
            cases.append(
                Case(
                    f"{vendor}-header-{name}",
                    "transport",
                    method,
                    target,
                    400,
                    (header, json),
                    body,
                    raw=True,
                    journaled=False,
                )
            )
        cases.append(
            Case(
                f"{vendor}-header-space-before-colon",
                "transport",
                method,
                target,
                400,
                ((auth_name + " ", good), json),
                body,
                raw=True,
                journaled=False,
            )
        )
        cases.append(
            Case(
                f"{vendor}-header-long-8k-credential",
                vendor,
                method,
                target,
                unauthorised,
                ((auth_name, b"Basic " + b"A" * (8 * KB)), json),
                body,
                raw=True,
            )
        )
        cases.append(
            Case(
                f"{vendor}-header-long-60k-padding",
                vendor,
                method,
                target,
                unauthorised,
                (("X-Pad", b"p" * (60 * KB)), json),
                body,
                raw=True,
            )
        )
        cases.append(
            Case(
                f"{vendor}-header-2000-headers",
                vendor,
                method,
                target,
                unauthorised,
                (*((f"X-H{i}", b"v") for i in range(2000)), json),
                body,
                raw=True,
            )
        )
    return cases


CONTROL_BODIES: list[tuple[str, bytes]] = [
    ("malformed", b"{"),
    ("not-an-object", b"[1]"),
    ("deep-arrays-100k", b"[" * 100_000 + b"]" * 100_000),
    ("invalid-utf8", b'{"name": "\xff"}'),
    ("nul", b'{"name": "a\x00b"}'),
    ("nan", b'{"advance": NaN}'),
]


def control_cases() -> list[Case]:
    """Each runs on a sandbox of its own (``{sandbox}``): a control write that half-applies spoils only that one."""
    cases = []
    for path in ("/_sim/faults", "/_sim/sandboxes", "/_sim/clock", "/_sim/verify"):
        for name, body in CONTROL_BODIES:
            cases.append(
                Case(
                    f"control-{path.rsplit('/', 1)[1]}-{name}",
                    "control",
                    "POST",
                    path + "?sandbox={sandbox}",
                    400,
                    (("Content-Type", b"application/json"),),
                    body,
                    journaled=False,
                )
            )
    numbers = [
        ("clock-advance-1e400", "/_sim/clock", b'{"advance": 1e400}'),
        ("clock-advance-2-pow-70", "/_sim/clock", b'{"advance": %d}' % 2**70),
        ("clock-set-2-pow-70", "/_sim/clock", b'{"set": %d}' % 2**70),
        ("clock-advance-infinity", "/_sim/clock", b'{"advance": Infinity}'),
        (
            "faults-nth-2-pow-70",
            "/_sim/faults",
            b'{"id": "x", "when": {"nth": %d}, "action": {"kind": "status", "status": 503}}' % 2**70,
        ),
        ("faults-latency-1e400", "/_sim/faults", b'{"id": "y", "action": {"kind": "latency", "fixed": 1e400}}'),
        ("sandboxes-name-traversal", "/_sim/sandboxes", b'{"name": "../default"}'),
        ("sandboxes-scenario-path", "/_sim/sandboxes", b'{"scenario": "/etc/passwd"}'),
    ]
    for name, path, body in numbers:
        cases.append(
            Case(
                f"control-{name}",
                "control",
                "POST",
                path + "?sandbox={sandbox}",
                400,
                (("Content-Type", b"application/json"),),
                body,
                journaled=False,
            )
        )
    return cases
