"""The package's shape, as the guide asks for it.

Imports point one way (no cycle between modules, counting imports made
only for type checking or inside a function: each is a dependency a reader
must follow), no module over 500 lines, no class over 300, and polib behind
one module, pipeline/po.py, so the PO format has one boundary.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "pipeline"
MODULES = sorted(p.stem for p in PACKAGE.glob("*.py"))
MAX_MODULE_LINES = 500
MAX_CLASS_LINES = 300
PO_BOUNDARY = "po"

SOURCES = {name: (PACKAGE / f"{name}.py").read_text(encoding="utf-8") for name in MODULES}
TREES = {name: ast.parse(text, f"pipeline/{name}.py") for name, text in SOURCES.items()}


def _imports(tree: ast.Module) -> list[tuple[str, int]]:
    """(imported name, line) for every import of a module, wherever it is:
    package modules as their bare name ("run"), others as written ("polib")."""
    found: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                top, _, rest = alias.name.partition(".")
                module = (rest.split(".")[0] or "__init__") if top == "pipeline" else alias.name
                found.append((module, node.lineno))
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module is not None and node.module.split(".")[0] != "pipeline":
                found.append((node.module, node.lineno))
                continue
            # Relative in a flat package, or absolute inside it: pipeline[.x]
            inner = node.module.split(".")[1:] if node.level == 0 and node.module else (node.module or "").split(".")
            if inner and inner[0]:
                found.append((inner[0], node.lineno))
            else:  # from . import x, y: each a module, or a name of __init__
                for alias in node.names:
                    found.append((alias.name if alias.name in SOURCES else "__init__", node.lineno))
    return found


GRAPH: dict[str, dict[str, list[int]]] = {}
for _name in MODULES:
    GRAPH[_name] = {}
    for _target, _line in _imports(TREES[_name]):
        if _target in SOURCES and _target != _name:
            GRAPH[_name].setdefault(_target, []).append(_line)


def _cycles() -> list[list[str]]:
    """The strongly connected components with more than one module
    (Tarjan's algorithm), each sorted: every one holds a cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in GRAPH[node]:
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in MODULES:
        if node not in index:
            visit(node)
    return sorted(found)


def _describe(component: list[str]) -> str:
    members = set(component)
    edges = [
        f"{a} -> {b} (pipeline/{a}.py:{','.join(map(str, lines))})"
        for a in component
        for b, lines in sorted(GRAPH[a].items())
        if b in members
    ]
    return f"{' <-> '.join(component)}: " + "; ".join(edges)


SAMPLE = """
import polib
import pipeline.run
from pipeline import cli
from pipeline.text import nfc
from . import catalog, __version__
from .errors import Finding as F
if TYPE_CHECKING:
    from .markdown import Span
def f():
    from .api import x
"""


def test_the_scan_sees_every_kind_of_import() -> None:
    """Absolute and relative, top-level, type-checking and function-local
    imports all count; a name of __init__ is an import of the package."""
    assert _imports(ast.parse(SAMPLE)) == [
        ("polib", 2),
        ("run", 3),
        ("cli", 4),
        ("text", 5),
        ("catalog", 6),
        ("__init__", 6),
        ("errors", 7),
        ("markdown", 9),
        ("api", 11),
    ]
    assert GRAPH["report"] == {"errors": [14], "rules": [13]}


def test_imports_point_one_way() -> None:
    cycles = _cycles()
    assert not cycles, "import cycles between modules of pipeline/:\n" + "\n".join(map(_describe, cycles))


@pytest.mark.parametrize("module", MODULES)
def test_module_is_at_most_500_lines(module: str) -> None:
    lines = len(SOURCES[module].splitlines())
    assert lines <= MAX_MODULE_LINES, f"pipeline/{module}.py has {lines} lines, over {MAX_MODULE_LINES}: split it"


@pytest.mark.parametrize("module", MODULES)
def test_classes_are_at_most_300_lines(module: str) -> None:
    big = [
        f"{node.name} (lines {node.lineno}-{node.end_lineno}: {node.end_lineno - node.lineno + 1})"
        for node in ast.walk(TREES[module])
        if isinstance(node, ast.ClassDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > MAX_CLASS_LINES
    ]
    assert not big, f"pipeline/{module}.py has classes over {MAX_CLASS_LINES} lines: {', '.join(big)}"


def test_polib_is_imported_by_the_po_module_alone() -> None:
    users = {
        name: [line for target, line in _imports(TREES[name]) if target.split(".")[0] == "polib"] for name in MODULES
    }
    users = {name: lines for name, lines in users.items() if lines}
    shown = ", ".join(f"pipeline/{n}.py:{','.join(map(str, lines))}" for n, lines in sorted(users.items()))
    assert set(users) == {PO_BOUNDARY}, (
        f"polib must be imported by pipeline/{PO_BOUNDARY}.py and no other module; imported by: {shown or 'none'}"
    )
