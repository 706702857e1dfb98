"""A translator's real workflow: edits committed without `update`, other
tools' layouts, flags and comments, copies of the source.

The gate fails only for real faults; `update` offers what the memory knows
and marks it; a second `update` changes no byte.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import polib
import pytest
from typer.testing import CliRunner

from pipeline import api
from pipeline.cli import app

Project = Callable[[dict[str, str]], Path]
SHARED_TEXT = "Mạng nơ-ron học từ dữ liệu."
LESSONS = {
    "m/a.md": f"# Bài một\n\n{SHARED_TEXT}\n",
    "m/b.md": f"# Bài hai\n\n{SHARED_TEXT}\n\nPython cho AI\n\nSummary\n\nPyTorch\n",
}


def _files(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted((root / "locales").rglob("*"))
        if p.is_file()
    }


def _edit(root: Path, rel: str, change: Callable[[polib.POFile], None], wrapwidth: int = 78) -> None:
    po = polib.pofile(str(root / "locales" / "en" / rel), wrapwidth=wrapwidth)
    change(po)
    po.save()


def _set(msgid: str, msgstr: str, *flags: str) -> Callable[[polib.POFile], None]:
    def change(po: polib.POFile) -> None:
        entry = po.find(msgid)
        assert entry is not None, msgid
        entry.msgstr = msgstr
        entry.flags = list(flags)

    return change


def _check(root: Path) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["check", "--root", str(root)])
    return result.exit_code, result.output


def _stats(root: Path) -> object:
    result = CliRunner().invoke(app, ["stats", "--root", str(root), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.fixture
def course(project: Project) -> Path:
    root = project(LESSONS)
    assert api.rebuild(root).exit_code == 0
    return root


def test_a_hand_translation_committed_without_update_passes_the_gate(course: Path) -> None:
    _edit(course, "m/a.po", _set(SHARED_TEXT, "Neural networks learn from data."))
    code, output = _check(course)
    assert code == 0, output  # b.po could take it from the memory: offered by update, not due
    assert "catalog-stale" not in output


def test_update_offers_the_memory_marks_it_and_is_idempotent(course: Path) -> None:
    _edit(course, "m/a.po", _set(SHARED_TEXT, "Neural networks learn from data."))
    report = api.update(course)
    assert [(f.path, f.rule) for f in report.findings] == [("locales/en/m/b.po", "memory-fill")]
    entry = polib.pofile(str(course / "locales" / "en" / "m" / "b.po")).find(SHARED_TEXT)
    assert entry is not None and entry.msgstr == "Neural networks learn from data." and not entry.fuzzy
    assert entry.tcomment == "tm: exact match from locales/en/m/a.po"  # a translator comment: GNU tools keep it
    before = _files(course)
    assert api.update(course).findings == [] and api.rebuild(course).findings == []
    assert _files(course) == before


def test_a_long_origin_wrapped_by_the_writer_reads_back_the_same(project: Project) -> None:
    deep = "chuong_mot_rat_dai/phan_hai_cung_rat_dai/bai_hoc_voi_mot_cai_ten_that_la_dai_nua.md"
    root = project({deep: f"{SHARED_TEXT}\n", "m/b.md": f"{SHARED_TEXT}\n"})
    api.rebuild(root)
    _edit(root, deep.replace(".md", ".po"), _set(SHARED_TEXT, "Neural networks learn from data."))
    api.update(root)
    text = (root / "locales" / "en" / "m" / "b.po").read_text(encoding="utf-8")
    assert "# tm: exact match from" in text
    before = _files(root)
    api.update(root)
    assert _files(root) == before
    assert _check(root)[0] == 0


def test_header_order_flags_and_comments_survive_an_update_that_changes_the_catalog(course: Path) -> None:
    def weblate(po: polib.POFile) -> None:
        po.metadata = {"Language": "en", **{k: v for k, v in po.metadata.items() if k != "Language"}}
        po.metadata["X-Generator"] = "Weblate 5.8"
        entry = po.find("Bài một")
        assert entry is not None
        entry.msgstr, entry.flags, entry.tcomment = "Lesson one", ["ignore-same", "my-tool-flag"], "checked by Ana"

    _edit(course, "m/a.po", weblate)
    order = list(polib.pofile(str(course / "locales" / "en" / "m" / "a.po")).metadata)
    (course / "content" / "m" / "a.md").write_text(LESSONS["m/a.md"] + "\nĐoạn mới.\n", encoding="utf-8")
    api.rebuild(course)
    po = polib.pofile(str(course / "locales" / "en" / "m" / "a.po"))
    assert list(po.metadata) == order
    entry = po.find("Bài một")
    assert entry is not None
    assert (entry.msgstr, entry.flags, entry.tcomment) == (
        "Lesson one",
        ["ignore-same", "my-tool-flag"],
        "checked by Ana",
    )


def test_copies_are_made_only_of_what_needs_no_translation(course: Path) -> None:
    po = polib.pofile(str(course / "locales" / "en" / "m" / "b.po"))
    copied = {e.msgid for e in po if e.msgstr}
    assert copied == {"Summary", "PyTorch"}  # "Python cho AI" is Vietnamese typed bare


def test_the_source_copied_as_its_translation_is_reported_and_not_counted(course: Path) -> None:
    before = _stats(course)
    _edit(course, "m/a.po", _set("Bài một", "Bài một"))  # an editor's "copy source" key
    code, output = _check(course)
    assert code == 1 and "locales/en/m/a.po" in output and "vietnamese-left" in output, output
    assert _stats(course) == before  # counted as untranslated, as before
    _edit(course, "m/a.po", _set("Bài một", "Bài một", "ignore-same"))  # "it is a name: keep it"
    assert _check(course)[0] == 0


def test_an_old_rules_copy_of_vietnamese_is_dropped_by_update(course: Path) -> None:
    _edit(course, "m/b.po", _set("Python cho AI", "Python cho AI", "copied"))
    assert _check(course)[0] == 1  # the Vietnamese source published as English
    api.update(course)
    entry = polib.pofile(str(course / "locales" / "en" / "m" / "b.po")).find("Python cho AI")
    assert entry is not None and entry.msgstr == "" and entry.flags == []
    assert _check(course)[0] == 0


@pytest.mark.parametrize("tool", ["msgattrib", "msgmerge"])
def test_a_tool_that_drops_the_copied_flag_changes_no_status(course: Path, tool: str) -> None:
    before = _stats(course)
    path = course / "locales" / "en" / "m" / "b.po"
    if tool == "msgattrib":
        subprocess.run(["msgattrib", "-o", str(path), str(path)], check=True)  # keeps only flags it knows
    else:
        pot = course / "locales" / "templates" / "m" / "b.pot"
        subprocess.run(["msgmerge", "--quiet", "--previous", "-o", str(path), str(path), str(pot)], check=True)
    assert ", copied" not in path.read_text(encoding="utf-8")
    assert _stats(course) == before
    code, output = _check(course)
    assert code == 0, output
    layout = path.read_bytes()
    api.update(course)
    assert path.read_bytes() == layout  # nothing to change: the tool's file is left as it is


def test_other_languages_get_only_language_neutral_copies(project: Project) -> None:
    root = project(LESSONS)
    (root / "pyproject.toml").write_text('[tool.pipeline]\nlanguages = ["en", "fr"]\n', encoding="utf-8")
    api.rebuild(root)
    po = polib.pofile(str(root / "locales" / "fr" / "m" / "b.po"))
    assert {e.msgid for e in po if e.msgstr} == {"PyTorch"}
