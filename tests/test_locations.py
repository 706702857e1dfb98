"""Translation findings name the catalog entry to open and the lesson line
that uses it, the same at build, in a replayed build and in `check`; and
`stats` counts what the build refuses apart from what it publishes."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import polib
import pytest
from typer.testing import CliRunner

from pipeline import api, locate
from pipeline import po as po_io
from pipeline.cli import app
from pipeline.model import Catalog, Entry
from tests.conftest import msgid_line, set_translations

runner = CliRunner()
FOOTER_A = (
    "<!-- Aero-Footer-Start -->\nChân trang riêng của bài A.\n\nXem [bài đầu](a.md) và $y$.\n<!-- Aero-Footer-End -->\n"
)
FOOTER_B = "<!-- Aero-Footer-Start -->\nXem [bài đầu](a.md) và $y$.\n<!-- Aero-Footer-End -->\n"
LESSONS = {
    "m/a.md": "# Bài A\n\nĐoạn có $x$ ở đây.\n\n" + FOOTER_A,
    "m/b.md": "# Bài B\n\nĐoạn khác.\n\n" + FOOTER_B,
}
OWN = "Đoạn có $x$ ở đây."
SHARED = "Xem [bài đầu](a.md) và $y$."
GOOD = {
    "Bài A": "Lesson A",
    "Bài B": "Lesson B",
    "Đoạn khác.": "Another paragraph.",
    OWN: "A paragraph with $x$ here.",
    "Chân trang riêng của bài A.": "Lesson A's own footer.",
    SHARED: "See [the first lesson](a.md) and $y$.",
}


class Case:
    """A refused translation: the catalog it is in and the lessons using it."""

    def __init__(self, catalog: str, msgid: str, bad: str, uses: list[tuple[str, int]]) -> None:
        self.catalog, self.msgid, self.bad, self.uses = f"locales/en/{catalog}", msgid, bad, uses


CASES = {
    "lesson": Case("m/a.po", OWN, "A paragraph with x here.", [("content/m/a.md", 3)]),
    "shared": Case(
        "_shared.po", SHARED, "See [the first lesson](a.md) and y.", [("content/m/a.md", 8), ("content/m/b.md", 6)]
    ),
}


_translate = set_translations


def _project(root: Path, case: Case) -> Path:
    """Every unit translated, one translation refused (it drops a formula)."""
    for rel, text in LESSONS.items():
        (root / "content" / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / "content" / rel).write_text(text, encoding="utf-8")
    api.rebuild(root)
    for rel in ("m/a.po", "m/b.po", "_shared.po"):
        _translate(root, rel, {**GOOD, case.msgid: case.bad})
    return root


def _where(root: Path, case: Case) -> str:
    return f"{case.catalog}:{msgid_line(root / case.catalog, case.msgid)}"


def _run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("command", ["build", "rebuild", "replayed", "update-then-build"])
def test_a_refusal_at_build_names_the_catalog_entry_and_the_lesson_line(
    tmp_path: Path, case: str, command: str
) -> None:
    c = CASES[case]
    root = _project(tmp_path, c)
    if command == "replayed":
        _run("rebuild", "--root", str(root))  # the next run replays the cached pages
        command = "rebuild"
    elif command == "update-then-build":
        assert _run("update", "--root", str(root))[0] == 0  # nothing refused: update builds no page
        command = "build"
    code, _, err = _run(command, "--root", str(root))
    assert code == 1, err
    at = _where(root, c)
    for lesson, line in c.uses:
        expected = (
            f"{at}: error: translation of the paragraph changes protected text (missing '$"
            f"{'x' if case == 'lesson' else 'y'}$'); source kept (lesson {lesson}:{line}) [protected-span]"
        )
        assert expected in err.splitlines(), err
    assert err.count("[protected-span]") == len(c.uses)
    built = (root / "build" / "en" / c.uses[0][0].removeprefix("content/")).read_text(encoding="utf-8")
    assert c.msgid in built and c.bad not in built


@pytest.mark.parametrize("case", sorted(CASES))
def test_check_names_the_same_entry_and_where_it_is_used(tmp_path: Path, case: str) -> None:
    c = CASES[case]
    root = _project(tmp_path, c)
    api.rebuild(root)
    code, out, _ = _run("check", "--root", str(root))
    assert code == 1, out
    lesson, line = c.uses[0]
    more = f", and {len(c.uses) - 1} more lesson" if len(c.uses) > 1 else ""
    assert f"{_where(root, c)}: error: translation of the paragraph changes protected text" in out
    assert f"source kept (lesson {lesson}:{line}{more}) [protected-span]" in out
    assert out.count("[protected-span]") == 1
    data = json.loads(_run("check", "--root", str(root), "--format", "json")[1])
    found = [f for f in data["findings"] if f["rule"] == "protected-span"]
    assert [(f["path"], f["line"]) for f in found] == [(c.catalog, msgid_line(root / c.catalog, c.msgid))]


def _move_lesson_entry(root: Path) -> None:
    """A new paragraph above: the refused entry moves down when update merges."""
    path = root / "content" / "m" / "a.md"
    path.write_text(path.read_text(encoding="utf-8").replace("# Bài A\n", "# Bài A\n\nĐoạn mới ở trên.\n"))


def _move_shared_by_translation(root: Path) -> None:
    """A long translation of the shared entry above it: wrapped, it pushes it down."""
    long = "Lesson A's own footer, " + "which is long enough to be wrapped over several lines, " * 3 + "ends."
    _translate(root, "_shared.po", {"Chân trang riêng của bài A.": long})


def _move_shared_by_boilerplate(root: Path) -> None:
    """A new boilerplate unit above it in lesson A (lesson B, unchanged, is replayed)."""
    path = root / "content" / "m" / "a.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("<!-- Aero-Footer-Start -->\n", "<!-- Aero-Footer-Start -->\nMột dòng chung mới.\n\n"))


MOVES: dict[str, tuple[str, Callable[[Path], None]]] = {
    "lesson-entry-added": ("lesson", _move_lesson_entry),
    "shared-translation-wrapped": ("shared", _move_shared_by_translation),
    "shared-boilerplate-added": ("shared", _move_shared_by_boilerplate),
}


@pytest.mark.parametrize("move", sorted(MOVES))
def test_the_line_is_the_catalog_as_the_run_leaves_it(tmp_path: Path, move: str) -> None:
    """When the run's own update moves the entry, or moves it in the shared
    catalog while some pages are replayed from the cache, the line is still
    the one in the file as written, as a run from scratch says."""
    case, change = MOVES[move]
    c = CASES[case]
    root = _project(tmp_path / "course", c)
    api.rebuild(root)  # the records the next run replays from
    before = msgid_line(root / c.catalog, c.msgid)
    change(root)
    scratch = tmp_path / "scratch"
    shutil.copytree(root, scratch, ignore=shutil.ignore_patterns(".pipeline-cache"))
    report = api.rebuild(root)
    after = msgid_line(root / c.catalog, c.msgid)
    assert after > before
    refusals = [f for f in report.findings if f.rule == "protected-span"]
    assert len(refusals) == len(c.uses)
    assert {(f.path, f.line) for f in refusals} == {(c.catalog, after)}
    assert [str(f) for f in report.findings] == [str(f) for f in api.rebuild(scratch).findings]
    assert [str(f) for f in api.rebuild(root).findings] == [str(f) for f in report.findings]  # replayed


@pytest.mark.parametrize("case", sorted(CASES))
def test_stats_counts_a_refused_translation_apart(tmp_path: Path, case: str) -> None:
    c = CASES[case]
    root = _project(tmp_path, c)
    code, out, _ = _run("stats", "--root", str(root), "--by", "lesson", "--format", "json")
    assert code == 0
    rows = {r["lesson"]: r for r in json.loads(out)["rows"]}
    row = rows["m/a.md" if case == "lesson" else "_shared"]
    assert (row["refused"], row["untranslated"], row["fuzzy"]) == (1, 0, 0)
    assert row["translated"] == row["total"] - 1
    assert row["refused_words"] > 0 and row["percent"] < 100.0
    others = [r for name, r in rows.items() if r is not row]
    assert all(r["refused"] == 0 and r["percent"] == 100.0 for r in others)
    language = json.loads(_run("stats", "--root", str(root), "--format", "json")[1])["rows"][0]
    assert language["refused"] == 1 and language["translated"] + language["refused"] == language["total"]
    table = _run("stats", "--root", str(root))[1]
    assert "Refused" in table
    markdown = _run("stats", "--root", str(root), "--format", "markdown")[1]
    assert "| Fuzzy | Refused | Untranslated |" in markdown and "| 0 | 1 | 0 |" in markdown


def test_check_coverage_does_not_count_refused(tmp_path: Path) -> None:
    root = _project(tmp_path, CASES["lesson"])
    api.rebuild(root)
    code, out, _ = _run("check", "--root", str(root), "--min-coverage", "100")
    assert code == 1
    total = json.loads(_run("stats", "--root", str(root), "--format", "json")[1])["rows"][0]["total"]
    percent = 100 * (total - 1) / total
    assert f"en is {percent:.1f}% translated, under the 100% required: translate 1 more units [coverage]" in out


def test_a_fixed_translation_is_counted_and_reported_no_more(tmp_path: Path) -> None:
    c = CASES["shared"]
    root = _project(tmp_path, c)
    _translate(root, "_shared.po", {c.msgid: GOOD[c.msgid]})
    code, _, err = _run("rebuild", "--root", str(root))
    assert (code, "protected-span" in err) == (0, False)
    row = json.loads(_run("stats", "--root", str(root), "--format", "json")[1])["rows"][0]
    assert (row["refused"], row["percent"]) == (0, 100.0)


# -- the msgid lines, read or dumped -------------------------------------------

ENTRIES = [
    Entry("Một", "One"),
    Entry("Hai", "Two", msgctxt="menu", flags=["fuzzy"], previous_msgid="Hai cũ", comment="heading 2"),
    Entry("Ba " * 40, "Three " * 30, occurrences=[("a.md", "")]),
    Entry("Cũ", "Old", obsolete=True),
    Entry("Bốn", "Four", tcomment="ghi chú"),
]


@pytest.mark.parametrize("read", [False, True], ids=["dumped", "read"])
def test_msgid_lines_point_at_each_msgid_keyword(read: bool) -> None:
    po = Catalog(metadata={"Language": "en", "Content-Type": "text/plain; charset=UTF-8"}, entries=list(ENTRIES))
    text = po_io.dumps(po)
    if read:
        po = po_io.loads(text, "x.po")
    lines = locate.msgid_lines(text, po)
    rows = text.split("\n")
    for e in ENTRIES:
        if e.obsolete:
            assert e.key not in lines
            continue
        assert rows[lines[e.key] - 1].startswith('msgid "'), e.msgid
        assert polib.unescape(rows[lines[e.key] - 1][7:-1]) in ("", e.msgid)  # a long msgid starts with ""
    assert sorted(lines.values()) == [n for n, row in enumerate(rows, 1) if row.startswith('msgid "')][1:]
