"""The no-op fast path: nothing parsed when nothing changed; never trusted over the files."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline import api, lessons, segments

Project = Callable[[dict[str, str]], Path]
LESSON = "# Bài\n\nĐoạn một.\n\n```\nmã không đóng\n"


def _no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed although nothing changed")

    monkeypatch.setattr(segments, "segment", fail)
    monkeypatch.setattr(lessons, "segment", fail)


def test_nothing_changed_parses_nothing_and_replays_figures(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    root = project({"a.md": LESSON})
    first = api.rebuild(root)
    _no_parsing(monkeypatch)
    second = api.rebuild(root)
    assert first.written and second.written == []
    assert second.summary() == re.sub(r"\d+ files changed$", "nothing changed", first.summary())
    assert [str(f) for f in second.findings] == [str(f) for f in first.findings]  # warnings stay visible


@pytest.mark.parametrize(
    "change",
    [
        lambda r: (r / "content" / "a.md").write_text(LESSON + "\nThêm.\n", encoding="utf-8"),
        lambda r: (r / "content" / "b.md").write_text("# Mới\n", encoding="utf-8"),
        lambda r: (r / "locales" / "en" / "a.po").write_text(
            (r / "locales" / "en" / "a.po").read_text(encoding="utf-8").replace('msgstr ""\n\n#', 'msgstr "X"\n\n#', 1),
            encoding="utf-8",
        ),
        lambda r: (r / "build" / "en" / "a.md").unlink(),
        lambda r: (r / "pyproject.toml").write_text("[tool.pipeline]\nline_numbers = true\n", encoding="utf-8"),
        lambda r: (r / ".pipeline-cache" / "state.json").write_text("{not json", encoding="utf-8"),
    ],
    ids=["lesson-edited", "lesson-added", "catalog-edited", "output-deleted", "settings", "corrupt-state"],
)
def test_any_change_means_a_full_run(
    project: Project, change: Callable[[Path], object], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project({"a.md": LESSON})
    api.rebuild(root)
    change(root)
    calls = []
    real = lessons.segment
    monkeypatch.setattr(lessons, "segment", lambda *a, **k: calls.append(a) or real(*a, **k))
    api.rebuild(root)
    assert calls, "the lessons were not parsed again"
    assert (root / "build" / "en" / "a.md").is_file()


def test_cache_is_safe_to_delete(project: Project) -> None:
    root = project({"a.md": LESSON})
    api.rebuild(root)
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and ".pipeline-cache" not in p.parts}
    for path in (root / ".pipeline-cache").iterdir():
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    report = api.rebuild(root)  # a full run: nothing to replay
    assert (root / ".pipeline-cache" / "state.json").is_file()
    after = {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and ".pipeline-cache" not in p.parts}
    assert after == before and report.written == []


def test_records_from_another_run_are_not_used(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    """state.json names its records.json by hash: records left by another
    run (one killed between the two writes) are ignored, and every lesson is
    parsed again rather than replayed from them."""
    root = project({"a.md": LESSON, "b.md": "# Bài hai\n\nMột câu.\n"})
    api.rebuild(root)
    cache = root / ".pipeline-cache"
    stale = (cache / "records.json").read_bytes()
    (root / "content" / "b.md").write_text("# Bài hai\n\nMột câu.\n\nHai câu.\n", encoding="utf-8")
    entries = api.rebuild(root).entries
    assert (cache / "records.json").read_bytes() != stale
    (cache / "records.json").write_bytes(stale)
    (root / "content" / "a.md").write_text(LESSON + "\nThêm.\n", encoding="utf-8")
    parsed: list[str] = []
    real = lessons.segment
    monkeypatch.setattr(lessons, "segment", lambda text, *a, **k: parsed.append(text) or real(text, *a, **k))
    report = api.rebuild(root)
    assert len(parsed) == 2, "b.md was replayed from records another run left"
    assert report.entries == entries  # b.md counted from itself (a.md grew inside its open fence)
    assert "Hai câu." in (root / "build" / "en" / "b.md").read_text(encoding="utf-8")


NAV = "<!-- Aero-Navigation-Start -->\n- [Mục lục](index.md)\n<!-- Aero-Navigation-End -->\n"


def test_one_edit_reads_no_shared_catalog_until_it_changes(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    """The shared catalog lists every lesson: an edit to one lesson takes its
    translations from the records; a translator's change to it is read."""
    from pipeline import po

    root = project({"a.md": "# Bài\n\n" + NAV, "b.md": "# Bài hai\n\n" + NAV})
    api.rebuild(root)
    shared = root / "locales" / "en" / "_shared.po"
    text = shared.read_text(encoding="utf-8")
    assert text.endswith('msgid "[Mục lục](index.md)"\nmsgstr ""\n')
    shared.write_text(text.removesuffix('msgstr ""\n') + 'msgstr "[Contents](index.md)"\n', encoding="utf-8")
    assert "Contents" in shared.read_text(encoding="utf-8")
    read: list[str] = []
    real = po.loads
    monkeypatch.setattr(po, "loads", lambda text, name, *a, **k: read.append(name) or real(text, name, *a, **k))
    api.rebuild(root)
    assert any(n.endswith("_shared.po") for n in read)
    assert "Contents" in (root / "build" / "en" / "b.md").read_text(encoding="utf-8")
    read.clear()
    (root / "content" / "a.md").write_text("# Bài một\n\n" + NAV, encoding="utf-8")
    api.rebuild(root)
    assert read and not any(n.endswith("_shared.po") for n in read)
    assert "Contents" in (root / "build" / "en" / "a.md").read_text(encoding="utf-8")


