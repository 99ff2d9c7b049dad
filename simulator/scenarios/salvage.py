"""The well-formed part of a document with shape problems, so rules across fields run in the same pass.

An entry of a top-level list (a shop, a tenant, a plugin, a Ka-ching account, a fault rule, a rate limit) with a
problem anywhere inside it is left out whole: its own cross-field rules would only restate or guess at its shape
problems. A bad field of the document or of a section falls back to its default. What remains converts, so its
cross-field problems (an identifier collision, a generated catalog over its limits) are reported with the shape
problems. Leaving entries out shifts the positions of those after them; ``restore`` maps paths back.
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
        # List path -> the document position of each entry kept.
        self.kept: dict[str, list[int]] = {}
        # Whether anything besides unknown fields was left out (rules across accounts may then see too little).
        self.lossy = False

    def data(self, data: Any, kind: type) -> dict[str, Any] | None:
        """``data`` with its problems cut away, or None when nothing of it is usable."""
        struct = info(kind)
        assert isinstance(struct, mi.StructType)
        return self._struct(data, struct, "$")

    def restore(self, text: str) -> str:
        """A path (or a message naming paths) about the salvaged data, about the document instead."""
        for path, kept in self.kept.items():
            text = re.sub(re.escape(path) + r"\[(\d+)\]", _renumber(path, kept), text)
        return text

    def _struct(self, value: Any, struct: mi.StructType, path: str) -> dict[str, Any] | None:
        if path not in self.tainted:
            return value if type(value) is dict else None
        if path in self.wrong or type(value) is not dict:
            return None
        known = fields(struct)
        kept: dict[str, Any] = {}
        for key, item in value.items():
            field = known.get(key)
            child = f"{path}.{key}"
            if key == struct.tag_field or (field is not None and child not in self.tainted):
                kept[key] = item
            elif field is not None:
                repaired = self._field(item, field.type, child)
                if repaired is not _DROP:
                    kept[key] = repaired
                elif field.required:
                    return None
                else:
                    self.lossy = True
        return kept

    def _field(self, value: Any, kind: mi.Type, path: str) -> Any:
        if isinstance(kind, mi.StructType):
            repaired = self._struct(value, kind, path)
            return _DROP if repaired is None else repaired
        if isinstance(kind, mi.ListType) and type(value) is list and path not in self.wrong:
            keep = [i for i in range(len(value)) if f"{path}[{i}]" not in self.tainted]
            self.kept[path] = keep
            self.lossy = True
            return [value[i] for i in keep]
        return _DROP


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
