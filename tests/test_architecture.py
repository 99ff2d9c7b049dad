"""The layers hold as drawn (docs/architecture.md): SQL only in simulator/store/, no vendor named in the core, and no
import cycle between the simulator's packages."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import fields
from pathlib import Path

import pytest

from simulator.config import Settings
from simulator.vendors import VENDORS
from tests.support import ROOT

SIMULATOR = ROOT / "simulator"
SQL = re.compile(
    r"\b(SELECT|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(TABLE|INDEX)|PRAGMA)\b"
)
# The core: what serves every vendor alike. A vendor's own modules (its package with its dashboard panel, its domain
# rules, store module and scenario section) are the only places that name it.
CORE = [
    "app.py",
    "config.py",
    "sandboxes.py",
    "unrouted.py",
    "errors.py",
    "http.py",
    "requestline.py",
    "masking.py",
    "logs.py",
    "documents.py",
    "control",
    "toolkit",
    "openapi",
    "ui",
    "scenarios/model.py",
    "scenarios/loader.py",
    "scenarios/loaded.py",
    "scenarios/part.py",
    "scenarios/shape.py",
    "scenarios/salvage.py",
    "store/sandboxes.py",
    "store/part.py",
    "store/layered.py",
    "store/connection.py",
    "store/browse.py",
    "vendors/base.py",
    "vendors/paths.py",
    "plane",
]
# The one exception, stated: config.py declares these vendor limits among the settings, as typed fields of Settings
# that the vendor's routes read as settings.<name>; docs/architecture.md says why they are not declared by the vendors.
VENDOR_SETTINGS = {"kaching_import_values", "kaching_log_entries", "kaching_events", "centra_update_products"}


def _sources(under: Path) -> list[Path]:
    return sorted(under.rglob("*.py")) if under.is_dir() else [under]


def _code(path: Path, skipped: frozenset[int] = frozenset()) -> str:
    """The module's code without its comments and docstrings, which may name a vendor as an example, and without the
    ``skipped`` lines."""
    source = path.read_text(encoding="utf-8")
    docstrings = {
        node.body[0].value.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
        and isinstance(node.body[0].value.value, str)
    }
    kept = [
        tok.string
        for tok in tokenize.generate_tokens(io.StringIO(source).readline)
        if tok.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE)
        and not (tok.type == tokenize.STRING and tok.start[0] in docstrings)
        and tok.start[0] not in skipped
    ]
    return " ".join(kept)


def test_no_sql_outside_the_store() -> None:
    found = [
        str(path.relative_to(ROOT))
        for path in _sources(SIMULATOR)
        if SIMULATOR / "store" not in path.parents and SQL.search(_code(path))
    ]
    assert found == []


def test_the_sql_pattern_finds_sql() -> None:
    assert SQL.search(_code(SIMULATOR / "store" / "sandboxes.py"))


@pytest.mark.parametrize("where", CORE)
def test_the_core_names_no_vendor(where: str) -> None:
    names = {v.name for v in VENDORS} | {v.section.key for v in VENDORS} | {"kaching", "ka_ching"}
    pattern = re.compile("|".join(re.escape(n) for n in sorted(names)), re.IGNORECASE)
    for path in _sources(SIMULATOR / where):
        match = pattern.search(_code(path, _vendor_settings(path)))
        assert match is None, f"{path.relative_to(ROOT)} names {match and match[0]!r}"


def _vendor_settings(path: Path) -> frozenset[int]:
    """The lines of config.py's VENDOR_SETTINGS declarations (none in any other module)."""
    if path != SIMULATOR / "config.py":
        return frozenset()
    settings = next(
        node
        for node in ast.parse(path.read_text(encoding="utf-8")).body
        if isinstance(node, ast.ClassDef) and node.name == "Settings"
    )
    return frozenset(
        line
        for node in settings.body
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id in VENDOR_SETTINGS
        for line in range(node.lineno, (node.end_lineno or node.lineno) + 1)
    )


def test_the_vendor_settings_are_settings() -> None:
    """The exception names real settings, and skips exactly their lines: without it, config.py names vendors."""
    assert {f.name for f in fields(Settings)} >= VENDOR_SETTINGS
    config = SIMULATOR / "config.py"
    assert len(_vendor_settings(config)) >= len(VENDOR_SETTINGS)
    assert re.search("ka-?ching|centra", _code(config), re.IGNORECASE)


def _package(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2])


def _imports() -> dict[str, set[str]]:
    """simulator's packages (and top-level modules), each with those it imports when it is imported: function-level
    imports are left out, as they run later (the CLI's, the scenario loader's registry default)."""
    edges: dict[str, set[str]] = {}
    for path in _sources(SIMULATOR):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        source = _package(module)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:  # module level only
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            for target in targets:
                if target.startswith("simulator.") and _package(target) != source:
                    edges.setdefault(source, set()).add(_package(target))
    return edges


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one package (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in list(edges):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles_between_packages() -> None:
    assert _cycles(_imports()) == []


def test_the_cycle_finder_finds_cycles() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []
