"""Checking plain data against msgspec types, every problem at once and in the simulator's own words.

``msgspec.convert`` stops at the first problem and words it in msgspec's English; a scenario author wants every
problem of a file in one run. ``problems`` walks the data along the types (``msgspec.inspect``), so each bad value
gets its own problem at its own path. It accepts exactly what ``msgspec.convert`` accepts: the loader converts with
msgspec when the walk finds nothing, and a test holds the two to agreement.
"""

from __future__ import annotations

import contextlib
import difflib
import re
from collections.abc import Callable
from functools import cache
from typing import Any

import msgspec
import msgspec.inspect as mi

from simulator.jsonbody import in_our_words
from simulator.scenarios.problems import Problem

_AT = re.compile(r"^(?P<message>.*) - at `(?P<path>\$[^`]*)`$", re.DOTALL)
_NUMBER_FOR_TEXT = re.compile(r"^Expected `str( \| null)?`, got `(int|float)`$")
QUOTE_HINT = ' (quote the value in YAML, e.g. "0123", so leading zeros and digits survive)'
_SEQUENCES = (mi.ListType, mi.VarTupleType, mi.SetType, mi.FrozenSetType)
# The Python types of decoded YAML or JSON each kind of type takes (a literal: those of its values).
_SORTS: dict[type, tuple[type, ...]] = {
    mi.NoneType: (type(None),),
    mi.BoolType: (bool,),
    mi.IntType: (int,),
    mi.FloatType: (int, float),
    mi.StrType: (str,),
    **dict.fromkeys((*_SEQUENCES, mi.TupleType), (list, tuple)),
    mi.StructType: (dict,),
    mi.DictType: (dict,),
}


class _Enough(Exception):
    """The walk found as many problems as anyone will be shown."""


def problems(data: Any, kind: type, limit: int | None = None) -> list[Problem]:
    """Every way ``data`` fails to be a ``kind``, in the order met (at most ``limit`` of them)."""
    out = _Problems(limit)
    with contextlib.suppress(_Enough):
        _check(data, info(kind), "$", out, None)
    return out.found


def split_error(error: str) -> tuple[str, str]:
    """A msgspec validation message -> (JSON path, what was wrong there, in the simulator's words); for the checks
    msgspec runs itself."""
    match = _AT.match(error)
    message, path = (match["message"], match["path"]) if match else (error, "$")
    hint = QUOTE_HINT if _NUMBER_FOR_TEXT.match(message) else ""
    return path, in_our_words(message) + hint


class _Problems:
    def __init__(self, limit: int | None) -> None:
        self.found: list[Problem] = []
        self.limit = limit

    def add(self, problem: Problem) -> None:
        self.found.append(problem)
        if self.limit is not None and len(self.found) >= self.limit:
            raise _Enough


@cache
def info(kind: type) -> mi.Type:
    """``kind``'s msgspec.inspect tree, built once."""
    return mi.type_info(kind)


@cache
def _field_names(cls: type) -> dict[str, int]:
    struct = info(cls)
    assert isinstance(struct, mi.StructType)
    return {f.encode_name: i for i, f in enumerate(struct.fields)}


def fields(struct: mi.StructType) -> dict[str, mi.Field]:
    """A struct's fields by the name a document gives them."""
    return {name: struct.fields[i] for name, i in _field_names(struct.cls).items()}


def _check(value: Any, kind: mi.Type, path: str, out: _Problems, union: mi.UnionType | None) -> None:
    """``union``: the union ``kind`` was chosen from, which a problem with a scalar describes as a whole."""
    check = _CHECKS.get(type(kind))
    # Anything else (Any, or a type no scenario uses) is left to msgspec.convert, which the loader runs last.
    if check is not None:
        check(value, kind, path, out, union)


def _scalar(value: Any, kind: Any, path: str, out: _Problems, union: mi.UnionType | None) -> None:
    if not _fits(kind, value):
        out.add(_mismatch(union or kind, value, path))
    else:
        _constraints(kind, value, path, out, union)


