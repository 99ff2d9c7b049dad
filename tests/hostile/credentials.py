"""Hostile rows for credentials, URLs and headers: wrong and missing credentials in every form, percent-encoding
tricks in identifiers, header injection and very long headers, and bad bodies on the control plane."""

from __future__ import annotations

from tests.hostile.cases import (
    CE_TOKEN,
    CE_URL,
    IL_AUTH,
    IL_URL,
    IL_WAREHOUSE,
    KC_IMPORT,
    MP_AUTH,
    MP_BASE,
    MP_ITEM,
    VALID,
    Case,
    Header,
    _b64,
    basic_value,
)

JSON: Header = ("Content-Type", b"application/json")


def _basic_forms(
    user: str, password: str, other: tuple[str, str]
) -> list[tuple[str, tuple[Header, ...], tuple[str, ...]]]:
    """Authorization header variants for an account whose Basic credentials are user:password."""
    token = _b64(f"{user}:{password}".encode())
    wrong = basic_value(user, "wrong-secret")
    return [
        ("missing", (), ()),
        ("empty", (("Authorization", b""),), ()),
        ("scheme-only", (("Authorization", b"Basic"),), ()),
        ("scheme-and-space", (("Authorization", b"Basic "),), ()),
        ("bearer-scheme", (("Authorization", f"Bearer {token}".encode()),), (token,)),
        ("digest-scheme", (("Authorization", f"Digest {token}".encode()),), (token,)),
        ("no-scheme", (("Authorization", token.encode()),), (token,)),
        ("plain-text-pair", (("Authorization", f"Basic {user}:{password}".encode()),), (password,)),
        ("wrong-password", (("Authorization", wrong.encode()),), ("wrong-secret", wrong[6:])),
        ("user-wrong-case", (("Authorization", basic_value(user.upper(), password).encode()),), (password,)),
        (
            "password-wrong-case",
            (("Authorization", basic_value(user, password.upper()).encode()),),
            (password.upper(),),
        ),
        ("truncated-base64", (("Authorization", f"Basic {token[:-3]}".encode()),), (token[:-3],)),
        ("base64-bad-padding", (("Authorization", f"Basic {token}=".encode()),), ()),
        ("base64-no-colon", (("Authorization", f"Basic {_b64(f'{user}{password}'.encode())}".encode()),), ()),
        ("extra-colon-end", (("Authorization", basic_value(user, password + ":").encode()),), (password,)),
        ("extra-colon-start", (("Authorization", basic_value(":" + user, password).encode()),), (password,)),
        ("swapped", (("Authorization", basic_value(password, user).encode()),), (password,)),
        ("unicode-password", (("Authorization", basic_value(user, password + "é").encode()),), (password,)),
        (
            "latin1-password",
            (("Authorization", b"Basic " + _b64(f"{user}:{password}\xe9".encode("latin-1")).encode()),),
            (password,),
        ),
        ("raw-utf8-header", (("Authorization", "Basic démo:sécret".encode()),), ("sécret",)),
        ("nul-in-password", (("Authorization", basic_value(user, password + "\0").encode()),), (password,)),
        ("other-accounts-credentials", (("Authorization", basic_value(*other).encode()),), (other[1],)),
    ]


def _basic_cases(
    vendor: str, method: str, target: str, body: bytes, user: str, password: str, other: tuple[str, str]
) -> list[Case]:
    return [
        Case(f"{vendor}-auth-{name}", vendor, method, target, 401, (*headers, JSON), body, secrets=secrets)
        for name, headers, secrets in _basic_forms(user, password, other)
    ]


