"""Shared fixtures: scratch projects, the embedded course, gettext."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import polib
import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _fixed_dates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01 00:00 UTC


@pytest.fixture
def project(tmp_path: Path) -> Callable[[dict[str, str]], Path]:
    """A scratch root whose content/ holds the given lessons."""

    def make(lessons: dict[str, str]) -> Path:
        for rel, text in lessons.items():
            path = tmp_path / "content" / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text.encode("utf-8"))
        return tmp_path

    return make


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """A copy of the embedded course (content, catalogs, settings)."""
    root = tmp_path / "course"
    root.mkdir()
    shutil.copytree(REPO / "content", root / "content")
    if (REPO / "locales").exists():
        shutil.copytree(REPO / "locales", root / "locales")
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    return root


def msgfmt_check(path: Path) -> str:
    """GNU msgfmt's verdict on a catalog: empty when it is accepted."""
    proc = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True, check=False
    )
    return "" if proc.returncode == 0 else proc.stderr or f"exit {proc.returncode}"


def set_translations(root: Path, rel: str, mapping: dict[str, str]) -> None:
    """A translator's save of ``locales/en/<rel>``: msgstrs set by msgid."""
    path = root / "locales" / "en" / rel
    po = polib.pofile(str(path))
    for entry in po:
        if entry.msgid in mapping:
            entry.msgstr = mapping[entry.msgid]
    po.save()


def msgid_line(path: Path, msgid: str, msgctxt: str | None = None) -> int:
    """The line of an active entry's ``msgid`` keyword in a catalog: where
    translation findings name the entry (polib's linenum is its first line)."""
    entry = polib.pofile(str(path)).find(msgid, msgctxt=msgctxt)
    assert entry is not None, msgid
    lines = path.read_text(encoding="utf-8").split("\n")
    return next(n for n in range(entry.linenum, len(lines) + 1) if lines[n - 1].startswith('msgid "'))