def _sequence(value: Any, kind: Any, path: str, out: _Problems, union: mi.UnionType | None) -> None:
    if not _fits(kind, value):
        out.add(_mismatch(union or kind, value, path))
        return
    _constraints(kind, value, path, out, union)
    item_kind = kind.item_type
    for i, item in enumerate(value):
        _check(item, item_kind, f"{path}[{i}]", out, None)


def _tuple(value: Any, kind: Any, path: str, out: _Problems, union: mi.UnionType | None) -> None:
    if not _fits(kind, value):
        out.add(_mismatch(union or kind, value, path))
    elif len(value) != len(kind.item_types):
        out.add(Problem(path, f"expected {describe(kind)}, found {_value(value)}"))
    else:
        for i, (item, item_kind) in enumerate(zip(value, kind.item_types, strict=True)):
            _check(item, item_kind, f"{path}[{i}]", out, None)


def _dict(value: Any, kind: Any, path: str, out: _Problems, union: mi.UnionType | None) -> None:
    if not _fits(kind, value):
        out.add(_mismatch(union or kind, value, path))
        return
    for key, item in value.items():
        _check(key, kind.key_type, path, out, None)
        _check(item, kind.value_type, f"{path}.{key}", out, None)


def _union(value: Any, union: Any, path: str, out: _Problems, _: mi.UnionType | None = None) -> None:
    members = [m for m in union.types if _fits(m, value)]
    if not members:
        out.add(_mismatch(union, value, path))
    elif len(members) == 1:
        _check(value, members[0], path, out, union)
    elif all(type(m) is mi.StructType for m in members):
        _tagged(value, members, path, out)
    else:
        # An int goes to `int` before `float` when a union has both, as msgspec does.
        chosen = next((m for m in members if type(m) is not mi.FloatType), members[0])
        _check(value, chosen, path, out, union)


def _tagged(value: dict[str, Any], structs: list[Any], path: str, out: _Problems) -> None:
    field = structs[0].tag_field
    assert field is not None
    tags = {s.tag: s for s in structs}
    names = ", ".join(repr(t) for t in tags)
    if field not in value:
        out.add(Problem(path, f"missing required field `{field}` (one of {names})"))
    elif type(value[field]) is not str or value[field] not in tags:
        out.add(Problem(f"{path}.{field}", f"expected one of {names}, found {_value(value[field])}"))
    else:
        _struct(value, tags[value[field]], path, out)


def _struct(value: Any, struct: Any, path: str, out: _Problems, _: mi.UnionType | None = None) -> None:
    if type(value) is not dict:
        out.add(_mismatch(struct, value, path))
        return
    before = len(out.found)
    known = _field_names(struct.cls)
    for key, item in value.items():
        if type(key) is not str:
            out.add(Problem(path, f"expected field names to be text, found {kind_of(key)}"))
            continue
        if key == struct.tag_field:
            if item != struct.tag:
                out.add(Problem(f"{path}.{key}", f"expected {struct.tag!r}, found {_value(item)}"))
            continue
        index = known.get(key)
        if index is None:
            if struct.forbid_unknown_fields:
                # A tagged struct without fields of its own takes its tag alone.
                names = list(known) or ([struct.tag_field] if struct.tag_field else [])
                out.add(Problem(f"{path}.{key}", _unknown(key, names), at_key=True))
            continue
        _check(item, struct.fields[index].type, f"{path}.{key}", out, None)
    for field in struct.fields:
        if field.required and field.encode_name not in value:
            out.add(Problem(path, f"missing required field `{field.encode_name}`"))
    if len(out.found) == before and hasattr(struct.cls, "__post_init__"):
        # Rules across a struct's fields live in its __post_init__; msgspec runs it, and its words are ours.
        try:
            msgspec.convert(value, struct.cls)
        except msgspec.ValidationError as exc:
            inner, message = split_error(str(exc))
            out.add(Problem(path + inner[1:], message))


def _unknown(key: str, names: list[str]) -> str:
    close = difflib.get_close_matches(key, names, n=1, cutoff=0.75)
    if close:
        return f"unknown field `{key}`; did you mean `{close[0]}`?"
    if not names:
        return f"unknown field `{key}`; no fields are allowed here"
    if len(names) <= 12:
        return f"unknown field `{key}`; expected one of: {', '.join(names)}"
    return f"unknown field `{key}`"


