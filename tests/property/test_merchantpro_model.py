"""MerchantPro against a reference model written from the doc and docs/fidelity.md: stock absolute and
`adjust_by`, prices net/gross at 19%, the inventory switch, Multi Warehouse sums, and bad patches changing nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import hypothesis.strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from tests.property.conftest import Sandbox

SHOP = ("demo", ("demo-api-key", "demo-api-secret"))
MW_SHOP = ("demo-mw", ("demo-mw-api-key", "demo-mw-api-secret"))
TAX = Decimal("1.19")
CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Product:
    id: int
    sku: str
    ean: str | None
    inventory: bool
    stock: int
    net: Decimal
    gross: Decimal
    old: tuple[Decimal, Decimal] | None = None
    warehouses: dict[int, int] | None = None  # Multi Warehouse: id -> stock; `stock` is their sum
    names: dict[int, str] = field(default_factory=dict)

    def render(self) -> dict[str, Any]:
        body: dict[str, Any] = {"id": self.id, "sku": self.sku, "ean": self.ean}
        body["inventory_enabled"] = "on" if self.inventory else "off"
        if self.warehouses is not None:
            self.stock = sum(self.warehouses.values())
        if self.inventory:
            body["stock"] = self.stock
        if self.warehouses is not None:
            body["warehouses"] = [{"id": i, "name": self.names[i], "stock": s} for i, s in self.warehouses.items()]
        body["price_net"], body["price_gross"] = self.net, self.gross
        if self.old is not None:
            body["old_price_net"], body["old_price_gross"] = self.old
        return body


def from_gross(pid: int, sku: str, ean: str | None, inventory: bool, stock: int, gross: str) -> Product:
    return Product(pid, sku, ean, inventory, stock, cents(Decimal(gross) / TAX), Decimal(gross))


def seed() -> dict[int, Product]:
    """The default scenario's products (simulator/scenarios/default.yaml, the doc's examples)."""
    products = [
        from_gross(10001, "WMY71443LB2", "8690842009112", True, 10, "1700.00"),
        from_gross(10002, "TShirt.Blk.XL", None, False, 0, "90.00"),
        from_gross(10010, "Mug/Red 350ml", "5901234123457", True, 7, "29.90"),
        from_gross(10011, "100% Cotton Tee", None, True, 3, "59.50"),
        Product(10012, "Čaj-Zelený-Ünï", None, True, 12, Decimal("10.00"), cents(Decimal("10.00") * TAX)),
    ]
    products[3].old = (cents(Decimal("79.50") / TAX), Decimal("79.50"))
    mw = from_gross(10003, "ZCG212H1WA", "7332543402632", True, 20, "900.00")
    mw.warehouses, mw.names = {1: 5, 2: 15}, {1: "Depozit central", 2: "Depozit furnizor (Nod)"}
    return {p.id: p for p in [*products, mw]}


def normalise(body: Any) -> Any:
    """Prices compared as decimals: 1700.0 on the wire is 1700.00 in the model."""
    if isinstance(body, dict):
        return {k: Decimal(str(v)) if k.startswith(("price", "old_price")) else normalise(v) for k, v in body.items()}
    if isinstance(body, list):
        return [normalise(v) for v in body]
    return body


PLAIN = [10001, 10002, 10010, 10011, 10012]
products = st.sampled_from(PLAIN)
lookups = st.sampled_from(["id", "sku", "ean"])
prices = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999.99"), places=2)
BAD_BODIES: list[tuple[str, str | None]] = [
    ('{"stock": "5"}', "stock"),
    ('{"stock": 1.5}', "stock"),
    ('{"stock": {"adjust_by": "x"}}', "stock"),
    ('{"stock": {"set": 3}}', "stock"),
    ('{"stok": 5}', "stok"),
    ('{"id": 1}', "id"),
    ('{"sku": "X"}', "sku"),
    ('{"inventory_enabled": "yes"}', "inventory_enabled"),
    ('{"inventory_enabled": true}', "inventory_enabled"),
    ('{"price_net": -1}', "price_net"),
    ('{"price_gross": "abc"}', "price_gross"),
    ('{"stock": 5', None),
    ("", None),
    ("[]", None),
    ('{"warehouses": [{"name": "Depozit central", "stock": 1}]}', "warehouses"),
]


class MerchantProModel(RuleBasedStateMachine):
    def __init__(self, box: Sandbox) -> None:
        super().__init__()
        self.box = box
        self.model = seed()
        self.touched: set[int] = set(self.model)  # read back in full after the first step, then what was patched

    def teardown(self) -> None:
        self.box.close()

    def url(self, product: Product, lookup: str) -> str:
        shop = MW_SHOP if product.warehouses is not None else SHOP
        if lookup == "ean" and product.ean is None:
            lookup = "id"
        identifier = {"id": str(product.id), "sku": product.sku, "ean": product.ean}[lookup]
        from urllib.parse import quote

        return f"/merchantpro/{shop[0]}/api/v2/inventory/{lookup}/{quote(str(identifier), safe='')}"

    def patch(self, product: Product, lookup: str, body: Any, raw: str | None = None) -> Any:
        auth = MW_SHOP[1] if product.warehouses is not None else SHOP[1]
        self.touched.add(product.id)
        content = raw if raw is not None else json.dumps(body)
        headers = {"Content-Type": "application/json"}
        return self.box.request("PATCH", self.url(product, lookup), content=content, headers=headers, auth=auth)

    def expect(self, product: Product, lookup: str, body: Any, change: Callable[[Product], bool]) -> None:
        """`change` applies the patch to a copy of the model; False means the doc says 400 and nothing changes."""
        candidate = Product(**{**product.__dict__})
        candidate.warehouses = dict(product.warehouses) if product.warehouses is not None else None
        r = self.patch(product, lookup, body)
        if change(candidate):
            assert r.status_code == 200, (body, r.text)
            self.model[product.id] = candidate
            assert normalise(r.json()) == normalise(candidate.render()), body
        else:
            assert r.status_code == 400, (body, r.text)
            assert r.json()["error"]["code"] == 400

    @rule(pid=products, lookup=lookups, stock=st.integers(-5, 60))
    def set_stock(self, pid: int, lookup: str, stock: int) -> None:
        def change(p: Product) -> bool:
            p.stock = stock
            return stock >= 0

        self.expect(self.model[pid], lookup, {"stock": stock}, change)

    @rule(pid=products, lookup=lookups, delta=st.integers(-25, 25), switch=st.sampled_from([None, "on", "off"]))
    def adjust_stock(self, pid: int, lookup: str, delta: int, switch: str | None) -> None:
        body: dict[str, Any] = {"stock": {"adjust_by": delta}}
        if switch is not None:
            body["inventory_enabled"] = switch

        def change(p: Product) -> bool:
            p.stock += delta
            if switch is not None:
                p.inventory = switch == "on"
            return p.stock >= 0

        self.expect(self.model[pid], lookup, body, change)

    @rule(pid=products, lookup=lookups, switch=st.sampled_from(["on", "off"]))
    def switch_inventory(self, pid: int, lookup: str, switch: str) -> None:
        def change(p: Product) -> bool:
            p.inventory = switch == "on"
            return True

        self.expect(self.model[pid], lookup, {"inventory_enabled": switch}, change)

    @rule(pid=st.sampled_from([*PLAIN, 10003]), lookup=lookups, price=prices, gross=st.booleans())
    def set_price(self, pid: int, lookup: str, price: Decimal, gross: bool) -> None:
        def change(p: Product) -> bool:
            if gross:
                p.gross, p.net = price, cents(price / TAX)
            else:
                p.net, p.gross = price, cents(price * TAX)
            return True

        self.expect(self.model[pid], lookup, {"price_gross" if gross else "price_net": float(price)}, change)

    @rule(pid=products, lookup=lookups, net=prices, agree=st.booleans())
    def set_both_prices(self, pid: int, lookup: str, net: Decimal, agree: bool) -> None:
        gross = cents(net * TAX) + (0 if agree else Decimal("5.00"))

        def change(p: Product) -> bool:
            p.net, p.gross = net, gross
            return agree

        self.expect(self.model[pid], lookup, {"price_net": float(net), "price_gross": float(gross)}, change)

    @rule(pid=st.sampled_from([*PLAIN, 10003]), lookup=lookups, bad=st.sampled_from(BAD_BODIES))
    def bad_patch(self, pid: int, lookup: str, bad: tuple[str, str | None]) -> None:
        raw, name = bad
        product = self.model[pid]
        if product.warehouses is not None and name == "warehouses":
            return  # a valid patch in the Multi Warehouse shop
        r = self.patch(product, lookup, None, raw=raw)
        assert r.status_code == 400, (raw, r.text)
        if name is not None:
            assert str(r.json()["error"].get("field")).startswith(name), r.text

    @rule(
        lookup=lookups,
        entries=st.lists(
            st.tuples(st.sampled_from([1, 2, 3]), st.booleans(), st.booleans(), st.integers(-12, 30)),
            min_size=1,
            max_size=3,
        ),
    )
    def patch_warehouses(self, lookup: str, entries: list[tuple[int, bool, bool, int]]) -> None:
        """Warehouses by id or name (3 is unknown), absolute or adjust_by; one warehouse twice is a 400."""
        product = self.model[10003]
        body = []
        for wid, by_name, adjust, value in entries:
            entry: dict[str, Any] = {"name": product.names.get(wid, "Nowhere")} if by_name else {"id": wid}
            entry["stock"] = {"adjust_by": value} if adjust else value
            body.append(entry)

        def change(p: Product) -> bool:
            assert p.warehouses is not None
            ids = [e[0] for e in entries]
            if 3 in ids or len(set(ids)) != len(ids):
                return False
            for wid, _, adjust, value in entries:
                p.warehouses[wid] = p.warehouses[wid] + value if adjust else value
            return all(s >= 0 for s in p.warehouses.values())

        self.expect(product, lookup, {"warehouses": body}, change)

    @rule(lookup=lookups, stock=st.integers(0, 30))
    def stock_refused_with_multi_warehouse(self, lookup: str, stock: int) -> None:
        self.expect(self.model[10003], lookup, {"stock": stock}, lambda p: False)

    @invariant()
    def every_record_reads_back_as_modelled(self) -> None:
        self.box.counter.checks += 1
        for pid in sorted(self.touched):
            product = self.model[pid]
            shop = MW_SHOP if product.warehouses is not None else SHOP
            r = self.box.request("GET", self.url(product, "id"), auth=shop[1])
            assert r.status_code == 200, r.text
            assert normalise(r.json()) == normalise(product.render())
        self.touched.clear()
        shops = self.box.state()["merchantpro"]["shops"]
        stocked = {p["id"]: p["stock"] for shop in shops.values() for p in shop["products"]}
        assert stocked == {p.id: p.stock for p in self.model.values()}


def test_merchantpro_matches_the_model(run_machine: Callable[[type[Any]], None]) -> None:
    run_machine(MerchantProModel)
