"""What a vendor's dashboard panel is made of: tables of what the vendor's control endpoints answer, and small forms
whose submission runs one of the panel's actions. A vendor declares its panel (``Vendor.panel``, e.g.
vendors/kaching/panel.py); the dashboard's extras page (ui/extras/page.py) draws every vendor's the same way."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import msgspec
from starlette.requests import Request

from simulator.sandboxes import Sandbox


class Table(msgspec.Struct, frozen=True):
    title: str
    columns: list[str]
    rows: list[list[Any]]
    note: str = ""


class Field(msgspec.Struct, frozen=True):
    name: str
    label: str
    options: list[str] | None = None  # a choice; None: free text
    placeholder: str = ""
    required: bool = False


class Form(msgspec.Struct, frozen=True):
    title: str
    action: str  # the panel's action that handles it
    submit: str
    fields: list[Field] = []
    hidden: dict[str, str] = {}
    danger: bool = False


Section = Table | Form
# An action gets the submitted fields; it answers with the message to show, and raises ControlError to refuse.
Action = Callable[[Request, Sandbox, dict[str, str]], Awaitable[str]]


class Panel(msgspec.Struct, frozen=True):
    title: str
    sections: Callable[[Request, Sandbox], Awaitable[list[Section]]]
    actions: dict[str, Action] = {}


def table(title: str, records: Sequence[dict[str, Any]], note: str = "", columns: Sequence[str] = ()) -> Table:
    """Records (dicts from a control endpoint) as a table; the columns are the records' keys unless given."""
    names = list(columns) or list(dict.fromkeys(k for r in records for k in r))
    return Table(title, names, [[r.get(c) for c in names] for r in records], note)
