"""The well-formed part of a document with shape problems, so rules across fields run in the same pass.

What goes, and what stays:

- A bad field of the document or of a section falls back to its default (a section's accounts go with it).
- An entry of a list (a shop, a product, a fault rule) with a problem inside it is left out whole: its own rules
  across fields would only restate or guess at its shape problems.
- Except that an entry is kept when all its problems sit in entries of its *standalone* lists (a Struct's
  ``standalone`` class variable: lists whose entries nothing else in the scenario refers to, such as a shop's
  products). Those entries are left out instead, and the rest of the shop is still checked.

What remains converts, so its cross-field problems (an identifier collision, a generated catalog over its limits) are
reported with the shape problems. Leaving entries out shifts the positions of those after them; ``restore`` maps
paths back to the document's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

import msgspec.inspect as mi

from simulator.scenarios.problems import Problem
from simulator.scenarios.shape import fields, info

_DROP = object()


class Salvage:
    def __init__(self, problems: Iterable[Problem]) -> None:
        found = list(problems)
        self.tainted = _with_ancestors(p.path for p in found)
        # Paths whose value itself is wrong (not merely something inside it); a key's problem is the key's.
        self.wrong = {p.path for p in found if not p.at_key}
        # List path (in the document's terms) -> the document position of each entry kept, outer lists first.
        self.kept: dict[str, list[int]] = {}
        # Whether something other scenario parts may refer to was left out (an account, a whole section).
        self.lossy = False

    def data(self, data: Any, kind: type) -> dict[str, Any] | None:
        """``data`` with its problems cut away, or None when nothing of it is usable."""
        struct = info(kind)
        assert isinstance(struct, mi.StructType)
        return self._struct(data, struct, "$", entry=False)

    def restore(self, text: str) -> str:
        """A path (or a message naming paths) about the salvaged data, about the document instead."""
        for path, kept in self.kept.items():
            text = re.sub(re.escape(path) + r"\[(\d+)\]", _renumber(path, kept), text)
        return text

    def _struct(self, value: Any, struct: mi.StructType, path: str, *, entry: bool) -> dict[str, Any] | None:
        """``entry``: the struct is an entry of a list, and is kept whole or not at all (but for standalone lists)."""
        if path not in self.tainted:
            return value if type(value) is dict else None
        if path in self.wrong or type(value) is not dict:
            return None
        known = fields(struct)
        standalone: tuple[str, ...] = getattr(struct.cls, "standalone", ())
        kept: dict[str, Any] = {}
        for key, item in value.items():
            field = known.get(key)
            child = f"{path}.{key}"
            if key == struct.tag_field or (field is not None and child not in self.tainted):
                kept[key] = item
                continue
            if field is None:
                continue  # an unknown field: nothing reads it
            repaired = self._field(item, field.type, child, entry=entry, standalone=key in standalone)
            if repaired is not _DROP:
                kept[key] = repaired
            elif entry or field.required:
                return None
        return kept

    def _field(self, value: Any, kind: mi.Type, path: str, *, entry: bool, standalone: bool) -> Any:
        if isinstance(kind, mi.ListType) and isinstance(kind.item_type, mi.StructType) and (standalone or not entry):
            return self._list(value, kind.item_type, path, standalone=standalone)
        if isinstance(kind, mi.StructType) and not entry:
            repaired = self._struct(value, kind, path, entry=False)
            if repaired is not None:
                return repaired
        self.lossy = self.lossy or isinstance(kind, mi.StructType)
        return _DROP

    def _list(self, value: Any, item: mi.StructType, path: str, *, standalone: bool) -> Any:
        if path in self.wrong or type(value) is not list:
            self.lossy = True
            return _DROP
        keep: list[int] = []
        self.kept[path] = keep  # before the entries' own lists: restore maps outer positions first
        out = []
        for i, entry in enumerate(value):
            repaired = self._struct(entry, item, f"{path}[{i}]", entry=True)
            if repaired is None:
                self.lossy = self.lossy or not standalone
            else:
                keep.append(i)
                out.append(repaired)
        if len(keep) == len(value):
            del self.kept[path]
        return out


def _renumber(path: str, kept: list[int]) -> Callable[[re.Match[str]], str]:
    return lambda match: f"{path}[{kept[int(match[1])]}]"


def _with_ancestors(paths: Iterable[str]) -> set[str]:
    """Every path given, and every path that contains one (``$.a[1].b`` -> ``$.a[1]``, ``$.a``, ``$``)."""
    out: set[str] = set()
    for path in paths:
        out.add(path)
        for i, char in enumerate(path):
            if char in ".[" and i:
                out.add(path[:i])
    return out
