"""The hostile input corpus: one row per request, with the answer docs/fidelity.md promises for it.

Each vendor gets the same families (malformed bodies, content types, sizes, nesting, encodings, numbers,
credentials, headers) rendered on its own endpoint and judged against its own error shape. Centra answers bad
bodies with HTTP 200 `status: "no"` and i.LEVEL answers a bad item with HTTP 200 and 12006: those are the vendors'
own codes, so the rows say so.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

# Simulator bugs this corpus found, each once marked xfail(strict) here until fixed; all fixed since. A new one goes
# here as `"<case id>": "<what goes wrong>"`.
BUGS: dict[str, str] = {}

MP_BASE = "/merchantpro/demo/api/v2/inventory"
MP_ITEM = f"{MP_BASE}/sku/WMY71443LB2"
KC_IMPORT = "/ka-ching/imports/stock"
KC_QUERY = "account=demo-account&integration=demo-queue&apikey=demo-apikey"
KC_URL = f"{KC_IMPORT}?{KC_QUERY}"
IL_WAREHOUSE = "1571945CAB99744086F9FDFC9D9332D5"
IL_URL = f"/ilevel/demo/api/batchStock?warehouse_id={IL_WAREHOUSE}"
CE_URL = "/centra/demo/stock"

# A body each vendor would accept: a hostile row that is refused must leave it unapplied.
VALID = {
    "merchantpro": b'{"stock": 999}',
    "ka-ching": b'{"stock_location_id": {"product1": 999}}',
    "ilevel": b'{"batchStock": {"item": [{"variant_id": "0A5EEDAF16F8D54486AB2AD7474B3994", "inStock": 999}]}}',
    "centra": b'{"products": [{"product": "1234567890123", "quantity": 999}]}',
}


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def basic_value(user: str, password: str) -> str:
    return "Basic " + _b64(f"{user}:{password}".encode())


MP_AUTH = basic_value("demo-api-key", "demo-api-secret")
IL_AUTH = basic_value("demo", "demo-ilevel-api-key")
CE_TOKEN = "demo-centra-api-token"

Header = tuple[str, bytes]


@dataclass(frozen=True)
class Case:
    id: str
    vendor: str  # merchantpro | ka-ching | ilevel | centra | control | transport (refused by the HTTP server)
    method: str
    target: str  # path and query, sent as written
    status: int
    headers: tuple[Header, ...] = ()
    body: bytes = b""
    raw: bool = False  # bytes a client library would refuse or rewrite (every row goes over a plain socket)
    chunked: bool = False  # streamed without Content-Length
    capped: bool = False  # against the server with a small max_body_bytes
    contains: str = ""  # a fragment the response body must hold
    secrets: tuple[str, ...] = ()  # must not appear in the journal
    journaled: bool = True
    marks: tuple[str, ...] = field(default=())


def _json_headers(vendor: str) -> tuple[Header, ...]:
    auth: dict[str, tuple[Header, ...]] = {
        "merchantpro": (("Authorization", MP_AUTH.encode()),),
        "ka-ching": (),
        "ilevel": (("Authorization", IL_AUTH.encode()),),
        "centra": (("API-Authorization", CE_TOKEN.encode()),),
    }
    return (*auth[vendor], ("Content-Type", b"application/json"))


def _request(vendor: str) -> tuple[str, str]:
    return {
        "merchantpro": ("PATCH", MP_ITEM),
        "ka-ching": ("POST", KC_URL),
        "ilevel": ("POST", IL_URL),
        "centra": ("POST", CE_URL),
    }[vendor]


# The status each vendor answers for a body it cannot use (docs/fidelity.md): MerchantPro 400, Ka-ching 400,
# i.LEVEL 400 (12001: no batchStock object), Centra 200 with status "no".
BAD_BODY_STATUS = {"merchantpro": 400, "ka-ching": 400, "ilevel": 400, "centra": 200}
BAD_BODY_TEXT = {"merchantpro": "", "ka-ching": "", "ilevel": "batchStock", "centra": ""}
VENDORS = ("merchantpro", "ka-ching", "ilevel", "centra")


def _deep(n: int) -> bytes:
    return b"[" * n + b"]" * n


MALFORMED: list[tuple[str, bytes]] = [
    ("empty", b""),
    ("open-brace", b"{"),
    ("missing-value", b'{"a":}'),
    ("truncated-array", b"[1,2"),
    ("trailing-garbage", b"{} x"),
    ("two-documents", b"{}{}"),
    ("single-quotes", b"{'stock': 1}"),
    ("unquoted-key", b"{stock: 1}"),
    ("trailing-comma", b'{"a": 1,}'),
    ("comment", b'{"a": 1 /* c */}'),
    ("bom", b"\xef\xbb\xbf{}"),
    ("whitespace-only", b" \n\t "),
    ("top-null", b"null"),
    ("top-true", b"true"),
    ("top-string", b'"hello"'),
    ("top-number", b"42"),
    ("top-array", b"[]"),
    ("deep-arrays-100k", _deep(100_000)),
    ("deep-objects-10k", b'{"a":' * 10_000 + b"1" + b"}" * 10_000),
    ("unclosed-deep-100k", b"[" * 100_000),
    ("invalid-utf8-string", b'{"x": "\xff\xfe"}'),
    ("invalid-utf8-key", b'{"\xc3\x28": 1}'),
    ("overlong-utf8-slash", b'{"\xc0\xaf": 1}'),
    ("lone-surrogate-escape", b'{"\\ud800": 1}'),
    ("raw-nul-in-key", b'{"a\x00": 1}'),
    ("leading-nul", b'\x00{"a": 1}'),
    ("nul-escape-key", b'{"\\u0000": 1}'),
    ("utf16-body", '{"a": 1}'.encode("utf-16")),
    ("nan-literal", b'{"a": NaN}'),
    ("infinity-literal", b'{"a": Infinity}'),
    ("neg-infinity-literal", b'{"a": -Infinity}'),
]


def _malformed() -> list[Case]:
    cases = []
    for vendor in VENDORS:
        method, target = _request(vendor)
        for name, body in MALFORMED:
            status = BAD_BODY_STATUS[vendor]
            cases.append(
                Case(
                    f"{vendor}-body-{name}",
                    vendor,
                    method,
                    target,
                    status,
                    _json_headers(vendor),
                    body,
                    contains=BAD_BODY_TEXT[vendor],
                )
            )
    return cases


# Numbers in the field each vendor reads as a count; none is a count it may apply.
NUMBERS: list[tuple[str, str]] = [
    ("1e400", "1e400"),
    ("neg-1e400", "-1e400"),
    ("2-pow-70", str(2**70)),
    ("neg-2-pow-70", str(-(2**70))),
    ("1e-400", "1e-400"),
    ("neg-zero-float", "-0.0"),
    ("float", "7.5"),
    ("exponent-int", "1e3"),
    ("string-number", '"5"'),
    ("huge-digits", "9" * 5000),
]


def _number_body(vendor: str, value: str) -> bytes:
    return (
        {
            "merchantpro": '{"stock": %s}',
            "ka-ching": '{"stock_location_id": {"product1": %s}}',
            "ilevel": '{"batchStock": {"item": [{"variant_id": "0A5EEDAF16F8D54486AB2AD7474B3994", "inStock": %s}]}}',
            "centra": '{"products": [{"product": "1234567890123", "quantity": %s}]}',
        }[vendor]
        .replace("%s", value)
        .encode()
    )


# Numbers the JSON decoder cannot represent at all (beyond a double, or thousands of digits).
UNREADABLE = {"1e400", "neg-1e400", "huge-digits"}
# Whole numbers written as floats: Ka-ching's parser (JavaScript's) reads them as the integers 0 and 1000 (and
# 1e-400 underflows to 0 in it, as in every parser of doubles).
INTEGRAL = {"neg-zero-float", "exponent-int", "1e-400"}
# i.LEVEL fails a bad item alone: 200, 12006 overall.
NUMBER_STATUS = {"merchantpro": 400, "ka-ching": 400, "ilevel": 200, "centra": 200}


def _numbers() -> list[Case]:
    cases = []
    for vendor in VENDORS:
        method, target = _request(vendor)
        for name, value in NUMBERS:
            if vendor == "ka-ching" and name in INTEGRAL:
                continue  # counts Ka-ching applies (tests/vendors/kaching/test_wire.py)
            status, contains = NUMBER_STATUS[vendor], ""
            if vendor == "ilevel" and name in UNREADABLE:
                # i.LEVEL cannot read the body at all (not a per-item failure): 12001, like any unreadable body.
                status, contains = 400, "batchStock"
            cases.append(
                Case(
                    f"{vendor}-number-{name}",
                    vendor,
                    method,
                    target,
                    status,
                    _json_headers(vendor),
                    _number_body(vendor, value),
                    contains=contains,
                )
            )
        cases.append(
            Case(
                f"{vendor}-duplicate-keys-one-bad",
                vendor,
                method,
                target,
                NUMBER_STATUS[vendor],
                _json_headers(vendor),
                _duplicate_keys(vendor),
            )
        )
    return cases


def _duplicate_keys(vendor: str) -> bytes:
    """The same key twice, the last one bad: whichever copy a parser keeps, no count may be applied."""
    return {
        "merchantpro": b'{"stock": 999, "stock": "x"}',
        "ka-ching": b'{"stock_location_id": {"product1": 999, "product1": 1.5}}',
        "ilevel": b'{"batchStock": {"item": [{"variant_id": "0A5EEDAF16F8D54486AB2AD7474B3994", "inStock": 999,'
        b' "inStock": -1}]}}',
        "centra": b'{"products": [{"product": "1234567890123", "quantity": 999, "quantity": "x"}]}',
    }[vendor]


def _content_types() -> list[Case]:
    """A declared non-JSON type: MerchantPro 400, Ka-ching 415 (a valid body, so only the type can refuse it);
    i.LEVEL and Centra read any type as JSON, so they get a form body they cannot read."""
    types: list[tuple[str, bytes]] = [
        ("text-plain", b"text/plain"),
        ("form", b"application/x-www-form-urlencoded"),
        ("multipart", b"multipart/form-data; boundary=x"),
        ("xml", b"application/xml"),
        ("octet-stream", b"application/octet-stream"),
        ("jsonp", b"application/javascript"),
    ]
    cases = []
    for vendor in VENDORS:
        method, target = _request(vendor)
        auth = _json_headers(vendor)[:-1]
        for name, value in types:
            if vendor in ("merchantpro", "ka-ching"):
                status = 400 if vendor == "merchantpro" else 415
                body = VALID[vendor]
            else:
                status, body = BAD_BODY_STATUS[vendor], b"stock=999&product=1234567890123"
            cases.append(
                Case(
                    f"{vendor}-content-type-{name}",
                    vendor,
                    method,
                    target,
                    status,
                    (*auth, ("Content-Type", value)),
                    body,
                )
            )
    return cases


MB = 1024 * 1024
CAP = 64 * 1024  # the capped server's max_body_bytes


def _sizes() -> list[Case]:
    cases = []
    for vendor in VENDORS:
        method, target = _request(vendor)
        headers = _json_headers(vendor)
        # 10 MB under the default 16 MiB cap: read, then refused as the bad body it is.
        ten_mb = b'{"pad": "' + b"x" * (10 * MB) + b'"'
        cases.append(
            Case(f"{vendor}-size-10mb-unclosed", vendor, method, target, BAD_BODY_STATUS[vendor], headers, ten_mb)
        )
        cases.append(
            Case(f"{vendor}-size-17mb-over-default-cap", vendor, method, target, 413, headers, b" " * (17 * MB))
        )
        over = VALID[vendor] + b" " * CAP
        cases.append(Case(f"{vendor}-size-over-cap", vendor, method, target, 413, headers, over, capped=True))
        cases.append(
            Case(
                f"{vendor}-size-over-cap-chunked", vendor, method, target, 413, headers, over, chunked=True, capped=True
            )
        )
        lying = (*headers, ("Content-Length", str(10 * MB).encode()))
        cases.append(
            Case(
                f"{vendor}-size-declared-over-cap",
                vendor,
                method,
                target,
                413,
                lying,
                VALID[vendor],
                raw=True,
                capped=True,
            )
        )
    return cases


def all_cases() -> list[Case]:
    # Imported here: those modules build their rows from this one's helpers.
    from tests.hostile.credentials import credential_cases, identifier_cases
    from tests.hostile.headers import control_cases, header_cases

    return [
        *_malformed(),
        *_numbers(),
        *_content_types(),
        *_sizes(),
        *credential_cases(),
        *identifier_cases(),
        *header_cases(),
        *control_cases(),
    ]
