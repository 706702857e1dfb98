"""No lost work: whatever happens to the lessons, every translation survives.

Random sequences of edits across several lessons (insert, delete, edit a
word, edit whitespace, reorder, move a paragraph to another lesson, rename a
lesson, delete a lesson and restore it); after every `update`, each
translation ever made is still in the catalogs: active, fuzzy with its old
msgid in `#|`, or obsolete (`#~`).
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import polib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import api

WORDS = [
    "mô",
    "hình",
    "học",
    "dữ",
    "liệu",
    "mạng",
    "nơ-ron",
    "hàm",
    "mất",
    "mát",
    "xác",
    "suất",
    "biến",
    "cố",
    "trung",
    "bình",
    "phương",
    "sai",
    "đạo",
    "hàm",
]
sentence = st.lists(st.sampled_from(WORDS), min_size=3, max_size=9).map(lambda w: " ".join(w).capitalize() + ".")


@dataclass
class Course:
    lessons: dict[str, list[str]]
    deleted: dict[str, list[str]] = field(default_factory=dict)
    renames: int = 0


OPS = ["insert", "delete", "edit_word", "whitespace", "reorder", "move", "rename", "drop_lesson", "restore_lesson"]


def apply(course: Course, op: str, data: st.DataObject) -> None:
    names = sorted(course.lessons)
    name = data.draw(st.sampled_from(names))
    blocks = course.lessons[name]
    if op == "insert":
        blocks.insert(data.draw(st.integers(0, len(blocks))), data.draw(sentence))
    elif op == "delete" and blocks:
        blocks.pop(data.draw(st.integers(0, len(blocks) - 1)))
    elif op == "edit_word" and blocks:
        i = data.draw(st.integers(0, len(blocks) - 1))
        words = blocks[i].split(" ")
        words[data.draw(st.integers(0, len(words) - 1))] = data.draw(st.sampled_from(WORDS))
        blocks[i] = " ".join(words)
    elif op == "whitespace" and blocks:
        i = data.draw(st.integers(0, len(blocks) - 1))
        blocks[i] = blocks[i].replace(" ", data.draw(st.sampled_from(["\n", "  "])), 1)
    elif op == "reorder" and len(blocks) > 1:
        i, j = data.draw(st.permutations(range(len(blocks))))[:2]
        blocks[i], blocks[j] = blocks[j], blocks[i]
    elif op == "move" and blocks and len(names) > 1:
        other = data.draw(st.sampled_from([n for n in names if n != name]))
        paragraph = blocks.pop(data.draw(st.integers(0, len(blocks) - 1)))
        target = course.lessons[other]
        target.insert(data.draw(st.integers(0, len(target))), paragraph)
    elif op == "rename":
        course.renames += 1
        course.lessons[f"m/doi_ten_{course.renames}.md"] = course.lessons.pop(name)
    elif op == "drop_lesson" and len(names) > 1:
        course.deleted[name] = course.lessons.pop(name)
    elif op == "restore_lesson" and course.deleted:
        back = data.draw(st.sampled_from(sorted(course.deleted)))
        course.lessons[back] = course.deleted.pop(back)


def write(root: Path, course: Course) -> None:
    shutil.rmtree(root / "content", ignore_errors=True)
    for name, blocks in course.lessons.items():
        path = root / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n\n".join(blocks) + "\n" if blocks else "", encoding="utf-8")


def translate_new(root: Path, ever: set[str]) -> None:
    """A translator fills every empty entry with a translation of its own."""
    for path in sorted((root / "locales" / "en").rglob("*.po")):
        po = polib.pofile(str(path))
        changed = False
        for entry in po:
            if not entry.obsolete and not entry.msgstr:
                entry.msgstr = f"T{len(ever)}"
                ever.add(entry.msgstr)
                changed = True
        if changed:
            po.save()


def surviving(root: Path) -> set[str]:
    found: set[str] = set()
    for path in (root / "locales" / "en").rglob("*.po"):
        for entry in polib.pofile(str(path)):
            found.add(entry.msgstr)
            if entry.fuzzy and not entry.obsolete:
                assert entry.previous_msgid or "tm: " in entry.comment, entry
    return found


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.lists(sentence, min_size=1, max_size=4), min_size=2, max_size=3),
    st.lists(st.sampled_from(OPS), min_size=1, max_size=6),
    st.data(),
)
def test_no_translation_is_ever_lost(start: list[list[str]], ops: list[str], data: st.DataObject) -> None:
    course = Course({f"m/bai_{i}.md": blocks for i, blocks in enumerate(start)})
    ever: set[str] = set()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        write(root, course)
        api.extract(root)
        api.update(root)
        translate_new(root, ever)
        for op in ops:
            apply(course, op, data)
            write(root, course)
            assert api.extract(root).exit_code == 0
            assert api.update(root).exit_code == 0
            missing = ever - surviving(root)
            assert not missing, f"lost after {op}: {sorted(missing)}"
            translate_new(root, ever)


def test_purge_is_the_only_way_to_drop_work(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "a.md").write_text("Một.\n\nHai.\n", encoding="utf-8")
    api.rebuild(tmp_path)
    translate_new(tmp_path, ever := set())
    (tmp_path / "content" / "a.md").write_text("Một.\n", encoding="utf-8")
    api.extract(tmp_path)
    api.update(tmp_path)
    assert surviving(tmp_path) >= ever == {"T0", "T1"}  # "Hai." is Vietnamese: never copied, translated
    api.update(tmp_path, purge=True)
    assert "T1" not in surviving(tmp_path) and "T0" in surviving(tmp_path)
