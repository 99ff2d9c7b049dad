"""Reading scenario files: YAML (or JSON) -> msgspec Structs, with errors that name file, line, path and cause.

Every problem is reported as ``file:line:column: $.path.to.field: what was expected, what was found``. The
line comes from the YAML node at the path (or its nearest ancestor when the path names a missing field).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import msgspec
import yaml

from simulator.scenarios.loaded import LoadedScenario
from simulator.scenarios.model import Scenario, check

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_AT = re.compile(r"^(?P<message>.*) - at `(?P<path>\$[^`]*)`$", re.DOTALL)
_NUMBER_FOR_TEXT = re.compile(r"^Expected `str( \| null)?`, got `(int|float)`$")
_SEGMENT = re.compile(r"(\.[^.\[]+|\[[^\]]*\])$")


class LocatedProblem(msgspec.Struct, frozen=True):
    path: str
    message: str
    line: int | None = None
    column: int | None = None

    def render(self, source: str) -> str:
        where = source if self.line is None else f"{source}:{self.line}:{self.column}"
        return f"{where}: {self.path}: {self.message}"


class ScenarioError(Exception):
    """A scenario that does not validate; ``problems`` lists every one found, in document order."""

    def __init__(self, source: str, problems: list[LocatedProblem]) -> None:
        self.source = source
        self.problems = problems
        super().__init__("\n".join(p.render(source) for p in problems))

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "problems": [
                {"path": p.path, "message": p.message, "line": p.line, "column": p.column} for p in self.problems
            ],
        }


Marks = dict[str, tuple[int, int]]


def load_file(path: str | Path) -> LoadedScenario:
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(source, [LocatedProblem("$", f"cannot read the file: {exc}")]) from exc
    return load_text(text, source)


def load_text(text: str, source: str) -> LoadedScenario:
    data, marks = _parse_yaml(text, source)
    return load_data(data, source, marks)


def load_data(data: Any, source: str, marks: Marks | None = None) -> LoadedScenario:
    marks = marks or {}
    if data is None:
        data = {}
    try:
        spec = msgspec.convert(data, Scenario)
    except msgspec.ValidationError as exc:
        raise ScenarioError(source, [_locate(split_error(str(exc)), marks)]) from exc
    problems = check(spec)
    if problems:
        raise ScenarioError(source, [_locate((p.path, p.message), marks) for p in problems])
    return LoadedScenario.build(spec, source)


def split_error(error: str) -> tuple[str, str]:
    """A msgspec validation message -> (JSON path, what was wrong there)."""
    match = _AT.match(error)
    if not match:
        return "$", error
    message, path = match["message"], match["path"]
    if _NUMBER_FOR_TEXT.match(message):
        message += ' (quote the value in YAML, e.g. "0123", so leading zeros and digits survive)'
    return path, message


def _locate(problem: tuple[str, str], marks: Marks) -> LocatedProblem:
    path, message = problem
    probe = path
    while probe not in marks and probe != "$":
        trimmed = _SEGMENT.sub("", probe)
        if trimmed == probe:
            break
        probe = trimmed or "$"
    line, column = marks.get(probe, (None, None))
    return LocatedProblem(path, message, line, column)


def _parse_yaml(text: str, source: str) -> tuple[Any, Marks]:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
        reason = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        raise ScenarioError(source, [LocatedProblem("$", f"YAML syntax error: {reason}", line, column)]) from exc
    except yaml.YAMLError as exc:
        raise ScenarioError(source, [LocatedProblem("$", f"YAML error: {exc}")]) from exc
    except RecursionError as exc:
        raise ScenarioError(source, [LocatedProblem("$", "the document is nested too deeply")]) from exc
    finally:
        loader.dispose()
    marks: Marks = {}
    duplicates: list[LocatedProblem] = []
    if node is not None:
        try:
            _walk(node, "$", marks, duplicates)
        except RecursionError as exc:
            raise ScenarioError(source, [LocatedProblem("$", "the document is nested too deeply")]) from exc
    if duplicates:
        raise ScenarioError(source, duplicates)
    return data, marks


def _walk(node: yaml.Node, path: str, marks: Marks, duplicates: list[LocatedProblem]) -> None:
    marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            name = str(key.value)
            child = f"{path}.{name}"
            if name in seen:
                # PyYAML keeps the last of two equal keys silently; a scenario author almost never means that.
                line, column = key.start_mark.line + 1, key.start_mark.column + 1
                duplicates.append(LocatedProblem(child, f"duplicate key {name!r}", line, column))
            seen.add(name)
            _walk(value, child, marks, duplicates)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, f"{path}[{i}]", marks, duplicates)