def _fits(kind: mi.Type, value: Any) -> bool:
    """Whether ``value`` is the right sort of thing for ``kind``, constraints aside."""
    if type(kind) is mi.LiteralType:
        return any(type(v) is type(value) for v in kind.values)
    sorts = _SORTS.get(type(kind))
    return sorts is None or type(value) in sorts


def _constraints(kind: mi.Type, value: Any, path: str, out: _Problems, union: mi.UnionType | None) -> None:
    """A value of the right sort that breaks a constraint: name the constraint it breaks."""
    wanted = _broken(kind, value)
    if wanted is not None:
        # A literal's alternatives include the union's other literals and booleans (`true`, `false`, 'on', 'off').
        wanted = describe(union) if type(kind) is mi.LiteralType and union is not None else wanted
        out.add(Problem(path, f"expected {wanted}, found {_value(value)}"))


def _broken(kind: Any, value: Any) -> str | None:
    """What ``value`` (already of the right sort) fails to be, or None when it meets ``kind``'s constraints."""
    sort = type(kind)
    if sort is mi.LiteralType:
        return None if any(type(v) is type(value) and v == value for v in kind.values) else describe(kind)
    if sort is mi.IntType or sort is mi.FloatType:
        noun = "a whole number" if sort is mi.IntType else "a number"
        # Written out so that NaN, which compares false with everything, breaks every bound.
        if kind.ge is not None and not value >= kind.ge:
            return f"{noun} >= {_number(kind.ge)}"
        if kind.gt is not None and not value > kind.gt:
            return f"{noun} > {_number(kind.gt)}"
        if kind.le is not None and not value <= kind.le:
            return f"{noun} <= {_number(kind.le)}"
        if kind.lt is not None and not value < kind.lt:
            return f"{noun} < {_number(kind.lt)}"
        if kind.multiple_of is not None and value % kind.multiple_of != 0:
            return f"a multiple of {_number(kind.multiple_of)}"
        return None
    if sort is mi.StrType:
        if kind.min_length is not None and len(value) < kind.min_length:
            return (
                "a non-empty string"
                if kind.min_length == 1
                else "a string" + _length(kind.min_length, None, "character")
            )
        if kind.max_length is not None and len(value) > kind.max_length:
            return "a string" + _length(None, kind.max_length, "character")
        if kind.pattern is not None and _regex(kind.pattern).search(value) is None:
            return f"a string matching {kind.pattern}"
        return None
    if sort in _SEQUENCES:
        short = kind.min_length is not None and len(value) < kind.min_length
        long = kind.max_length is not None and len(value) > kind.max_length
        return describe(kind) if short or long else None
    return None


@cache
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _mismatch(kind: mi.Type, value: Any, path: str) -> Problem:
    message = f"expected {describe(kind)}, found {kind_of(value)}"
    if type(value) in (int, float) and _takes_text(kind):
        message += QUOTE_HINT
    return Problem(path, message)


def _takes_text(kind: mi.Type) -> bool:
    members = kind.types if isinstance(kind, mi.UnionType) else (kind,)
    return any(isinstance(m, mi.StrType) for m in members)


def describe(kind: mi.Type) -> str:
    """What ``kind`` wants, in words: "a whole number from 0 to 100", "a non-empty string or null"."""
    if isinstance(kind, mi.UnionType):
        return _describe_union(kind)
    if isinstance(kind, mi.NoneType):
        return "null"
    if isinstance(kind, mi.BoolType):
        return "true or false"
    if isinstance(kind, mi.IntType):
        return "a whole number" + _bounds(kind)
    if isinstance(kind, mi.FloatType):
        return "a number" + _bounds(kind)
    if isinstance(kind, mi.StrType):
        return _describe_str(kind)
    if isinstance(kind, mi.LiteralType):
        choices = [_literal(v) for v in kind.values]
        return choices[0] if len(choices) == 1 else "one of " + ", ".join(choices)
    if isinstance(kind, mi.TupleType):
        return f"a list of {len(kind.item_types)} items"
    if isinstance(kind, _SEQUENCES):
        return "a list" + _length(kind.min_length, kind.max_length, "item")
    if isinstance(kind, mi.StructType | mi.DictType):
        return "a mapping"
    return "a value of another kind"


