"""Reading a scenario's YAML safely: plain data, and where each value and key starts in the text.

Scenario text also arrives over HTTP, so the reader assumes hostile input. It builds the data straight from the
parser's event stream (the C parser's events, when PyYAML has them), which lets it enforce the limits while it
reads: a size cap before parsing, a node budget and a nesting cap as events arrive, and no aliases at all (a few
hundred bytes of nested ``&a``/``*a`` expand to billions of nodes). No document costs more than its limits allow.

Two departures from PyYAML's safe loader, both because a scenario is a tree of named fields: keys stay the text
written (``on:`` and ``1:`` name fields; they are not a boolean and a number), and timestamps stay text (no field
is a date; Centra's ``created`` is text in Centra's own format).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import yaml

from simulator.scenarios.limits import MAX_PATH, MAX_PROBLEMS, Limits
from simulator.scenarios.problems import LocatedProblem, ScenarioError

Marks = dict[str, tuple[int, int]]

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TAG = "tag:yaml.org,2002:"
# Scalars kept as the text written; the others go through PyYAML's own safe constructors.
_TEXT_TAGS = {_TAG + "str", _TAG + "timestamp", _TAG + "merge", _TAG + "value"}
_INT = _TAG + "int"
_CONSTRUCTED_TAGS = {_INT, _TAG + "float", _TAG + "bool", _TAG + "null"}
_CONTAINER_TAGS = {None, "!", _TAG + "map", _TAG + "seq"}


@dataclass
class Document:
    data: Any
    # JSON path -> (line, column), both from 1: where the value starts, and where the key naming it starts.
    values: Marks = field(default_factory=dict)
    keys: Marks = field(default_factory=dict)
    # Problems that leave the data usable (a repeated key); the others stop reading with ScenarioError.
    problems: list[LocatedProblem] = field(default_factory=list)


class _Position(Protocol):
    line: int
    column: int


class _Container:
    __slots__ = ("drop_value", "ignored", "is_key", "key", "key_mark", "path", "value")

    def __init__(self, value: dict[str, Any] | list[Any], path: str, *, ignored: bool, is_key: bool) -> None:
        self.value = value
        self.path = path
        # Read (to reach what follows) but not kept: a complex key's subtree, or a merge key's value.
        self.ignored = ignored
        self.is_key = is_key
        # A mapping's pending key, where it starts, and whether the value that follows it is dropped.
        self.key: str | None = None
        self.key_mark: _Position | None = None
        self.drop_value = False


class _Stop(Exception):
    """Reading cannot go on (a limit reached, a syntax error)."""


def read(text: str, source: str, limits: Limits) -> Document:
    """Parse ``text`` under ``limits``; raises ScenarioError naming every problem that stops it."""
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError as exc:
        raise ScenarioError(source, [LocatedProblem("$", f"the text is not valid Unicode: {exc.reason}")]) from None
    if size > limits.max_bytes:
        raise ScenarioError(source, [too_big(size, limits)])
    reader = _Reader(text, limits)
    try:
        reader.run()
    except _Stop:
        pass
    finally:
        reader.loader.dispose()
    if reader.fatal:
        raise ScenarioError(source, sorted(reader.fatal + reader.doc.problems, key=_position))
    return reader.doc


def too_big(size: int, limits: Limits) -> LocatedProblem:
    return LocatedProblem("$", f"the scenario is {size} bytes; the limit is {limits.max_bytes} bytes")


def _position(problem: LocatedProblem) -> tuple[int, int]:
    return (problem.line or 0, problem.column or 0)


def _short(tag: str | None) -> str:
    return f"!!{tag.removeprefix(_TAG)}" if tag and tag.startswith(_TAG) else str(tag)


def _mark(mark: _Position | None) -> tuple[int, int]:
    assert mark is not None, "the parser marks every event"
    return (mark.line + 1, mark.column + 1)


def _at(mark: _Position | None) -> tuple[int | None, int | None]:
    return _mark(mark) if mark is not None else (None, None)


class _Reader:
    def __init__(self, text: str, limits: Limits) -> None:
        self.loader = _Loader(text)
        self.limits = limits
        self.doc = Document(None)
        self.fatal: list[LocatedProblem] = []
        self.stack: list[_Container] = []
        self.nodes = 0
        self.documents = 0

    def run(self) -> None:
        next_event: Callable[[], yaml.Event | None] = self.loader.get_event
        try:
            while (event := next_event()) is not None:
                self.handle(event)
        except yaml.MarkedYAMLError as exc:
            line, column = _at(exc.problem_mark or exc.context_mark)
            reason = " ".join(str(part) for part in (exc.context, exc.problem) if part)
            self.fatal.append(LocatedProblem("$", f"YAML syntax error: {reason}", line, column))
        except yaml.YAMLError as exc:
            self.fatal.append(LocatedProblem("$", f"YAML error: {exc}"))

    def stop(self, message: str, mark: _Position | None) -> None:
        self.fatal.append(LocatedProblem("$", message, *_mark(mark)))
        raise _Stop

    def refuse(self, message: str, mark: _Position | None, path: str) -> None:
        """A problem that spoils the data but not the reading: go on, to report every such problem at once."""
        self.fatal.append(LocatedProblem(path, message, *_mark(mark)))
        if len(self.fatal) >= MAX_PROBLEMS:
            raise _Stop

    def handle(self, event: yaml.Event) -> None:
        # By exact type, most frequent first: this runs once per node of documents up to the node budget.
        kind = type(event)
        if kind is yaml.ScalarEvent:
            self.count(event)
            self.scalar(event)  # type: ignore[arg-type]
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            self.close()
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            self.count(event)
            self.open(event)  # type: ignore[arg-type]
        elif kind is yaml.AliasEvent:
            self.count(event)
            self.alias(event)  # type: ignore[arg-type]
        elif kind is yaml.DocumentStartEvent:
            self.documents += 1
            if self.documents > 1:
                self.stop("expected one YAML document, found more (--- starts another)", event.start_mark)

    def count(self, event: yaml.Event) -> None:
        self.nodes += 1
        if self.nodes > self.limits.max_nodes:
            self.stop(f"the scenario has more than {self.limits.max_nodes} YAML nodes", event.start_mark)

    def expects_key(self) -> bool:
        if not self.stack:
            return False
        top = self.stack[-1]
        return top.key is None and not top.drop_value and type(top.value) is dict

    def alias(self, event: yaml.AliasEvent) -> None:
        if self.expects_key():
            self.refuse("mapping keys must be plain text, not aliases", event.start_mark, self.stack[-1].path)
            self.stack[-1].drop_value = True
            return
        path = self.place(event.start_mark)
        self.refuse(f"YAML aliases (*{event.anchor}) are not allowed in scenarios", event.start_mark, path)
        self.put(None)

    def scalar(self, event: yaml.ScalarEvent) -> None:
        if self.expects_key():
            top = self.stack[-1]
            if event.value == "<<" and event.implicit[0] and event.tag is None:
                self.refuse("YAML merge keys (<<) are not allowed in scenarios", event.start_mark, top.path)
                top.drop_value = True
            else:
                # The text as written, whatever YAML would make of it as a value.
                top.key, top.key_mark = event.value, event.start_mark
            return
        path = self.place(event.start_mark)
        self.put(self.construct(event, path))

    def construct(self, event: yaml.ScalarEvent, path: str) -> Any:
        tag = event.tag
        if tag is None or tag == "!":
            if not event.implicit[0]:
                return event.value
            resolve: Callable[[type[yaml.Node], str, tuple[bool, bool]], str] = self.loader.resolve
            tag = resolve(yaml.ScalarNode, event.value, event.implicit)
        if tag in _TEXT_TAGS:
            return event.value
        value = event.value
        if tag == _INT and value.isascii() and value.isdigit() and (value[0] != "0" or value == "0"):
            return int(value)  # the common case, without PyYAML's general (octal, sexagesimal, ...) reading
        if tag not in _CONSTRUCTED_TAGS:
            self.refuse(f"YAML tag {_short(tag)} is not allowed in scenarios", event.start_mark, path)
            return None
        node = yaml.ScalarNode(tag, event.value, None, None, event.style)
        try:
            return self.loader.yaml_constructors[tag](self.loader, node)
        except (ValueError, yaml.YAMLError):
            self.refuse(f"{event.value!r} is not a valid {_short(tag)}", event.start_mark, path)
            return None

    def open(self, event: yaml.CollectionStartEvent) -> None:
        if len(self.stack) >= self.limits.max_depth:
            self.stop(f"the scenario nests more than {self.limits.max_depth} levels deep", event.start_mark)
        is_key = self.expects_key()
        if is_key:
            path = self.stack[-1].path
            self.refuse("mapping keys must be plain text, not lists or mappings", event.start_mark, path)
        else:
            path = self.place(event.start_mark)
        if event.tag not in _CONTAINER_TAGS:
            self.refuse(f"YAML tag {_short(event.tag)} is not allowed in scenarios", event.start_mark, path)
        ignored = is_key or self.ignoring()
        value: dict[str, Any] | list[Any] = {} if isinstance(event, yaml.MappingStartEvent) else []
        self.stack.append(_Container(value, path, ignored=ignored, is_key=is_key))

    def close(self) -> None:
        done = self.stack.pop()
        if done.is_key:
            self.stack[-1].drop_value = True
        else:
            self.put(done.value)

    def ignoring(self) -> bool:
        return bool(self.stack) and (self.stack[-1].ignored or self.stack[-1].drop_value)

    def place(self, mark: _Position | None) -> str:
        """The path of the value starting at ``mark`` (the root, an item, or a key's value); records where it is."""
        if not self.stack:
            path = "$"
        elif self.ignoring():
            return self.stack[-1].path
        else:
            top = self.stack[-1]
            path = f"{top.path}[{len(top.value)}]" if isinstance(top.value, list) else f"{top.path}.{top.key}"
            if len(path) > MAX_PATH:
                # Every node holds its path: long keys nested deep would multiply the memory a document costs.
                self.stop(f"the path to this value is longer than {MAX_PATH} characters (no scenario field is)", mark)
        self.doc.values[path] = _mark(mark)
        key_mark = self.stack[-1].key_mark if self.stack else None
        if key_mark is not None:
            self.doc.keys[path] = _mark(key_mark)
        return path

    def put(self, value: Any) -> None:
        if not self.stack:
            self.doc.data = value
            return
        top = self.stack[-1]
        if isinstance(top.value, list):
            top.value.append(value)
            return
        key, mark, dropped = top.key, top.key_mark, top.drop_value
        top.key, top.key_mark, top.drop_value = None, None, False
        if dropped or top.ignored or key is None or mark is None:
            return
        if key in top.value:
            # PyYAML keeps the last of two equal keys silently; a scenario author almost never means that.
            self.doc.problems.append(LocatedProblem(f"{top.path}.{key}", f"duplicate key {key!r}", *_mark(mark)))
        top.value[key] = value