def _kaching_cases() -> list[Case]:
    good = {"account": "demo-account", "integration": "demo-queue", "apikey": "demo-apikey"}
    variants: list[tuple[str, str, tuple[Header, ...]]] = [
        ("missing-all", "", ()),
        ("missing-apikey", "account=demo-account&integration=demo-queue", ()),
        ("empty-apikey", "account=demo-account&integration=demo-queue&apikey=", ()),
        ("wrong-apikey", "account=demo-account&integration=demo-queue&apikey=wrong-key", ()),
        ("apikey-wrong-case", "account=demo-account&integration=demo-queue&apikey=DEMO-APIKEY", ()),
        ("apikey-name-wrong-case", "account=demo-account&integration=demo-queue&APIKEY=demo-apikey", ()),
        ("truncated-apikey", "account=demo-account&integration=demo-queue&apikey=demo-apik", ()),
        ("apikey-nul", "account=demo-account&integration=demo-queue&apikey=demo-apikey%00", ()),
        ("apikey-extra-colon", "account=demo-account&integration=demo-queue&apikey=demo-apikey:", ()),
        ("apikey-unicode", "account=demo-account&integration=demo-queue&apikey=d%C3%A9mo-apikey", ()),
        ("apikey-invalid-utf8", "account=demo-account&integration=demo-queue&apikey=demo-apikey%FF", ()),
        ("missing-account", "integration=demo-queue&apikey=demo-apikey", ()),
        ("wrong-account", "account=nobody&integration=demo-queue&apikey=demo-apikey", ()),
        ("account-wrong-case", "account=Demo-Account&integration=demo-queue&apikey=demo-apikey", ()),
        ("missing-integration", "account=demo-account&apikey=demo-apikey", ()),
        ("wrong-integration", "account=demo-account&integration=nope&apikey=demo-apikey", ()),
        ("other-accounts-key", "account=demo-account&integration=demo-queue&apikey=other-apikey", ()),
        ("other-accounts-queue", "account=demo-account&integration=other-queue&apikey=other-apikey", ()),
        ("other-account-own-queue", "account=other-account&integration=demo-queue&apikey=demo-apikey", ()),
        (
            "key-in-bearer-header",
            "account=demo-account&integration=demo-queue",
            (("Authorization", b"Bearer demo-apikey"),),
        ),
        (
            "key-in-basic-header",
            "account=demo-account&integration=demo-queue",
            (("Authorization", basic_value("demo-account", "demo-apikey").encode()),),
        ),
        ("key-in-body-only", "account=demo-account&integration=demo-queue", ()),
    ]
    cases = []
    for name, query, headers in variants:
        body = VALID["ka-ching"] if name != "key-in-body-only" else b'{"apikey": "demo-apikey"}'
        target = f"{KC_IMPORT}?{query}" if query else KC_IMPORT
        secrets = tuple(s for s in ("wrong-key", "DEMO-APIKEY", "demo-apik", "other-apikey") if f"apikey={s}" in query)
        cases.append(
            Case(f"ka-ching-auth-{name}", "ka-ching", "POST", target, 401, (*headers, JSON), body, secrets=secrets)
        )
    assert good  # the good triple, for readers: account, integration, apikey
    return cases


def _centra_cases() -> list[Case]:
    forms: list[tuple[str, tuple[Header, ...], tuple[str, ...]]] = [
        ("missing", (), ()),
        ("empty", (("API-Authorization", b""),), ()),
        ("wrong", (("API-Authorization", b"wrong-token"),), ("wrong-token",)),
        ("bearer-prefix", (("API-Authorization", f"Bearer {CE_TOKEN}".encode()),), ()),
        ("basic-prefix", (("API-Authorization", f"Basic {CE_TOKEN}".encode()),), ()),
        ("upper-case", (("API-Authorization", CE_TOKEN.upper().encode()),), (CE_TOKEN.upper(),)),
        ("truncated", (("API-Authorization", CE_TOKEN[:-2].encode()),), (CE_TOKEN[:-2],)),
        ("extra-colon", (("API-Authorization", f"{CE_TOKEN}:".encode()),), ()),
        ("unicode", (("API-Authorization", f"{CE_TOKEN}é".encode()),), ()),
        ("nul", (("API-Authorization", f"{CE_TOKEN}\0".encode()),), ()),
        ("in-authorization-header", (("Authorization", CE_TOKEN.encode()),), ()),
        ("in-authorization-bearer", (("Authorization", f"Bearer {CE_TOKEN}".encode()),), ()),
        ("other-plugins-token", (("API-Authorization", b"other-centra-api-token"),), ("other-centra-api-token",)),
        ("in-query", (), ()),
    ]
    cases = []
    for name, headers, secrets in forms:
        target = f"{CE_URL}?API-Authorization={CE_TOKEN}" if name == "in-query" else CE_URL
        # The HTTP server refuses a NUL in a header value before any route sees it.
        vendor, status = ("transport", 400) if name == "nul" else ("centra", 401)
        cases.append(
            Case(
                f"centra-auth-{name}",
                vendor,
                "POST",
                target,
                status,
                (*headers, JSON),
                VALID["centra"],
                secrets=secrets,
                raw=True,
                journaled=vendor != "transport",
            )
        )
    return cases


def credential_cases() -> list[Case]:
    return [
        *_basic_cases(
            "merchantpro",
            "PATCH",
            MP_ITEM,
            VALID["merchantpro"],
            "demo-api-key",
            "demo-api-secret",
            ("other-api-key", "other-api-secret"),
        ),
        *_basic_cases(
            "ilevel", "POST", IL_URL, VALID["ilevel"], "demo", "demo-ilevel-api-key", ("other", "other-ilevel-api-key")
        ),
        *_kaching_cases(),
        *_centra_cases(),
    ]


