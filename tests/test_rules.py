"""The rule registry against the package and the README.

A rule id is a string written where a finding is made: these tests read the
package's source so that an id nobody registered, a registered id nobody
emits, or a README table out of step with the registry fails here.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline import rules
from pipeline.errors import Exit, Finding
from pipeline.report import Report

REPO = Path(__file__).resolve().parent.parent
MODULES = sorted((REPO / "pipeline").glob("*.py"))
START, END = "<!-- rules -->\n", "<!-- /rules -->"

# Registered for the engine rewrite (run.py, cold.py, state.py, ...), which
# emits them; nothing in the package does yet.
NOT_YET_EMITTED: set[str] = set()


def _rule_slots(trees: dict[str, ast.Module]) -> dict[str, int]:
    """Callables of the package that take a rule id, by name: the position
    of the ``rule`` argument (a dataclass field, an __init__ or a function
    parameter named ``rule``)."""
    slots: dict[str, int] = {}
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                fields = [
                    s.target.id for s in node.body if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)
                ]
                init = next((s for s in node.body if isinstance(s, ast.FunctionDef) and s.name == "__init__"), None)
                params = [a.arg for a in init.args.args[1:]] if init is not None else fields
                if "rule" in params:
                    slots[node.name] = params.index("rule")
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                params = [a.arg for a in node.args.args if a.arg not in ("self", "cls")]
                if "rule" in params and node.name != "__init__":
                    slots[node.name] = params.index("rule")
    return slots


def _defaults(trees: dict[str, ast.Module]) -> Iterator[tuple[str, int, str]]:
    """String defaults of ``rule`` parameters (PipelineError's "input")."""
    for name, tree in trees.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                args = node.args.args
                for arg, default in zip(args[len(args) - len(node.args.defaults) :], node.args.defaults, strict=True):
                    if arg.arg == "rule" and isinstance(default, ast.Constant) and isinstance(default.value, str):
                        yield name, node.lineno, default.value


def _emitted(trees: dict[str, ast.Module]) -> list[tuple[str, int, str]]:
    """(module, line, rule id) for every literal rule id given to a callable
    that takes one, positionally or as ``rule=``."""
    slots = _rule_slots(trees)
    found = list(_defaults(trees))
    for name, tree in trees.items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            callee = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            if callee not in slots:
                continue
            index = slots[callee]
            args = [a for a in node.args if not isinstance(a, ast.Starred)]
            given = [k.value for k in node.keywords if k.arg == "rule"]
            if len(args) > index and len(args) == len(node.args):
                given.append(args[index])
            found += [
                (name, v.lineno, v.value) for v in given if isinstance(v, ast.Constant) and isinstance(v.value, str)
            ]
    return found


def _compared(trees: dict[str, ast.Module]) -> list[tuple[str, int, str]]:
    """Literal ids a ``x.rule == / != / in / not in`` test compares with (filters)."""
    found = []
    for name, tree in trees.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Compare) and isinstance(node.left, ast.Attribute) and node.left.attr == "rule":
                for other in node.comparators:
                    items = other.elts if isinstance(other, ast.Tuple | ast.List | ast.Set) else [other]
                    found += [
                        (name, c.lineno, c.value)
                        for c in items
                        if isinstance(c, ast.Constant) and isinstance(c.value, str)
                    ]
    return found


def _filters(trees: dict[str, ast.Module]) -> list[tuple[str, int, str]]:
    """Literal ids given to ``rules.known(...)`` (a filter checked against the registry)."""
    found = []
    for name, tree in trees.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "known":
                found += [(name, c.lineno, c.value) for c in node.args if isinstance(c, ast.Constant)]
    return found


TREES = {p.name: ast.parse(p.read_text(encoding="utf-8"), str(p)) for p in MODULES}
EMITTED = _emitted(TREES)
USES = EMITTED + _compared(TREES) + _filters(TREES)


def test_the_scan_sees_the_ways_rules_are_written() -> None:
    """The scan itself: a positional id, a rule= keyword, a helper's
    parameter, PipelineError's default and a filter are all found."""
    seen = {(m, r) for m, _, r in USES}
    assert ("checks.py", "vietnamese-left") in seen  # Finding(path, line, "vietnamese-left", ...)
    assert ("lock.py", "locked") in seen  # PipelineError(..., rule="locked")
    assert ("assemble.py", "structure") in seen  # _refusal(path, unit, why, "structure")
    assert ("text.py", "not-nfc") in seen  # Problem(line, "not-nfc", ...)
    assert ("errors.py", "input") in seen  # PipelineError's default
    assert ("api.py", "invalid-utf8") in seen  # problem.rule not in rules.known("invalid-utf8")
    assert ("gate.py", "orphan-catalog") in seen  # rules.known("orphan-catalog", ...)


