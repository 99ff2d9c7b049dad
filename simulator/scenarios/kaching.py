"""The ``ka_ching:`` section of a scenario: accounts, their import and export queues, locations and stock."""

from __future__ import annotations

import re
from typing import Annotated, ClassVar, Literal

import msgspec

from simulator.domain.kaching import key_problem
from simulator.domain.stock import MAX_QUANTITY
from simulator.scenarios.loaded import LoadedScenario
from simulator.scenarios.part import ScenarioPart
from simulator.scenarios.problems import Problem, unique_values
from simulator.scenarios.types import AttemptCount, NonEmpty, Secret

Count = Annotated[int, msgspec.Meta(ge=-MAX_QUANTITY, le=MAX_QUANTITY)]
Seconds = Annotated[float, msgspec.Meta(ge=0, le=86_400)]
Url = Annotated[str, msgspec.Meta(pattern=r"^https?://[^\s/]+(/\S*)?$", max_length=2048)]
# An export queue's own headers, sent on every delivery (Ka-ching's integrations set `Authorization: KachingKey
# <key>`). Names are HTTP tokens, values visible ASCII with inner spaces (what every HTTP stack sends as is).
HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}")
HEADER_VALUE = re.compile(r"([\x21-\x7e]([\x20-\x7e\t]*[\x21-\x7e])?)?")
MAX_HEADERS = 32
MAX_HEADER_BYTES = 8192  # names and values together, per export queue
# The sender's own: the body's framing and type, the connection, and the queue's name.
RESERVED_HEADERS = frozenset(
    {
        "content-type", "content-length", "content-encoding", "transfer-encoding", "host", "connection",
        "keep-alive", "proxy-connection", "te", "trailer", "upgrade", "expect", "x-export-queue",
    }
)  # fmt: skip


MAX_KEYS = 100


class ImportQueue(msgspec.Struct, forbid_unknown_fields=True):
    """An import queue and its API keys: ``apikey`` (one), ``apikeys`` (any number; "For each import queue, any
    number of API keys can be created"), or both; any of them opens the queue."""

    id: NonEmpty
    apikey: Secret | None = None
    apikeys: Annotated[list[Secret], msgspec.Meta(max_length=MAX_KEYS)] = []

    @property
    def keys(self) -> tuple[str, ...]:
        return (self.apikey, *self.apikeys) if self.apikey is not None else tuple(self.apikeys)


class StockLocation(msgspec.Struct, forbid_unknown_fields=True):
    id: NonEmpty
    name: NonEmpty | None = None


class Product(msgspec.Struct, forbid_unknown_fields=True):
    id: NonEmpty
    variants: list[NonEmpty] = []


class Stock(msgspec.Struct, forbid_unknown_fields=True):
    location: NonEmpty
    product: NonEmpty
    count: Count
    variant: NonEmpty | None = None


class Retry(msgspec.Struct, forbid_unknown_fields=True):
    attempts: AttemptCount = 5
    # The wait before retry n is backoff_seconds * 2 ** (n - 1).
    backoff_seconds: Seconds = 1.0


class ExportQueue(msgspec.Struct, forbid_unknown_fields=True):
    id: NonEmpty
    webhook_url: Url
    retry: Retry = msgspec.field(default_factory=Retry)
    timeout_seconds: Annotated[float, msgspec.Meta(gt=0, le=300)] = 10.0
    headers: dict[str, str] = {}


class Account(msgspec.Struct, forbid_unknown_fields=True):
    id: NonEmpty
    import_queues: list[ImportQueue] = []
    stock_locations: list[StockLocation] = []
    # The catalog: products listed here with variants take per-variant values only, and without variants
    # plain values only. Products not listed are importable too ("import products that do not (yet) exist").
    products: list[Product] = []
    stock: list[Stock] = []
    # Seconds between an import being accepted and its values being applied (0: before the next request).
    processing_delay: Seconds = 0.0
    # An adjustment for a product not stocked at the location: "fail" logs a failure, "from_zero" creates it.
    adjust_unstocked: Literal["fail", "from_zero"] = "fail"
    export_queues: list[ExportQueue] = []
    # How imports are read: "strict" refuses a count written as text ("5"); "lenient" reads it (inferred, as for
    # the other vendors' accounts: a client reading numbers from a database as text works against it).
    input: Literal["strict", "lenient"] = "strict"
    # Lists whose entries nothing else in the scenario refers to (see salvage).
    standalone: ClassVar[tuple[str, ...]] = ("import_queues", "export_queues", "stock")


class Section(msgspec.Struct, forbid_unknown_fields=True):
    accounts: list[Account] = []


def check(section: Section, at: str) -> list[Problem]:
    problems: list[Problem] = []
    unique_values(problems, f"{at}.accounts", "id", [a.id for a in section.accounts])
    for i, account in enumerate(section.accounts):
        problems.extend(_check_account(account, f"{at}.accounts[{i}]"))
    return problems


