"""Catalogs: headers, determinism, minimal diffs, merge rules, GNU gettext."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from pathlib import Path

import polib
import pytest

from pipeline import api
from pipeline import po as po_io
from tests.conftest import msgfmt_check

LESSON = """# Bài một

Đoạn mở đầu.

Đoạn thứ hai có $x$.

- Mục danh sách
- Mục danh sách

| Cột | Giá trị |
| --- | --- |
| Một | Hai |
"""

Project = Callable[[dict[str, str]], Path]


def _po(root: Path, rel: str = "m/bai.po") -> polib.POFile:
    return polib.pofile(str(root / "locales" / "en" / rel))


def _translate(root: Path, mapping: dict[str, str], rel: str = "m/bai.po") -> None:
    po = _po(root, rel)
    for entry in po:
        if entry.msgid in mapping:
            entry.msgstr = mapping[entry.msgid]
    po.save()


def _edit(root: Path, text: str, rel: str = "m/bai.md") -> None:
    (root / "content" / rel).write_text(text, encoding="utf-8")


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_template_entries_and_comments(project: Project) -> None:
    root = project({"m/bai.md": LESSON})
    api.extract(root)
    pot = polib.pofile(str(root / "locales" / "templates" / "m" / "bai.pot"))
    assert [e.msgid for e in pot] == [
        "Bài một",
        "Đoạn mở đầu.",
        "Đoạn thứ hai có $x$.",
        "Mục danh sách",
        "Cột",
        "Giá trị",
        "Một",
        "Hai",
    ]
    by_id = {e.msgid: e for e in pot}
    assert by_id["Bài một"].comment == "heading 1"
    assert by_id["Một"].comment == "table cell, row 1, column 1"
    assert by_id["Cột"].comment == "table header, column 1"
    assert by_id["Mục danh sách"].occurrences == [("m/bai.md", "")]
    assert all(not e.flags for e in pot)


def test_header_is_complete(project: Project) -> None:
    root = project({"m/bai.md": LESSON})
    api.rebuild(root)
    meta = _po(root).metadata
    assert meta["Language"] == "en"
    assert meta["Content-Type"] == "text/plain; charset=UTF-8"
    assert meta["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert meta["Project-Id-Version"] == "course"  # no pyproject.toml: a constant, never the folder
    assert meta["POT-Creation-Date"] == "2026-01-01 00:00+0000"


def test_line_numbers_are_configurable(project: Project) -> None:
    root = project({"m/bai.md": LESSON})
    (root / "pyproject.toml").write_text("[tool.pipeline]\nline_numbers = true\n", encoding="utf-8")
    api.extract(root)
    text = (root / "locales" / "templates" / "m" / "bai.pot").read_text(encoding="utf-8")
    assert "#: m/bai.md:3\n" in text
    assert "#: m/bai.md:7 m/bai.md:8\n" in text


def test_gnu_gettext_accepts_templates_and_catalogs(project: Project) -> None:
    root = project({"m/bai.md": LESSON + '\nCâu có "ngoặc kép" và \\ gạch chéo.\n'})
    api.rebuild(root)
    _translate(root, {"Bài một": "Lesson one"})
    api.update(root)
    files = sorted((root / "locales").rglob("*.po*"))
    assert len(files) == 2
    for path in files:
        assert msgfmt_check(path) == ""


def test_twice_is_byte_identical(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    root = project({"m/bai.md": LESSON, "n/khac.md": "# Khác\n\nVăn bản.\n"})
    api.extract(root)
    api.update(root)
    first = _files(root / "locales")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")  # time passes
    report = api.extract(root)
    report2 = api.update(root)
    assert _files(root / "locales") == first
    assert report.written == [] and report2.written == []


def test_creation_date_changes_only_with_msgids(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    root = project({"m/bai.md": LESSON})
    api.rebuild(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    _edit(root, LESSON + "\nĐoạn mới.\n")
    api.rebuild(root)
    assert _po(root).metadata["POT-Creation-Date"] == "2027-01-15 08:00+0000"
    assert _po(root).metadata["PO-Revision-Date"] == "2026-01-01 00:00+0000"


def test_inserting_a_paragraph_changes_only_its_entry(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    root = project({"m/bai.md": LESSON})
    api.rebuild(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")  # time passes
    pot_path = root / "locales" / "templates" / "m" / "bai.pot"
    po_path = root / "locales" / "en" / "m" / "bai.po"
    before = {p: p.read_text(encoding="utf-8").splitlines() for p in (pot_path, po_path)}
    _edit(root, LESSON.replace("Đoạn mở đầu.\n", "Đoạn mở đầu.\n\nĐoạn chèn thêm.\n"))
    api.rebuild(root)
    for path, old in before.items():
        new = path.read_text(encoding="utf-8").splitlines()
        changed = [
            line
            for line in difflib.unified_diff(old, new, lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))
        ]
        # The new entry's lines, and the creation date (msgids changed);
        # where difflib aligns them among look-alike entries does not matter.
        dates = (
            ['-"PO-Revision-Date: 2026-01-01 00:00+0000\\n"', '+"PO-Revision-Date: 2027-01-15 08:00+0000\\n"']
            if path.suffix == ".pot"
            else []
        )
        assert sorted(changed) == sorted(
            [
                *dates,
                '-"POT-Creation-Date: 2026-01-01 00:00+0000\\n"',
                '+"POT-Creation-Date: 2027-01-15 08:00+0000\\n"',
                "+",
                "+#. paragraph",
                "+#: m/bai.md",
                '+msgid "Đoạn chèn thêm."',
                '+msgstr ""',
            ]
        ), path.name


def test_unchanged_msgid_keeps_translation(project: Project) -> None:
    root = project({"m/bai.md": LESSON})
    api.rebuild(root)
    _translate(root, {"Bài một": "Lesson one"})
    _edit(root, LESSON + "\nThêm.\n")
    api.rebuild(root)
    entry = _po(root).find("Bài một")
    assert entry is not None and entry.msgstr == "Lesson one" and not entry.fuzzy


def test_changed_msgid_becomes_fuzzy_with_previous(project: Project) -> None:
    root = project({"m/bai.md": LESSON})
    api.rebuild(root)
    _translate(root, {"Đoạn mở đầu.": "Opening paragraph."})
    _edit(root, LESSON.replace("Đoạn mở đầu.", "Đoạn mở đầu mới."))
    api.rebuild(root)
    entry = _po(root).find("Đoạn mở đầu mới.")
    assert entry is not None
    assert entry.fuzzy and entry.msgstr == "Opening paragraph."
    assert entry.previous_msgid == "Đoạn mở đầu."
    text = (root / "locales" / "en" / "m" / "bai.po").read_text(encoding="utf-8")
    assert '#| msgid "Đoạn mở đầu."' in text
    # fuzzy is never used in the build
    assert "Opening paragraph." not in (root / "build" / "en" / "m" / "bai.md").read_text(encoding="utf-8")


def test_removed_msgid_becomes_obsolete_and_returns(project: Project) -> None:
    root = project({"m/bai.md": LESSON})
    api.rebuild(root)
    _translate(root, {"Đoạn thứ hai có $x$.": "The second paragraph has $x$."})
    _edit(root, LESSON.replace("Đoạn thứ hai có $x$.\n\n", ""))
    api.rebuild(root)
    obsolete = [e for e in _po(root) if e.obsolete]
    assert [(e.msgid, e.msgstr) for e in obsolete] == [("Đoạn thứ hai có $x$.", "The second paragraph has $x$.")]
    _edit(root, LESSON)
    api.rebuild(root)
    entry = _po(root).find("Đoạn thứ hai có $x$.")
    assert entry is not None and entry.msgstr == "The second paragraph has $x$." and not entry.fuzzy
    assert not [e for e in _po(root) if e.obsolete]


def test_whitespace_change_keeps_translation_not_fuzzy(project: Project) -> None:
    root = project({"m/bai.md": "Một câu khá dài\nđược ngắt dòng ở đây.\n"})
    api.rebuild(root)
    _translate(root, {"Một câu khá dài\nđược ngắt dòng ở đây.": "A rather long sentence\nbroken here."})
    _edit(root, "Một câu khá   dài được\nngắt dòng ở đây.\n")
    api.rebuild(root)
    entry = _po(root).find("Một câu khá   dài được\nngắt dòng ở đây.")
    assert entry is not None and entry.msgstr == "A rather long sentence\nbroken here." and not entry.fuzzy
    assert not [e for e in _po(root) if e.obsolete]


def test_identical_msgids_are_one_entry(project: Project) -> None:
    root = project({"m/bai.md": "Lặp lại.\n\n- Lặp lại.\n\n> Lặp lại.\n"})
    api.extract(root)
    pot = polib.pofile(str(root / "locales" / "templates" / "m" / "bai.pot"))
    assert [(e.msgid, e.comment) for e in pot] == [("Lặp lại.", "paragraph\nlist item\nblockquote")]


def test_translator_header_fields_survive_update(project: Project) -> None:
    root = project({"m/bai.md": LESSON})
    api.rebuild(root)
    po = _po(root)
    po.metadata["Last-Translator"] = "Lan <lan@example.org>"
    po.metadata["X-Generator"] = "Poedit 3.4"
    po.save()
    _edit(root, LESSON + "\nMới.\n")
    api.rebuild(root)
    meta = _po(root).metadata
    assert meta["Last-Translator"] == "Lan <lan@example.org>"
    assert meta["X-Generator"] == "Poedit 3.4"


def test_stale_template_removed_but_catalog_kept(project: Project) -> None:
    root = project({"m/bai.md": LESSON, "m/cu.md": "# Bài cũ\n"})
    api.rebuild(root)
    _translate(root, {"Bài cũ": "Old lesson"}, rel="m/cu.po")
    (root / "content" / "m" / "cu.md").unlink()
    report = api.rebuild(root)
    assert not (root / "locales" / "templates" / "m" / "cu.pot").exists()
    assert _po(root, "m/cu.po").find("Bài cũ").msgstr == "Old lesson"  # type: ignore[union-attr]
    assert [(f.path, f.line, f.rule) for f in report.findings] == [("locales/en/m/cu.po", 1, "orphan-catalog")]
    assert not (root / "build" / "en" / "m" / "cu.md").exists()


@pytest.mark.parametrize(
    ("body", "line", "words"),
    [
        ('msgid "a"\nmsgstr "unterminated\n', 6, "syntax error"),
        ('msgid "a"\nmsgstr ""\n\nmsgid "a"\nmsgstr "x"\n', 8, "duplicate entry 'a' (first at line 5)"),
        ('msgid "a"\nmsgstr "" trailing\n', 6, "syntax error"),
    ],
)
def test_broken_catalogs_name_their_line(body: str, line: int, words: str) -> None:
    from pipeline.errors import PipelineError

    header = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    with pytest.raises(PipelineError) as caught:
        po_io.loads(header + body, "x.po")
    assert caught.value.finding.line == line
    assert words in caught.value.finding.message


def test_an_obsolete_fuzzy_entry_keeps_what_it_was_made_for(tmp_path: Path) -> None:
    """polib writes `#~| msgid` but does not read it back: we do, so a fuzzy
    translation that goes obsolete and comes back still shows what changed."""
    text = (
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        '#, fuzzy\n#~| msgid "Câu cũ "\n#~| "dài."\n#~ msgid "Câu mới."\n#~ msgstr "The new sentence."\n'
    )
    po = po_io.loads(text, "x.po")
    (entry,) = [e for e in po if e.obsolete]
    assert entry.previous_msgid == "Câu cũ dài."
    assert po_io.loads(po_io.dumps(po), "x.po").entries[-1].previous_msgid == "Câu cũ dài."
    path = tmp_path / "x.po"
    path.write_text(po_io.dumps(po), encoding="utf-8")
    assert msgfmt_check(path) == ""
    crlf = po_io.loads(text.replace("\n", "\r\n"), "x.po")  # a catalog saved with CRLF line ends
    assert crlf.entries[-1].previous_msgid == "Câu cũ dài."


def test_polib_stays_behind_the_po_boundary() -> None:
    """Only pipeline/po.py may import polib: the merge policy works on the model."""
    package = Path(__file__).resolve().parent.parent / "pipeline"
    imports = re.compile(r"^\s*(import polib|from polib\b)", re.M)
    importers = sorted(p.name for p in package.glob("*.py") if imports.search(p.read_text("utf-8")))
    assert importers == ["po.py"]