def test_a_run_with_unusable_input_is_recorded_too(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    """An unreadable lesson (exit 2) does not make every later rebuild cold:
    nothing changed replays the same error without parsing; once the lesson
    is fixed, only it is parsed."""
    root = project({"a.md": LESSON, "b.md": "# Bài hai\n\nMột câu.\n"})
    (root / "content" / "b.md").write_bytes(b"# B\xe0i hai\n")
    first = api.rebuild(root)
    assert first.exit_code == 2 and [f.rule for f in first.findings if f.severity == "error"] == ["encoding"]
    real = lessons.segment
    monkeypatch.setattr(lessons, "segment", lambda *a, **k: pytest.fail("parsed although nothing changed"))
    again = api.rebuild(root)
    assert again.exit_code == 2 and [str(f) for f in again.findings] == [str(f) for f in first.findings]
    parsed: list[str] = []
    monkeypatch.setattr(lessons, "segment", lambda text, *a, **k: parsed.append(text) or real(text, *a, **k))
    (root / "content" / "b.md").write_text("# Bài hai\n\nMột câu.\n", encoding="utf-8")
    fixed = api.rebuild(root)
    assert fixed.exit_code == 0 and parsed == ["# Bài hai\n\nMột câu.\n"]
    scratch = root.parent / "scratch" / root.name  # the same name: it is the catalogs' Project-Id-Version
    shutil.copytree(root, scratch, ignore=shutil.ignore_patterns(".pipeline-cache", "locales", "build"))
    monkeypatch.setattr(lessons, "segment", real)
    assert api.rebuild(scratch).exit_code == 0

    def files(r: Path) -> dict[str, bytes]:
        found = (p for p in r.rglob("*") if p.is_file() and ".pipeline-cache" not in p.parts)
        return {p.relative_to(r).as_posix(): p.read_bytes() for p in found}

    assert files(root) == files(scratch)


def test_a_no_op_hashes_only_the_files_whose_stat_changed(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    """As git's index: a file whose size, mtime, ctime and inode are as
    recorded is not read; one touched is read (and found unchanged); one
    rewritten with its old size and mtime put back is seen by its ctime."""
    import os
    import time

    from pipeline import cache

    root = project({"a.md": LESSON, "b.md": "# Bài hai\n\nMột câu.\n"})
    api.rebuild(root)
    time.sleep(2 * cache.RACY_NS / 1e9)  # what was written just before a record is hashed once more
    api.rebuild(root)
    hashed: list[str] = []
    real = cache._hash
    monkeypatch.setattr(cache, "_hash", lambda path: hashed.append(path) or real(path))
    assert api.rebuild(root).written == [] and hashed == []
    lesson = root / "content" / "b.md"
    os.utime(lesson)  # touched, same bytes
    assert api.rebuild(root).written == []
    assert [os.path.basename(p) for p in hashed] == ["b.md"]
    hashed.clear()
    st = lesson.stat()
    lesson.write_text("# Bài hai\n\nMột cây.\n", encoding="utf-8")  # same size
    os.utime(lesson, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert lesson.stat().st_size == st.st_size and lesson.stat().st_mtime_ns == st.st_mtime_ns
    report = api.rebuild(root)
    assert "build/en/b.md" in report.written
    assert "Một cây." in (root / "build" / "en" / "b.md").read_text(encoding="utf-8")
