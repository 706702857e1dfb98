"""Cold runs do each lesson's work (parse, template, catalogs, pages) in
worker processes: same files, same findings, in the same order, as one
process."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pipeline import api, pool
from pipeline import pages as steps
from pipeline import pool as run_module

LESSON = "# Bài {n}\n\nĐoạn văn số {n} có công thức $x_{n}$ và `mã {n}`.\n\n| a | b |\n| --- | --- |\n| {n} | ô |\n"


def _course(root: Path) -> Path:
    for n in range(30):
        path = root / "content" / f"m{n % 3}" / f"bai_{n:02}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(LESSON.format(n=n), encoding="utf-8")
    # Lessons with something to say, spread among the others.
    (root / "content" / "m0" / "bai_05.md").write_text("# Bài\n\nGiá 5$ thôi.\n", encoding="utf-8")
    (root / "content" / "m1" / "bai_07.md").write_bytes(b"# B\xe0i\n")
    (root / "content" / "m2" / "bai_11.md").write_text("# Chá»§ Äá» má»›i\n", encoding="utf-8")
    return root


def _files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for folder in ("locales", "build")
        for p in (root / folder).rglob("*")
        if p.is_file()
    }


def test_workers_give_what_one_process_gives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pools: list[int] = []
    real_map = pool.ordered_map

    def counted(*args: Any) -> Any:
        pools.append(1)
        return real_map(*args)

    monkeypatch.setattr(pool, "ordered_map", counted)
    monkeypatch.setattr(run_module.os, "cpu_count", lambda: 2)
    # Same folder name: it is the catalogs' Project-Id-Version.
    serial, parallel = _course(tmp_path / "one" / "course"), tmp_path / "many" / "course"
    shutil.copytree(serial, parallel)

    monkeypatch.setattr(run_module, "PARALLEL_MIN", 10**9)
    one = api.rebuild(serial)
    assert pools == []
    monkeypatch.setattr(run_module, "PARALLEL_MIN", 2)
    many = api.rebuild(parallel)
    assert pools == [1]  # the workers did the parsing

    assert [str(f) for f in many.findings] == [str(f) for f in one.findings]
    assert {f.rule for f in one.findings} >= {"encoding", "mojibake", "unbalanced-dollar"}
    assert many.exit_code == one.exit_code == 2
    assert _files(parallel) == _files(serial)
    # A run with errors is recorded too: removing the bad lessons parses
    # nothing again, and an edit is parsed alone, in this process.
    (parallel / "content" / "m1" / "bai_07.md").unlink()
    (parallel / "content" / "m2" / "bai_11.md").unlink()
    assert api.rebuild(parallel).exit_code == 0
    assert pools == [1]
    (parallel / "content" / "m0" / "bai_00.md").write_text(LESSON.format(n=99), encoding="utf-8")
    assert api.rebuild(parallel).exit_code == 0
    assert pools == [1]


def _one_and_many(
    serial: Path, monkeypatch: pytest.MonkeyPatch, change: Callable[[Path], None] | None = None
) -> tuple[api.Report, api.Report, Path, list[str]]:
    """Rebuild ``serial`` in one process and a copy of it (same folder name)
    in workers; ``change`` is applied to both first. Also returns the pages
    this process spliced itself during the parallel run."""
    parallel = serial.parent.parent / "many" / serial.name
    shutil.copytree(serial, parallel)
    if change is not None:
        change(serial)
        change(parallel)
    spliced: list[str] = []
    real_splice = steps.splice

    def counted(doc: object, lookup: object, path: str = "<text>") -> object:
        spliced.append(path)
        return real_splice(doc, lookup, path)  # type: ignore[arg-type]

    monkeypatch.setattr(steps, "splice", counted)
    monkeypatch.setattr(run_module.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(run_module, "PARALLEL_MIN", 10**9)
    one = api.rebuild(serial)
    assert spliced, "one process splices every page"
    spliced.clear()
    monkeypatch.setattr(run_module, "PARALLEL_MIN", 2)
    many = api.rebuild(parallel)
    assert [str(f) for f in many.findings] == [str(f) for f in one.findings]
    assert many.exit_code == one.exit_code
    assert many.summary() == one.summary()
    assert many.written == one.written and many.removed == one.removed
    assert _files(parallel) == _files(serial)
    return one, many, parallel, spliced


def _translated_course(course: Path, tmp_path: Path) -> Path:
    """The embedded course (translated catalogs, shared catalog, glossary)
    with more lessons than PARALLEL_MIN asks for workers."""
    root = tmp_path / "one" / "course"
    shutil.copytree(course, root)
    return root


def test_workers_update_and_build_as_one_process(course: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Translated catalogs, translation memory, the shared catalog and the
    glossary: every catalog and page the same, built in the workers."""
    one, _, parallel, spliced = _one_and_many(_translated_course(course, tmp_path), monkeypatch)
    assert one.exit_code == 0 and one.coverage["en"].translated > 0
    assert spliced == []  # every page came from a worker
    # Then incremental runs: nothing to do, and one edit done in this process.
    assert api.rebuild(parallel).written == []
    lesson = parallel / "content" / "01_python_co_ban" / "bai_01_bien_va_kieu_du_lieu.md"
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\nMột đoạn văn mới.\n", encoding="utf-8")
    edited = api.rebuild(parallel)
    assert edited.exit_code == 0 and spliced == ["content/01_python_co_ban/bai_01_bien_va_kieu_du_lieu.md"]