@pytest.mark.parametrize(("module", "line", "rule_id"), USES, ids=[f"{m}:{n}:{r}" for m, n, r in USES])
def test_every_rule_the_package_names_is_registered(module: str, line: int, rule_id: str) -> None:
    assert rules.get(rule_id) is not None, (
        f"pipeline/{module}:{line} names rule {rule_id!r}: add it to pipeline/rules.py"
    )


@pytest.mark.parametrize("rule", rules.RULES, ids=lambda r: r.id)
def test_every_registered_rule_is_emitted(rule: rules.Rule) -> None:
    emitted = {r for _, _, r in EMITTED}
    if rule.id in NOT_YET_EMITTED:
        assert rule.id not in emitted, f"{rule.id!r} is emitted now: drop it from NOT_YET_EMITTED"
    else:
        assert rule.id in emitted, f"no module of pipeline/ emits {rule.id!r}: remove it from pipeline/rules.py"


def test_rules_are_unique_and_well_formed() -> None:
    assert len({r.id for r in rules.RULES}) == len(rules.RULES)
    for rule in rules.RULES:
        assert rule.severity in rules.SEVERITIES and isinstance(rule.exit, Exit), rule
        assert rule.doc and "\n" not in rule.doc, rule
        assert rules.get(rule.id) is rule
    assert rules.get("no-such-rule") is None
    assert rules.ids() == {r.id for r in rules.RULES}
    assert rules.ids(Exit.FAILED) == {r.id for r in rules.RULES if r.exit is Exit.FAILED}
    assert rules.exit_for("no-such-rule") is Exit.BAD_INPUT


def test_known_refuses_an_unregistered_id() -> None:
    assert rules.known("renamed", "orphan-catalog") == {"renamed", "orphan-catalog"}
    with pytest.raises(KeyError, match="orphan-catalogue"):
        rules.known("renamed", "orphan-catalogue")


def test_a_rule_checks_its_severity() -> None:
    with pytest.raises(ValueError, match="severity"):
        rules.Rule("x", "fatal", Exit.FAILED, "x")
    with pytest.raises(TypeError, match="exit"):
        rules.Rule("x", "error", 1, "x")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("rule_ids", "code"),
    [
        ((), Exit.OK),
        (("renamed",), Exit.OK),
        (("protected-span",), Exit.FAILED),
        (("fmt", "structure"), Exit.FAILED),
        (("fmt", "encoding"), Exit.BAD_INPUT),
        (("write-failed",), Exit.BAD_INPUT),
        (("a-rule-nobody-registered",), Exit.BAD_INPUT),
        (("coverage", "a-rule-nobody-registered"), Exit.BAD_INPUT),
    ],
)
def test_exit_code_comes_from_the_rules_of_the_errors(rule_ids: tuple[str, ...], code: Exit) -> None:
    report = Report(findings=[Finding("a.md", 1, r, "m", "info" if r == "renamed" else "error") for r in rule_ids])
    assert report.exit_code is code


def test_warnings_never_set_the_exit_code() -> None:
    report = Report(findings=[Finding("a.md", 1, "encoding", "m", "warning"), Finding("a.md", 2, "x", "m", "info")])
    assert report.exit_code is Exit.OK


def test_the_readme_table_is_the_registry() -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    assert text.count(START) == 1 and text.count(END) == 1, f"README.md needs one {START.strip()} ... {END} block"
    block = text.split(START, 1)[1].split(END, 1)[0]
    assert block == rules.markdown_table(), (
        "README.md's rules table differs from pipeline/rules.py: run `python tools/rules_table.py` "
        "(or paste the output of `python -m pipeline.rules` between the markers)"
    )


def test_the_table_has_a_row_per_rule() -> None:
    lines = rules.markdown_table().splitlines()
    assert len(lines) == 2 + len(rules.RULES)
    for line, rule in zip(lines[2:], rules.RULES, strict=True):
        assert line.startswith(f"| `{rule.id}` | {rule.severity} | {int(rule.exit)} | ")
        assert line.count(" | ") == 3  # no stray cell separator in a doc


def test_python_m_prints_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    rules.main()
    assert capsys.readouterr().out == rules.markdown_table()
