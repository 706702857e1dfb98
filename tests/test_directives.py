"""Directives in the source: skip, context, note — through catalogs and build."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polib

from pipeline import api
from tests.conftest import msgfmt_check

Project = Callable[[dict[str, str]], Path]
LESSON = """# Bài

<!-- i18n: skip -->
Tên riêng không dịch.

<!-- i18n: context nút bấm -->
<!-- i18n: note Ngắn gọn -->
Mở

Mở
"""


def test_context_and_notes_reach_the_catalog_and_the_build(project: Project) -> None:
    root = project({"a.md": LESSON})
    api.rebuild(root)
    po = polib.pofile(str(root / "locales" / "en" / "a.po"))
    assert [(e.msgctxt, e.msgid, e.comment) for e in po] == [
        (None, "Bài", "heading 1"),
        ("nút bấm", "Mở", "paragraph\nNgắn gọn"),
        (None, "Mở", "paragraph"),
    ]
    assert msgfmt_check(root / "locales" / "en" / "a.po") == ""
    po.find("Mở", msgctxt="nút bấm").msgstr = "Open"  # type: ignore[union-attr]
    po.find("Mở").msgstr = "Opened"  # type: ignore[union-attr]
    po.find("Bài").msgstr = "Lesson"  # type: ignore[union-attr]
    po.save()
    api.build(root)
    built = (root / "build" / "en" / "a.md").read_text(encoding="utf-8")
    assert built == LESSON.replace("\nMở\n\nMở\n", "\nOpen\n\nOpened\n").replace("# Bài", "# Lesson")
    assert "<!-- i18n: skip -->\nTên riêng không dịch." in built  # comments keep their place