def _refusals_and_broken(root: Path) -> None:
    """A refused translation, an unreadable catalog, a glossary row without
    a translation, and an edited lesson whose catalog entry goes fuzzy."""
    locales = root / "locales" / "en"
    po = locales / "02_xac_suat_thong_ke" / "bai_03_phan_phoi_chuan.po"
    text = po.read_text(encoding="utf-8")
    first = text.index('msgstr "', text.index("msgid", text.index("#:")))
    po.write_text(text[:first] + 'msgstr "<script>x</script>"' + text[text.index("\n", first) :], encoding="utf-8")
    (locales / "01_python_co_ban" / "bai_02_danh_sach_va_tu_dien.po").write_text('msgid "x\n', encoding="utf-8")
    with (locales / "glossary.csv").open("a", encoding="utf-8") as handle:
        handle.write("học sâu,\n")
    lesson = root / "content" / "03_mang_no_ron" / "bai_02_ham_kich_hoat.md"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("Hàm", "Hàm số", 1), encoding="utf-8")


def test_workers_report_as_one_process(course: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    one, _, _, spliced = _one_and_many(_translated_course(course, tmp_path), monkeypatch, _refusals_and_broken)
    rules = {f.rule for f in one.findings}
    assert {"active-content", "catalog-syntax"} <= rules
    assert one.exit_code == 2
    assert spliced == []


def _broken_shared(root: Path) -> None:
    (root / "locales" / "en" / "_shared.po").write_text('msgid "x\n', encoding="utf-8")


def test_an_unreadable_shared_catalog_is_known_before_any_page(
    course: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unreadable shared catalog: update leaves it as it is, and the
    shared table says so before any lesson, so the workers build every page
    as one process would (no page is built twice)."""
    one, _, _, spliced = _one_and_many(_translated_course(course, tmp_path), monkeypatch, _broken_shared)
    assert "catalog-syntax" in {f.rule for f in one.findings}
    assert spliced == []


def test_workers_after_a_clean_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Many lessons edited after a recorded run: catalogs unchanged since,
    read one by one in the workers, with the records' translation memory."""
    root = tmp_path / "one" / "course"
    for n in range(30):
        path = root / "content" / f"m{n % 3}" / f"bai_{n:02}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(LESSON.format(n=n), encoding="utf-8")
    assert api.rebuild(root).exit_code == 0
    po = root / "locales" / "en" / "m0" / "bai_00.po"
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr ""\n\n#', 'msgstr "Lesson 0"\n\n#', 1))
    assert api.rebuild(root).exit_code == 0

    def edit(root: Path) -> None:
        for path in sorted((root / "content").rglob("*.md")):
            path.write_text(path.read_text(encoding="utf-8") + "\nBài 0\n", encoding="utf-8")

    one, _, _, spliced = _one_and_many(root, monkeypatch, edit)
    assert one.exit_code == 0
    assert spliced == []
