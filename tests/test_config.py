"""Settings' defaults: what a project gets when pyproject.toml says nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline import api, config

LESSON = "# Bài học\n\nĐoạn văn.\n"


def _root(parent: Path, name: str, pyproject: str | None) -> Path:
    root = parent / name
    (root / "content").mkdir(parents=True)
    (root / "content" / "a.md").write_text(LESSON, encoding="utf-8")
    if pyproject is not None:
        (root / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("pyproject", "project"),
    [
        (None, "course"),
        ("[tool.pipeline]\nlanguages = ['en']\n", "course"),
        ("[project]\nname = 'hoc-may'\n", "hoc-may"),
        ("[project]\nname = 'hoc-may'\n\n[tool.pipeline]\nproject = 'Học máy'\n", "Học máy"),
        ("[project]\nversion = '1'\n", "course"),
    ],
)
def test_project_never_comes_from_the_folder_name(tmp_path: Path, pyproject: str | None, project: str) -> None:
    one = config.load(_root(tmp_path, "course-main", pyproject))
    other = config.load(_root(tmp_path / "elsewhere", "my-clone", pyproject))
    assert one.project == other.project == project


def test_a_clone_under_another_name_is_not_stale(tmp_path: Path) -> None:
    root = _root(tmp_path, "course-main", None)
    api.rebuild(root)
    clone = tmp_path / "my-clone"
    shutil.copytree(root / "content", clone / "content")
    shutil.copytree(root / "locales", clone / "locales")
    assert api.check(clone).findings == []
    assert (clone / "locales" / "en" / "a.po").read_bytes() == (root / "locales" / "en" / "a.po").read_bytes()


def test_every_translation_is_shown_by_default(tmp_path: Path) -> None:
    assert config.load(_root(tmp_path, "x", None)).min_lesson_coverage == 0