def _check_account(account: Account, here: str) -> list[Problem]:
    problems: list[Problem] = []
    unique_values(problems, f"{here}.import_queues", "id", [q.id for q in account.import_queues])
    for i, queue in enumerate(account.import_queues):
        problems.extend(_check_keys(queue, f"{here}.import_queues[{i}]"))
    unique_values(problems, f"{here}.export_queues", "id", [q.id for q in account.export_queues])
    for i, export in enumerate(account.export_queues):
        problems.extend(_check_headers(export.headers, f"{here}.export_queues[{i}].headers"))
    locations = unique_values(problems, f"{here}.stock_locations", "id", [loc.id for loc in account.stock_locations])
    unique_values(problems, f"{here}.products", "id", [p.id for p in account.products])
    for i, location in enumerate(account.stock_locations):
        problems.extend(_key(location.id, f"{here}.stock_locations[{i}].id"))
    catalog: dict[str, Product] = {}
    for i, product in enumerate(account.products):
        catalog.setdefault(product.id, product)
        problems.extend(_key(product.id, f"{here}.products[{i}].id"))
        first: dict[str, int] = {}
        for v, variant in enumerate(product.variants):
            at = f"{here}.products[{i}].variants"
            problems.extend(_key(variant, f"{at}[{v}]"))
            if variant in first:
                problems.append(
                    Problem(f"{at}[{v}]", f"duplicate variant {variant!r} (first at {at}[{first[variant]}])")
                )
            first.setdefault(variant, v)
    seen: dict[tuple[str, str, str | None], int] = {}
    shapes: dict[tuple[str, str], bool] = {}
    for i, entry in enumerate(account.stock):
        problems.extend(_check_stock(entry, f"{here}.stock[{i}]", locations, catalog))
        key = (entry.location, entry.product, entry.variant)
        if key in seen:
            problems.append(
                Problem(f"{here}.stock[{i}]", f"duplicate stock record (first at {here}.stock[{seen[key]}])")
            )
        seen.setdefault(key, i)
        # A product is stocked at a location either as one count or per variant, never both.
        if shapes.setdefault(key[:2], entry.variant is None) != (entry.variant is None):
            problems.append(
                Problem(
                    f"{here}.stock[{i}].variant", f"product {entry.product!r} is stocked both with and without variants"
                )
            )
    return problems


def _check_stock(entry: Stock, at: str, locations: dict[str, int], catalog: dict[str, Product]) -> list[Problem]:
    problems = _key(entry.product, f"{at}.product")
    if entry.variant is not None:
        problems.extend(_key(entry.variant, f"{at}.variant"))
    if entry.location not in locations:
        problems.append(Problem(f"{at}.location", f"no stock location {entry.location!r} in the account"))
    product = catalog.get(entry.product)
    if product is not None:
        if product.variants and entry.variant is None:
            problems.append(Problem(f"{at}.variant", f"product {entry.product!r} has variants: name one"))
        elif entry.variant is not None and entry.variant not in product.variants:
            problems.append(
                Problem(f"{at}.variant", f"product {entry.product!r} has no variant {entry.variant!r} in the catalog")
            )
    return problems


def _check_keys(queue: ImportQueue, at: str) -> list[Problem]:
    if not queue.keys:
        return [Problem(at, "an import queue needs an API key: give apikey, or a list in apikeys")]
    if len(queue.keys) > MAX_KEYS:
        return [Problem(at, f"an import queue takes at most {MAX_KEYS} API keys, got {len(queue.keys)}")]
    seen: set[str] = set()
    for i, key in enumerate(queue.apikeys):
        if key in seen or key == queue.apikey:
            # The key itself is a secret: the message names its place, not its value.
            return [Problem(f"{at}.apikeys[{i}]", "this API key is already listed for the queue")]
        seen.add(key)
    return []


def _check_headers(headers: dict[str, str], at: str) -> list[Problem]:
    problems: list[Problem] = []
    if len(headers) > MAX_HEADERS:
        return [Problem(at, f"at most {MAX_HEADERS} headers, got {len(headers)}")]
    size = sum(len(name) + len(value) for name, value in headers.items())
    if size > MAX_HEADER_BYTES:
        problems.append(Problem(at, f"the headers take {size} bytes; at most {MAX_HEADER_BYTES}"))
    first: dict[str, str] = {}
    for name, value in headers.items():
        here = f"{at}.{name}"
        if not HEADER_NAME.fullmatch(name):
            problems.append(
                Problem(here, f"{name[:64]!r} is not a header name (letters, digits and !#$%&'*+.^_`|~-, 1-128)", True)
            )
            continue
        lower = name.lower()
        if lower in RESERVED_HEADERS:
            problems.append(Problem(here, f"{name} is set by the simulator itself; it cannot be configured", True))
        elif lower in first:
            problems.append(Problem(here, f"{name} repeats {first[lower]} (header names ignore case)", True))
        first.setdefault(lower, name)
        if len(value) > MAX_HEADER_BYTES or not HEADER_VALUE.fullmatch(value):
            problems.append(
                Problem(
                    here,
                    "a header value is printable ASCII (spaces and tabs inside only, no line breaks), "
                    f"at most {MAX_HEADER_BYTES} characters",
                )
            )
    return problems


def _key(value: str, at: str) -> list[Problem]:
    problem = key_problem(value)
    return [Problem(at, problem)] if problem else []


PART = ScenarioPart(
    vendor="ka-ching",
    key="ka_ching",
    type=Section,
    check=check,
    accounts=lambda section: {account.id for account in section.accounts},
)


def section(scenario: LoadedScenario) -> Section:
    return PART.of(scenario.spec)


def accounts(scenario: LoadedScenario) -> dict[str, Account]:
    """The accounts by id (the `account` query parameter)."""
    return scenario.index("ka-ching.accounts", lambda spec: {a.id: a for a in PART.of(spec).accounts})


def catalogs(scenario: LoadedScenario) -> dict[str, dict[str, tuple[str, ...]]]:
    """Per account, product id -> its variants: the import queue looks one up per value."""
    return scenario.index(
        "ka-ching.catalogs",
        lambda spec: {a.id: {p.id: tuple(p.variants) for p in a.products} for a in PART.of(spec).accounts},
    )
