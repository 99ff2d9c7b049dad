"""Stock per vendor, account and table: pages in key order, a search by any identifier, and the rows the sandbox
changed since its reset with their values before and after. Every read is one indexed query (store/browse.py),
run on the store's thread so a large catalog never holds up the event loop."""

from __future__ import annotations

import sqlite3
from typing import Any

import msgspec
from starlette.requests import Request
from starlette.responses import Response

from simulator.plane.errors import BadRequest
from simulator.plane.params import sandbox_param
from simulator.store import browse
from simulator.store.layered import LayeredTable, World
from simulator.ui import render
from simulator.ui.tables import tables_of
from simulator.vendors.base import store_of, vendor_named, vendors_of

PAGE_SIZE = 50
MAX_TERM = 200
Key = tuple[int | float | str | None, ...]


async def stock(request: Request) -> Response:
    sandbox = sandbox_param(request, request.path_params["name"])
    q = request.query_params
    vendor = vendor_named(request, q.get("vendor")) or vendors_of(request)[0]
    accounts = list(dict.fromkeys(a.account for a in vendor.accounts(sandbox.scenario)))
    account = q.get("account") if q.get("account") in accounts else (accounts[0] if accounts else None)
    tables = tables_of(vendor)
    table = next((t for t in tables if t.name == q.get("table")), tables[0] if tables else None)
    term = q.get("q", "").strip()[:MAX_TERM]
    changed = q.get("changed") == "1"
    number = _page_number(q.get("page"))
    context: dict[str, Any] = {
        "title": "Stock",
        "vendor": vendor.name,
        "accounts": accounts,
        "account": account,
        "tables": [t.name for t in tables],
        "table": table.name if table else None,
        "term": term,
        "changed": changed,
        "page_number": number,
        "page_size": PAGE_SIZE,
        "columns": [],
        "rows": [],
        "changes": [],
        "next": None,
        "changed_count": 0,
        "error": None,
    }
    if table is not None and account is not None:
        try:
            after = _cursor(q.get("after"), len(browse.order_columns(table)))
        except BadRequest as exc:
            context["error"] = exc.message
            after = None
        context.update(await _read(request, table, sandbox.world, account, term, changed, after))
        context["key_columns"] = browse.order_columns(table)
        context["identifiers"] = browse.identifier_columns(table)
    return render.page(request, "stock.html", context, sandbox=sandbox)


async def _read(
    request: Request,
    table: LayeredTable,
    world: World,
    account: str,
    term: str,
    changed: bool,
    after: Key | None,
) -> dict[str, Any]:
    columns = [c for c in table.all_columns if c != browse.account_column(table)]

    def work(conn: sqlite3.Connection) -> dict[str, Any]:
        out: dict[str, Any] = {"columns": columns}
        out["changed_count"] = browse.count_account_changes(conn, table, world.sandbox, account)
        if changed:
            found = browse.changes(conn, table, world, account, after, PAGE_SIZE)
            out["changes"] = [
                {"key": c.key, "before": c.before, "after": c.after, "differs": sorted(c.differs, key=columns.index)}
                for c in found.rows
            ]
            out["next"] = _encode(found.next)
        elif term:
            page = browse.search(conn, table, world, account, term, PAGE_SIZE)
            out["rows"] = [r.values for r in page.rows]
            out["more_matches"] = page.next is not None
        else:
            page = browse.page(conn, table, world, account, after, PAGE_SIZE)
            out["rows"] = [r.values for r in page.rows]
            out["next"] = _encode(page.next)
        return out

    found: dict[str, Any] = await store_of(request).run_in_thread(work, transaction=False)
    return found


def _encode(key: tuple[Any, ...] | None) -> str | None:
    return None if key is None else msgspec.json.encode(list(key)).decode()


def _cursor(raw: str | None, size: int) -> Key | None:
    if not raw:
        return None
    try:
        key = msgspec.json.decode(raw, type=list[int | float | str | None])
    except msgspec.DecodeError:
        raise BadRequest("the page link is damaged; showing the first page") from None
    if len(key) != size:
        raise BadRequest("the page link is for another table; showing the first page")
    return tuple(key)


def _page_number(raw: str | None) -> int:
    if raw and raw.isascii() and raw.isdigit() and len(raw) < 9:
        return max(int(raw), 1)
    return 1
