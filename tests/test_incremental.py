"""An incremental rebuild gives what a rebuild from scratch gives, byte for byte."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline import api


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for folder in ("locales", "build")
        for p in sorted((root / folder).rglob("*"))
        if p.is_file()
    }


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


M2 = "content/02_xac_suat_thong_ke"
EDITS: dict[str, Callable[[Path], None]] = {
    "paragraph": lambda r: _edit(
        r / M2 / "bai_04_dinh_ly_bayes.md", "Giả sử một xét nghiệm", "Giả sử rằng một xét nghiệm"
    ),
    "navigation": lambda r: _edit(r / M2 / "bai_01_bien_co_va_xac_suat.md", "Điều hướng nhanh", "Điều hướng"),
    "translation": lambda r: _edit(
        r / "locales/en/02_xac_suat_thong_ke/bai_04_dinh_ly_bayes.po", 'msgstr "Bayes\' theorem"', 'msgstr "Bayes rule"'
    ),
    "shared-translation": lambda r: _edit(r / "locales/en/_shared.po", "Quick navigation", "Navigation"),
    "lesson-removed": lambda r: (r / M2 / "bai_03_phan_phoi_chuan.md").unlink(),
    "lesson-added": lambda r: (r / M2 / "bai_05_moi.md").write_text("# Bài mới\n\nMột đoạn mới.\n", encoding="utf-8"),
    "lesson-renamed": lambda r: (r / M2 / "bai_04_dinh_ly_bayes.md").rename(r / M2 / "bai_04_bayes.md"),
    "glossary": lambda r: (r / "locales/en/glossary.csv").write_text("term,translation\nđịnh lý,theorem\n"),
    "output-edited": lambda r: _edit(r / "build/en/index.md", "#", "##"),
    "source-copy-edited": lambda r: _edit(r / "build/vi/index.md", "#", "##"),
}


def _edit_then_compare(course: Path, tmp_path: Path, name: str) -> None:
    """Apply an edit, then rebuild incrementally and from scratch: the same files, findings and figures."""
    EDITS[name](course)
    scratch = tmp_path / "scratch"
    shutil.copytree(course, scratch, ignore=shutil.ignore_patterns(".pipeline-cache"))
    incremental = api.rebuild(course)
    full = api.rebuild(scratch)
    assert _tree(course) == _tree(scratch)
    assert [str(f) for f in incremental.findings] == [str(f) for f in full.findings]
    assert incremental.exit_code == full.exit_code
    assert incremental.coverage == full.coverage and incremental.entries == full.entries


@pytest.mark.parametrize("name", sorted(EDITS))
def test_incremental_equals_scratch(course: Path, tmp_path: Path, name: str) -> None:
    api.rebuild(course)  # leaves the records an incremental run uses
    _edit_then_compare(course, tmp_path, name)


# A translation the build refuses: in a lesson's catalog, or in the shared one
# (named at the shared catalog's line, which edits elsewhere may move).
REFUSALS = {
    "lesson": (
        "locales/en/02_xac_suat_thong_ke/bai_04_dinh_ly_bayes.po",
        "Normalizing constant, summed over the two cases: $A$",
        "Normalizing constant, summed over the two cases: A",
    ),
    "shared": ("locales/en/_shared.po", "[🏠 Course portal](../index.md)", "[🏠 Course portal](../home.md)"),
}


@pytest.mark.parametrize("refused", sorted(REFUSALS))
@pytest.mark.parametrize("name", sorted(EDITS))
def test_incremental_equals_scratch_after_a_refused_translation(
    course: Path, tmp_path: Path, name: str, refused: str
) -> None:
    """A run that exits 1 (a translation refused at build) records its state
    too; the next run replays the refusal and still equals a scratch run."""
    catalog, old, new = REFUSALS[refused]
    _edit(course / catalog, old, new)
    first = api.rebuild(course)
    assert first.exit_code == 1
    assert (course / ".pipeline-cache" / "state.json").is_file()
    again = api.rebuild(course)  # nothing changed: replayed, refusal included
    assert again.exit_code == 1 and not again.written
    assert [str(f) for f in again.findings] == [str(f) for f in first.findings]
    assert any(f.path == catalog and f.line for f in first.findings if f.rule == "protected-span")
    _edit_then_compare(course, tmp_path, name)
