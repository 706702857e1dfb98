"""Lessons not fully translated say so, and how much; below min_lesson_coverage
(none by default) they show the source."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polib

from pipeline import api

Project = Callable[[dict[str, str]], Path]
# Front matter that is not translated (a layout); a title is (the last test).
LESSON = "---\nlayout: bai\n---\n# Một\n\nĐoạn hai.\n\nĐoạn ba.\n\nĐoạn bốn.\n"


def _translate(root: Path, mapping: dict[str, str]) -> None:
    po = polib.pofile(str(root / "locales" / "en" / "a.po"))
    for msgid, msgstr in mapping.items():
        po.find(msgid).msgstr = msgstr  # type: ignore[union-attr]
    po.save()


def _built(root: Path) -> str:
    api.rebuild(root)
    return (root / "build" / "en" / "a.md").read_text(encoding="utf-8")


def test_complete_lesson_has_no_notice(project: Project) -> None:
    root = project({"a.md": LESSON})
    api.rebuild(root)
    _translate(root, {"Một": "One", "Đoạn hai.": "Two.", "Đoạn ba.": "Three.", "Đoạn bốn.": "Four."})
    assert _built(root) == "---\nlayout: bai\n---\n# One\n\nTwo.\n\nThree.\n\nFour.\n"


def test_partly_translated_lesson_says_so_below_its_front_matter(project: Project) -> None:
    root = project({"a.md": LESSON})
    api.rebuild(root)
    _translate(root, {"Một": "One", "Đoạn hai.": "Two.", "Đoạn ba.": "Three."})
    assert _built(root) == (
        "---\nlayout: bai\n---\n"
        "> ⚠️ This lesson is 75% translated; the rest is shown in Vietnamese.\n\n"
        "# One\n\nTwo.\n\nThree.\n\nĐoạn bốn.\n"
    )


def test_every_translation_is_shown_by_default(project: Project) -> None:
    root = project({"a.md": LESSON})
    api.rebuild(root)
    _translate(root, {"Một": "One"})
    assert _built(root) == (
        "---\nlayout: bai\n---\n> ⚠️ This lesson is 25% translated; the rest is shown in Vietnamese.\n\n"
        "# One\n\nĐoạn hai.\n\nĐoạn ba.\n\nĐoạn bốn.\n"
    )


def test_an_untranslated_lesson_says_so(project: Project) -> None:
    root = project({"a.md": LESSON})
    assert _built(root) == (
        "---\nlayout: bai\n---\n> ⚠️ This lesson is not translated yet; it is shown in Vietnamese.\n\n"
        "# Một\n\nĐoạn hai.\n\nĐoạn ba.\n\nĐoạn bốn.\n"
    )


def test_a_sliver_is_never_0_percent(project: Project) -> None:
    root = project({"a.md": "# Một\n\n" + "".join(f"Đoạn số {n}.\n\n" for n in range(200))})
    api.rebuild(root)
    _translate(root, {"Một": "One"})  # 1 of 201: 0.5%
    assert "> ⚠️ This lesson is 1% translated; the rest is shown in Vietnamese." in _built(root)


def test_below_the_threshold_the_whole_source_is_shown(project: Project) -> None:
    root = project({"a.md": LESSON})
    (root / "pyproject.toml").write_text("[tool.pipeline]\nmin_lesson_coverage = 50\n", encoding="utf-8")
    api.rebuild(root)
    _translate(root, {"Một": "One"})  # 25% < 50%
    assert _built(root) == (
        "---\nlayout: bai\n---\n> ⚠️ This lesson is only 25% translated; it is shown in Vietnamese.\n\n"
        "# Một\n\nĐoạn hai.\n\nĐoạn ba.\n\nĐoạn bốn.\n"
    )


def test_notices_and_threshold_are_configurable(project: Project) -> None:
    root = project({"a.md": LESSON})
    (root / "pyproject.toml").write_text(
        '[tool.pipeline]\nmin_lesson_coverage = 20\n\n[tool.pipeline.notices.en]\npartial = "> Draft."\n',
        encoding="utf-8",
    )
    api.rebuild(root)
    _translate(root, {"Một": "One"})
    assert _built(root) == "---\nlayout: bai\n---\n> Draft.\n\n# One\n\nĐoạn hai.\n\nĐoạn ba.\n\nĐoạn bốn.\n"
    (root / "pyproject.toml").write_text(
        '[tool.pipeline]\nmin_lesson_coverage = 50\n\n[tool.pipeline.notices.en]\npartial = ""\nsource = ""\n',
        encoding="utf-8",
    )
    assert _built(root) == LESSON  # notices off: the source as it is, below 50%


def test_a_set_notice_may_say_how_much(project: Project) -> None:
    root = project({"a.md": LESSON})
    (root / "pyproject.toml").write_text(
        '[tool.pipeline.notices.en]\npartial = "> {percent}% done."\nsource = "> Nothing yet ({percent}%)."\n',
        encoding="utf-8",
    )
    assert _built(root).startswith("---\nlayout: bai\n---\n> Nothing yet (0%).\n\n# Một\n")
    _translate(root, {"Một": "One", "Đoạn hai.": "Two."})
    assert _built(root).startswith("---\nlayout: bai\n---\n> 50% done.\n\n# One\n")


def test_a_translated_title_keeps_the_notice_below_the_front_matter(project: Project) -> None:
    root = project({"a.md": "---\ntitle: Bài\n---\n# Một\n\nĐoạn hai.\n"})
    api.rebuild(root)
    _translate(root, {"Bài": "A much longer lesson title"})
    api.build(root)
    assert _built(root) == (
        "---\ntitle: A much longer lesson title\n---\n"
        "> ⚠️ This lesson is 33% translated; the rest is shown in Vietnamese.\n\n# Một\n\nĐoạn hai.\n"
    )