def identifier_cases() -> list[Case]:
    """Percent-encoding tricks in the URL: none may reach a record it does not literally name."""
    mp = (("Authorization", MP_AUTH.encode()), JSON)
    skus = [
        ("encoded-slash-traversal", "..%2Fid%2F10001"),
        ("encoded-dots-slash", "%2E%2E%2Fid%2F10001"),
        ("literal-dotdot", ".."),
        ("literal-dot", "."),
        ("dotdot-in-path", "../id/10001"),
        ("nul", "%00"),
        ("sku-then-nul", "WMY71443LB2%00"),
        ("double-encoded-slash", "Mug%252FRed%2520350ml"),
        ("double-encoded-percent", "100%2525%2520Cotton%2520Tee"),
        ("overlong-utf8-slash", "Mug%C0%AFRed%20350ml"),
        ("invalid-utf8", "WMY71443LB2%FF"),
        ("bare-percent", "100%%20Cotton%20Shirt"),
        ("truncated-escape", "WMY71443LB2%2"),
        ("wrong-case", "wmy71443lb2"),
        ("trailing-space", "WMY71443LB2%20"),
        ("newline", "WMY71443LB2%0A"),
        ("crlf", "WMY71443LB2%0D%0AX-Injected:%201"),
        ("backslash", "..%5Cid%5C10001"),
        ("nfd-unicode", "C%CC%8Caj-Zelen%C3%BD-%C3%9Cn%C3%AF"),
        ("query-smuggle", "WMY71443LB2%3Fx%3D1"),
        ("fragment-smuggle", "WMY71443LB2%23x"),
        ("dotdot-sku-encoded", "a%2E%2E"),
    ]
    cases = [
        Case(
            f"merchantpro-sku-{name}",
            "merchantpro",
            "PATCH",
            f"{MP_BASE}/sku/{sku}",
            404,
            mp,
            VALID["merchantpro"],
            raw=True,
        )
        for name, sku in skus
    ]
    cases += [
        Case(
            "merchantpro-path-other-shop-traversal",
            "merchantpro",
            "PATCH",
            "/merchantpro/demo/..%2Fother/api/v2/inventory/id/20001",
            404,
            mp,
            VALID["merchantpro"],
            raw=True,
        ),
        Case(
            "merchantpro-path-id-not-number",
            "merchantpro",
            "PATCH",
            f"{MP_BASE}/id/1e4",
            404,
            mp,
            VALID["merchantpro"],
            raw=True,
        ),
        Case(
            "merchantpro-path-id-huge",
            "merchantpro",
            "PATCH",
            f"{MP_BASE}/id/{2**70}",
            404,
            mp,
            VALID["merchantpro"],
            raw=True,
        ),
        Case(
            "merchantpro-path-id-negative-zero",
            "merchantpro",
            "PATCH",
            f"{MP_BASE}/id/-0",
            404,
            mp,
            VALID["merchantpro"],
            raw=True,
        ),
        Case(
            "ilevel-warehouse-nul",
            "ilevel",
            "POST",
            f"{IL_URL}%00",
            400,
            (("Authorization", IL_AUTH.encode()), JSON),
            VALID["ilevel"],
            raw=True,
            contains="Warehouse not found",
        ),
        Case(
            "ilevel-warehouse-lower-case",
            "ilevel",
            "POST",
            f"/ilevel/demo/api/batchStock?warehouse_id={IL_WAREHOUSE.lower()}",
            400,
            (("Authorization", IL_AUTH.encode()), JSON),
            VALID["ilevel"],
            contains="Warehouse not found",
        ),
        Case(
            "ilevel-warehouse-other-tenants",
            "ilevel",
            "POST",
            "/ilevel/demo/api/batchStock?warehouse_id=8E0F3D4C2B1A49D7A6E5F4C3B2A19080",
            400,
            (("Authorization", IL_AUTH.encode()), JSON),
            VALID["ilevel"],
            contains="Warehouse not found",
        ),
        Case(
            "ilevel-tenant-traversal",
            "ilevel",
            "POST",
            f"/ilevel/other%2F..%2Fdemo/api/batchStock?warehouse_id={IL_WAREHOUSE}",
            401,
            (("Authorization", IL_AUTH.encode()), JSON),
            VALID["ilevel"],
            raw=True,
        ),
        Case(
            "centra-plugin-traversal",
            "centra",
            "POST",
            "/centra/other%2F..%2Fdemo/stock",
            401,
            (("API-Authorization", CE_TOKEN.encode()), JSON),
            VALID["centra"],
            raw=True,
        ),
        Case(
            "centra-plugin-nul",
            "centra",
            "POST",
            "/centra/demo%00/stock",
            404,
            (("API-Authorization", CE_TOKEN.encode()), JSON),
            VALID["centra"],
            raw=True,
        ),
        Case(
            "ka-ching-path-traversal",
            "ka-ching",
            "POST",
            "/ka-ching/imports/..%2Fimports/stock?account=demo-account&integration=demo-queue&apikey=demo-apikey",
            404,
            (JSON,),
            VALID["ka-ching"],
            raw=True,
        ),
    ]
    return cases
