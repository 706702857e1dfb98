"""Translation memory on update: one test per rule."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polib
import pytest

from pipeline import api

Project = Callable[[dict[str, str]], Path]


def _po(root: Path, rel: str) -> polib.POFile:
    return polib.pofile(str(root / "locales" / "en" / rel))


def _translate(root: Path, rel: str, mapping: dict[str, str]) -> None:
    po = _po(root, rel)
    for entry in po:
        if entry.msgid in mapping:
            entry.msgstr = mapping[entry.msgid]
            entry.flags = []
    po.save()


def _entry(root: Path, rel: str, msgid: str) -> polib.POEntry:
    entry = _po(root, rel).find(msgid)
    assert entry is not None, msgid
    return entry


def test_exact_match_from_another_lesson_is_translated(project: Project) -> None:
    root = project({"m/a.md": "Mạng nơ-ron học từ dữ liệu.\n"})
    api.rebuild(root)
    _translate(root, "m/a.po", {"Mạng nơ-ron học từ dữ liệu.": "Neural networks learn from data."})
    (root / "content" / "m" / "b.md").write_text("# Bài mới\n\nMạng nơ-ron học từ dữ liệu.\n", encoding="utf-8")
    api.rebuild(root)
    entry = _entry(root, "m/b.po", "Mạng nơ-ron học từ dữ liệu.")
    assert entry.msgstr == "Neural networks learn from data." and not entry.fuzzy
    assert _entry(root, "m/b.po", "Bài mới").msgstr == ""


def test_close_match_is_fuzzy_and_names_its_source(project: Project) -> None:
    root = project({"m/a.md": "Hàm mất mát đo sai số giữa dự đoán và nhãn thật của dữ liệu.\n"})
    api.rebuild(root)
    _translate(
        root,
        "m/a.po",
        {"Hàm mất mát đo sai số giữa dự đoán và nhãn thật của dữ liệu.": "The loss measures the error."},
    )
    other = "Hàm mất mát đo sai số giữa dự đoán và nhãn thật của dữ liệu!\n"
    (root / "content" / "m" / "b.md").write_text(other, encoding="utf-8")
    api.rebuild(root)
    entry = _entry(root, "m/b.po", other.strip())
    assert entry.fuzzy and entry.msgstr == "The loss measures the error."
    assert "tm: 98% match from locales/en/m/a.po" in entry.tcomment  # a translator comment: GNU tools keep it
    assert entry.previous_msgid == "Hàm mất mát đo sai số giữa dự đoán và nhãn thật của dữ liệu."
    # unchanged on the next run (the comment stays while the entry is fuzzy)
    before = (root / "locales" / "en" / "m" / "b.po").read_bytes()
    api.rebuild(root)
    assert (root / "locales" / "en" / "m" / "b.po").read_bytes() == before


def test_close_match_threshold_is_configurable(project: Project) -> None:
    root = project({"m/a.md": "Hàm mất mát đo sai số của dự đoán.\n"})
    (root / "pyproject.toml").write_text("[tool.pipeline]\ntm_threshold = 99.5\n", encoding="utf-8")
    api.rebuild(root)
    _translate(root, "m/a.po", {"Hàm mất mát đo sai số của dự đoán.": "The loss measures the error."})
    (root / "content" / "m" / "b.md").write_text("Hàm mất mát đo sai số của dự đoán!\n", encoding="utf-8")
    api.rebuild(root)
    assert _entry(root, "m/b.po", "Hàm mất mát đo sai số của dự đoán!").msgstr == ""


def test_paragraph_moved_to_another_lesson_keeps_its_translation(project: Project) -> None:
    moving = "Đoạn văn này sẽ chuyển sang bài khác."
    root = project({"m/a.md": f"# Bài A\n\n{moving}\n", "m/b.md": "# Bài B\n"})
    api.rebuild(root)
    _translate(root, "m/a.po", {moving: "This paragraph will move to another lesson."})
    (root / "content" / "m" / "a.md").write_text("# Bài A\n", encoding="utf-8")
    (root / "content" / "m" / "b.md").write_text(f"# Bài B\n\n{moving}\n", encoding="utf-8")
    api.rebuild(root)
    entry = _entry(root, "m/b.po", moving)
    assert entry.msgstr == "This paragraph will move to another lesson." and not entry.fuzzy
    assert [e.msgid for e in _po(root, "m/a.po") if e.obsolete] == [moving]  # still kept where it was
    assert "another lesson" in (root / "build" / "en" / "m" / "b.md").read_text(encoding="utf-8")


def test_renamed_lesson_keeps_its_catalog(project: Project) -> None:
    text = "# Định lý Bayes\n\nXác suất hậu nghiệm.\n\nXác suất tiên nghiệm.\n"
    root = project({"m/bayes.md": text})
    api.rebuild(root)
    _translate(root, "m/bayes.po", {"Định lý Bayes": "Bayes' theorem", "Xác suất hậu nghiệm.": "Posterior."})
    po = _po(root, "m/bayes.po")
    po.metadata["Last-Translator"] = "Lan <lan@example.org>"
    po.save()
    (root / "content" / "m" / "bayes.md").rename(root / "content" / "m" / "dinh_ly_bayes.md")
    report = api.rebuild(root)
    assert not (root / "locales" / "en" / "m" / "bayes.po").exists()
    moved = _po(root, "m/dinh_ly_bayes.po")
    assert moved.metadata["Last-Translator"] == "Lan <lan@example.org>"
    assert {e.msgid: e.msgstr for e in moved} == {
        "Định lý Bayes": "Bayes' theorem",
        "Xác suất hậu nghiệm.": "Posterior.",
        "Xác suất tiên nghiệm.": "",
    }
    assert moved.find("Định lý Bayes").occurrences == [("m/dinh_ly_bayes.md", "")]  # type: ignore[union-attr]
    assert [(f.rule, f.message) for f in report.findings] == [
        ("renamed", "lesson renamed: catalog migrated from locales/en/m/bayes.po")
    ]


def test_new_lesson_with_other_text_does_not_take_an_orphan(project: Project) -> None:
    root = project({"m/a.md": "# Bài cũ\n\nNội dung cũ.\n"})
    api.rebuild(root)
    _translate(root, "m/a.po", {"Bài cũ": "Old lesson"})
    (root / "content" / "m" / "a.md").unlink()
    (root / "content" / "m" / "b.md").write_text("# Bài hoàn toàn khác\n\nNội dung mới hẳn.\n", encoding="utf-8")
    report = api.rebuild(root)
    assert (root / "locales" / "en" / "m" / "a.po").exists()
    assert [f.rule for f in report.findings] == ["orphan-catalog"]


@pytest.mark.parametrize("text", ["GitHub Copilot", "LoRA: Low-Rank Adaptation", "Scikit-learn **0.24**"])
def test_already_english_is_copied_with_its_own_flag(project: Project, text: str) -> None:
    root = project({"m/a.md": f"# Bài học\n\n{text}\n"})
    report = api.rebuild(root)
    entry = _entry(root, "m/a.po", text)
    assert entry.msgstr == text and entry.flags == ["copied"] and not entry.fuzzy
    assert report.coverage["en"].copied == 1
    assert _entry(root, "m/a.po", "Bài học").msgstr == ""


@pytest.mark.parametrize("text", ["Xin chào", "Mô hình GPT", "Đúng", "dữ liệu", "Tin hoc ứng dụng"])
def test_vietnamese_is_never_prefilled_from_the_source(project: Project, text: str) -> None:
    root = project({"m/a.md": f"{text}\n"})
    api.rebuild(root)
    entry = _entry(root, "m/a.po", text)
    assert entry.msgstr == "" and not entry.flags


def test_copied_entry_edited_by_a_translator_loses_the_flag(project: Project) -> None:
    root = project({"m/a.md": "Machine Learning\n\nĐoạn một.\n"})
    api.rebuild(root)
    _translate(root, "m/a.po", {"Machine Learning": "Machine learning (ML)"})
    (root / "content" / "m" / "a.md").write_text("Machine Learning\n\nĐoạn hai.\n", encoding="utf-8")
    api.rebuild(root)
    entry = _entry(root, "m/a.po", "Machine Learning")
    assert entry.msgstr == "Machine learning (ML)" and entry.flags == []