def _describe_union(union: mi.UnionType) -> str:
    choices: list[str] = []
    others: list[str] = []
    for member in union.types:
        if isinstance(member, mi.BoolType):
            choices += ["true", "false"]
        elif isinstance(member, mi.LiteralType):
            choices += [_literal(v) for v in member.values]
        elif not isinstance(member, mi.NoneType):
            others.append(describe(member))
    parts = ([("one of " + ", ".join(choices)) if len(choices) > 1 else choices[0]] if choices else []) + others
    if any(isinstance(m, mi.NoneType) for m in union.types):
        parts.append("null")
    return ", ".join(parts[:-1]) + " or " + parts[-1] if len(parts) > 1 else parts[0]


def _describe_str(kind: mi.StrType) -> str:
    text = "a non-empty string" if kind.min_length == 1 else "a string"
    if kind.min_length is not None and kind.min_length > 1 or kind.max_length is not None:
        text += _length(kind.min_length if kind.min_length != 1 else None, kind.max_length, "character")
    if kind.pattern is not None:
        text += f" matching {kind.pattern}"
    return text


def _length(low: int | None, high: int | None, unit: str) -> str:
    if low and high is not None:
        return f" of {low} to {high} {unit}s"
    if low:
        return f" of at least {low} {unit}{'s' if low > 1 else ''}"
    if high is not None:
        return f" of at most {high} {unit}{'s' if high != 1 else ''}"
    return ""


def _bounds(kind: mi.IntType | mi.FloatType) -> str:
    if kind.ge is not None and kind.le is not None:
        text = f" from {_number(kind.ge)} to {_number(kind.le)}"
    else:
        parts = [
            f"{op} {_number(bound)}"
            for op, bound in ((">=", kind.ge), (">", kind.gt), ("<=", kind.le), ("<", kind.lt))
            if bound is not None
        ]
        text = " " + " and ".join(parts) if parts else ""
    if kind.multiple_of is not None:
        text += f" (a multiple of {_number(kind.multiple_of)})"
    return text


def _number(value: float) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def _literal(value: Any) -> str:
    return repr(value) if isinstance(value, str) else str(value)


def kind_of(value: Any) -> str:
    """A value of the wrong sort: what sort it is, and the value when it is short."""
    if value is None:
        return "null"
    if type(value) is bool:
        return "true" if value else "false"
    if type(value) in (int, float):
        return f"the number {_value(value)}"
    if type(value) is str:
        return f"the string {_value(value)}"
    if type(value) in (list, tuple):
        return "a list"
    if type(value) is dict:
        return "a mapping"
    return f"a {type(value).__name__}"


def _value(value: Any) -> str:
    """A value of the right sort that breaks a constraint: the value itself, shortened."""
    if type(value) is str:
        shown = repr(value if len(value) <= 60 else value[:57] + "...")
        return shown if len(value) <= 60 else f"{shown} ({len(value)} characters)"
    if type(value) is int and abs(value) >= 10**30:
        return "a number of more than 30 digits"
    if type(value) in (list, tuple):
        return f"a list of {len(value)} item{'s' if len(value) != 1 else ''}"
    if type(value) is bool:
        return "true" if value else "false"
    return "null" if value is None else repr(value)


_CHECKS: dict[type, Callable[[Any, Any, str, _Problems, mi.UnionType | None], None]] = {
    mi.UnionType: _union,
    mi.StructType: _struct,
    **dict.fromkeys(_SEQUENCES, _sequence),
    mi.TupleType: _tuple,
    mi.DictType: _dict,
    **dict.fromkeys((mi.NoneType, mi.BoolType, mi.IntType, mi.FloatType, mi.StrType, mi.LiteralType), _scalar),
}
