"""Reading scenario files: YAML (or JSON) -> msgspec Structs, with every problem named by file, line, path and cause.

Every problem is reported as ``file:line:column: $.path.to.field: what was expected, what was found``, in document
order, all of them in one run: the YAML's own problems (see ``document``), each value that does not fit its type
(``shape``), and the rules across fields (each vendor's ``check``), which run on whatever is well formed around the
bad values (``salvage``). The line comes from the YAML node at the path (or its nearest ancestor when the path names
a missing field). What a scenario may cost to read is bounded (``limits``).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import msgspec

from simulator.scenarios import document, shape
from simulator.scenarios.document import Document
from simulator.scenarios.limits import DEFAULT_LIMITS, MAX_PROBLEMS, Limits
from simulator.scenarios.loaded import LoadedScenario
from simulator.scenarios.model import Parts, Scenario, check, scenario_type
from simulator.scenarios.problems import LocatedProblem, Problem, ScenarioError
from simulator.scenarios.salvage import Salvage
from simulator.scenarios.shape import split_error

__all__ = ["LocatedProblem", "ScenarioError", "load_data", "load_file", "load_text", "split_error"]

_SEGMENT = re.compile(r"(\.[^.\[]+|\[[^\]]*\])$")


def registered() -> Parts:
    """The registered vendors' sections (simulator.vendors.PARTS), which ``parts`` defaults to. The registry stands
    above the scenarios it reads, so it is imported when called; the simulator's own callers (the app, the control
    plane, the CLI, the OpenAPI build) pass their ``parts``, and the default is for tests and scripts."""
    from simulator.vendors import PARTS

    return PARTS


def load_file(path: str | Path, limits: Limits = DEFAULT_LIMITS, parts: Parts | None = None) -> LoadedScenario:
    source = str(path)
    try:
        with open(path, "rb") as file:
            size = os.fstat(file.fileno()).st_size
            raw = file.read(limits.max_bytes + 1)
        if len(raw) > limits.max_bytes:
            raise ScenarioError(source, [document.too_big(max(size, len(raw)), limits)])
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(source, [LocatedProblem("$", f"cannot read the file: {exc}")]) from exc
    return load_text(text, source, limits, parts)


def load_text(text: str, source: str, limits: Limits = DEFAULT_LIMITS, parts: Parts | None = None) -> LoadedScenario:
    doc = document.read(text, source, limits)
    return _load(doc, source, parts)


def load_data(data: Any, source: str, parts: Parts | None = None) -> LoadedScenario:
    """A scenario already decoded (from JSON): the same checks, without lines and columns."""
    return _load(Document(data), source, parts)


def _load(doc: Document, source: str, parts: Parts | None) -> LoadedScenario:
    kind = scenario_type(registered() if parts is None else parts)
    data = {} if doc.data is None else doc.data
    try:
        spec = msgspec.convert(data, kind)
    except msgspec.ValidationError as exc:
        found = shape.problems(data, kind, limit=MAX_PROBLEMS + 1)
        # The walk accepts what msgspec accepts; should they ever differ, msgspec's own problem is still reported.
        problems = (found or [Problem(*split_error(str(exc)))]) + _salvaged(data, found, kind)
    else:
        problems = check(spec)
    if problems or doc.problems:
        raise ScenarioError(source, _report(problems, doc))
    return LoadedScenario.build(spec, source)


def _salvaged(data: Any, problems: list[Problem], kind: type[Scenario]) -> list[Problem]:
    """The cross-field problems of what is well formed in ``data``, with their paths in ``data``'s terms."""
    salvage = Salvage(problems)
    kept = salvage.data(data, kind)
    if kept is None:
        return []
    try:
        spec = msgspec.convert(kept, kind)
    except msgspec.ValidationError:
        return []
    return [
        Problem(salvage.restore(p.path), salvage.restore(p.message), p.at_key)
        for p in check(spec, targets=not salvage.lossy)
    ]


def _report(problems: list[Problem], doc: Document) -> list[LocatedProblem]:
    located = [_locate(p, doc) for p in problems] + doc.problems
    # Document order; problems without a line (a JSON scenario) keep the order they were found in.
    located.sort(key=lambda p: (p.line is None, p.line or 0, p.column or 0))
    if len(located) > MAX_PROBLEMS:
        located = located[:MAX_PROBLEMS]
        located.append(LocatedProblem("$", f"only the first {MAX_PROBLEMS} problems are listed"))
    return located


def _locate(problem: Problem, doc: Document) -> LocatedProblem:
    if problem.at_key and problem.path in doc.keys:
        return LocatedProblem(problem.path, problem.message, *doc.keys[problem.path])
    probe = problem.path
    while probe not in doc.values and probe != "$":
        trimmed = _SEGMENT.sub("", probe)
        if trimmed == probe:
            break
        probe = trimmed or "$"
    line, column = doc.values.get(probe, (None, None))
    return LocatedProblem(problem.path, problem.message, line, column)
