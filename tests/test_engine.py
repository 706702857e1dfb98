"""The engine: work proportional to what changed, a translator's save never
lost, I/O faults reported as findings, a cache of another version ignored."""

from __future__ import annotations

import errno
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline import api, cache, catalog, files, job
from pipeline import po as po_io

from .test_incremental import _tree

M2 = "02_xac_suat_thong_ke"
LESSON = f"{M2}/bai_04_dinh_ly_bayes.md"
OTHER = "01_python_co_ban/bai_01_bien_va_kieu_du_lieu.md"


def _jobs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The lessons whose job runs (in this process: too few for workers)."""
    calls: list[str] = []
    real = job.run_lesson

    def counted(lesson: str, ctx: job.Context) -> job.LessonResult:
        calls.append(lesson)
        return real(lesson, ctx)

    monkeypatch.setattr("pipeline.engine.run_lesson", counted)
    return calls


def _scratch(root: Path, tmp_path: Path) -> dict[str, bytes]:
    scratch = tmp_path / "scratch" / root.name  # the same name: it is the catalogs' Project-Id-Version
    shutil.copytree(root, scratch, ignore=shutil.ignore_patterns(".pipeline-cache"))
    api.rebuild(scratch)
    return _tree(scratch)


def _first_untranslated(po_path: Path) -> tuple[str, str]:
    """A fresh catalog's first entry, and the catalog text with it translated."""
    text = po_path.read_text(encoding="utf-8")
    at = text.index('msgstr ""\n', text.index("#:"))
    msgid = po_io.loads(text, "x").entries[0].msgid
    return msgid, text[:at] + 'msgstr "Translated here."\n' + text[at + len('msgstr ""\n') :]


# -- proportional work ---------------------------------------------------------


def test_one_entry_translated_redoes_its_lesson_alone(
    project: Callable[[dict[str, str]], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project({f"b{n}.md": f"# Bài {n}\n\nĐoạn văn riêng của bài số {n} ở đây.\n" for n in range(6)})
    api.rebuild(root)
    po = root / "locales" / "en" / "b3.po"
    text = po.read_text(encoding="utf-8")
    po.write_text(text.replace('msgstr ""\n\n#', 'msgstr "Lesson 3"\n\n#', 1), encoding="utf-8")
    calls = _jobs(monkeypatch)
    report = api.rebuild(root)
    assert calls == ["b3.md"]
    assert report.written == ["build/en/b3.md"]
    assert "Lesson 3" in (root / "build" / "en" / "b3.md").read_text(encoding="utf-8")
    assert _tree(root) == _scratch(root, tmp_path)


def test_a_translation_the_memory_fills_elsewhere_redoes_those_lessons_too(
    project: Callable[[dict[str, str]], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two lessons share a sentence: translating it in one fills the other
    (as a scratch run would); a third lesson is not touched."""
    shared = "Câu này có ở hai bài."
    root = project(
        {
            "a.md": f"# Bài A\n\n{shared}\n",
            "b.md": f"# Bài B\n\n{shared}\n",
            "c.md": "# Bài C\n\nMột câu khác hẳn, không giống chút nào.\n",
        }
    )
    api.rebuild(root)
    po = root / "locales" / "en" / "a.po"
    text = po.read_text(encoding="utf-8")
    po.write_text(text.replace(f'msgid "{shared}"\nmsgstr ""', f'msgid "{shared}"\nmsgstr "In two lessons."'))
    calls = _jobs(monkeypatch)
    api.rebuild(root)
    assert calls == ["a.md", "b.md"]
    assert "In two lessons." in (root / "locales" / "en" / "b.po").read_text(encoding="utf-8")
    assert _tree(root) == _scratch(root, tmp_path)


NAV = "<!-- Aero-Navigation-Start -->\n- [Mục lục](index.md)\n<!-- Aero-Navigation-End -->\n"


def test_a_shared_entry_translated_rebuilds_only_the_pages_that_use_it(
    project: Callable[[dict[str, str]], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(
        {
            "index.md": "# Trang đầu\n\nDanh sách bài.\n",
            "a.md": "# Python\n\nNumPy.\n\n" + NAV,
            "b.md": "# Pandas\n\nSciPy.\n\n" + NAV,
            "c.md": "# Bài C\n\nBa, không có điều hướng.\n",
        }
    )
    api.rebuild(root)
    shared = root / "locales" / "en" / "_shared.po"
    text = shared.read_text(encoding="utf-8")
    shared.write_text(text.removesuffix('msgstr ""\n') + 'msgstr "[Contents](index.md)"\n', encoding="utf-8")
    calls = _jobs(monkeypatch)
    report = api.rebuild(root)
    assert calls == ["a.md", "b.md"]
    assert sorted(report.written) == ["build/en/a.md", "build/en/b.md"]
    assert _tree(root) == _scratch(root, tmp_path)


def test_a_glossary_term_added_remerges_only_catalogs_that_hold_it(
    project: Callable[[dict[str, str]], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(
        {
            "a.md": "# Hàm mất mát\n\nHàm mất mát đo sai số.\n",
            "b.md": "# Xác suất\n\nMột câu về xác suất.\n",
        }
    )
    api.rebuild(root)
    (root / "locales" / "en" / "glossary.csv").write_text("term,translation,note\nhàm mất mát,loss function,\n")
    calls = _jobs(monkeypatch)
    api.rebuild(root)
    assert calls == ["a.md"]
    assert "glossary: hàm mất mát -> loss function" in (root / "locales/en/a.po").read_text(encoding="utf-8")
    assert _tree(root) == _scratch(root, tmp_path)


def test_a_rebuild_with_nothing_to_do_loads_neither_parser_nor_polib(course: Path) -> None:
    api.rebuild(course)
    code = (
        "import sys; from pipeline import api; r = api.rebuild(sys.argv[1]); "
        "print(r.written, sorted(m for m in ('polib', 'markdown_it', 'mdformat', 'rapidfuzz') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code, str(course)], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[] []", out.stderr


def test_a_cache_of_another_version_is_ignored(course: Path, tmp_path: Path) -> None:
    api.rebuild(course)
    state = course / ".pipeline-cache" / "state.json"
    data = json.loads(state.read_text(encoding="utf-8"))
    data["version"] = 2
    state.write_text(json.dumps(data), encoding="utf-8")
    (course / "content" / LESSON).write_text("# Định lý Bayes\n\nNgắn gọn.\n", encoding="utf-8")
    api.rebuild(course)
    assert _tree(course) == _scratch(course, tmp_path)


# -- a translator's save -------------------------------------------------------


def test_a_catalog_saved_while_the_run_merges_it_is_merged_again(course: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The translator saves between the run's read and its write: the run
    sees it before replacing the file, merges again from the saved file,
    and says so. Nothing they saved is lost."""
    (course / "content" / LESSON).write_text(
        (course / "content" / LESSON).read_text(encoding="utf-8") + "\nMột câu mới.\n", encoding="utf-8"
    )
    po = course / "locales" / "en" / Path(LESSON).with_suffix(".po")
    text = po.read_text(encoding="utf-8")
    assert 'msgstr "Bayes\' theorem"' in text
    saved = text.replace('msgstr "Bayes\' theorem"', 'msgstr "Bayes\' rule, as the translator saved it"')
    real = catalog.merge
    done: list[bool] = []

    def merge_then_save(pot: object, old: object, lang: str, *args: object, **kwargs: object) -> object:
        merged = real(pot, old, lang, *args, **kwargs)  # type: ignore[arg-type]
        if "bai_04_dinh_ly_bayes" in str(getattr(pot, "metadata", {}).get("X-Source-File", "")) and not done:
            done.append(True)
            po.write_text(saved, encoding="utf-8")  # the editor's save, mid-run
        return merged

    monkeypatch.setattr(job.catalog, "merge", merge_then_save)
    report = api.rebuild(course)
    after = po.read_text(encoding="utf-8")
    assert done and "Bayes' rule, as the translator saved it" in after
    assert 'msgid "Một câu mới."' in after  # and the lesson's new text is merged in
    assert any(f.rule == "concurrent-edit" and f.path.endswith(".po") for f in report.findings)
    assert report.exit_code == 0


# -- I/O faults ----------------------------------------------------------------


def _fault(monkeypatch: pytest.MonkeyPatch, op: str, suffix: str, err: int) -> None:
    """``op`` ("read" or "write") of the file ending in ``suffix`` fails with ``err``."""
    target = getattr(files, "read_bytes" if op == "read" else "replace")

    def failing(path: Path, *args: object, **kwargs: object) -> object:
        if str(path).endswith(suffix):
            raise OSError(err, __import__("os").strerror(err), str(path))
        return target(path, *args, **kwargs)

    monkeypatch.setattr(files, "read_bytes" if op == "read" else "replace", failing)


FAULTS = [
    ("read", f"content/{LESSON}", errno.EACCES, f"content/{LESSON}", "read-failed"),
    ("read", f"content/{LESSON}", errno.ENOENT, f"content/{LESSON}", "read-failed"),
    ("read", f"locales/en/{M2}/bai_04_dinh_ly_bayes.po", errno.EACCES, "bai_04_dinh_ly_bayes.po", "read-failed"),
    ("read", f"locales/en/{M2}/bai_04_dinh_ly_bayes.po", errno.EISDIR, "bai_04_dinh_ly_bayes.po", "read-failed"),
    ("write", f"build/en/{LESSON}", errno.ENOSPC, f"build/en/{LESSON}", "write-failed"),
    ("write", f"locales/en/{M2}/bai_04_dinh_ly_bayes.po", errno.EFBIG, "bai_04_dinh_ly_bayes.po", "write-failed"),
    ("write", f"templates/{M2}/bai_04_dinh_ly_bayes.pot", errno.EACCES, "bai_04_dinh_ly_bayes.pot", "write-failed"),
]


@pytest.mark.parametrize(("op", "suffix", "err", "named", "rule"), FAULTS, ids=lambda x: str(x))
def test_an_io_fault_is_a_finding_and_the_rest_is_built(
    course: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    op: str,
    suffix: str,
    err: int,
    named: str,
    rule: str,
) -> None:
    api.rebuild(course)
    for path in [course / "content" / LESSON, course / "content" / OTHER]:
        path.write_text(path.read_text(encoding="utf-8") + "\nMột câu mới thêm vào.\n", encoding="utf-8")
    before = _tree(course)
    _fault(monkeypatch, op, suffix, err)
    report = api.rebuild(course)
    assert report.exit_code == 2
    problems = [f for f in report.findings if f.severity == "error"]
    assert [f.rule for f in problems] == [rule], problems
    assert problems[0].path.endswith(named)
    assert "errno" in problems[0].message or "vanished" in problems[0].message or "folder" in problems[0].message
    # The other lesson is done; the failed file keeps its bytes.
    assert "Một câu mới thêm vào." in (course / "locales/en" / Path(OTHER).with_suffix(".po")).read_text("utf-8")
    failed = next((k for k in before if k.endswith(suffix.removeprefix("templates/"))), None)
    if failed is not None and op == "write":
        assert _tree(course)[failed] == before[failed]
    assert not list(course.rglob("*.tmp"))
    # The next run, the fault gone, redoes what failed: as a scratch run.
    monkeypatch.undo()
    assert api.rebuild(course).exit_code == 0
    assert _tree(course) == _scratch(course, tmp_path)


def test_a_folder_where_a_catalog_should_be(course: Path) -> None:
    po = course / "locales" / "en" / Path(LESSON).with_suffix(".po")
    po.unlink()
    po.mkdir()
    report = api.rebuild(course)
    assert report.exit_code == 2
    assert [f.rule for f in report.findings if f.severity == "error"] == ["read-failed"]
    assert (course / "build" / "en" / OTHER).is_file()


def test_the_cache_that_cannot_be_written_is_a_finding(course: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = files.replace

    def full(path: Path, *args: object, **kwargs: object) -> None:
        if ".pipeline-cache" in str(path):
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(files, "replace", full)
    report = api.rebuild(course)
    assert [f.rule for f in report.findings if f.severity == "error"] == ["write-failed"]
    assert (course / "build" / "en" / OTHER).is_file()


def test_the_records_read_back_as_they_were_written(course: Path) -> None:
    """One serialiser: what a run records is what the next one reads (the
    tables that store each navigation unit once included)."""
    (course / "content" / "khong_dieu_huong.md").write_text("# Không điều hướng\n\nMột câu.\n", encoding="utf-8")
    api.rebuild(course)
    state = cache.load(course)
    assert state is not None
    records = cache.load_records(course, state)
    assert records is not None and records.lessons and records.pages
    assert any(r.shared for r in records.pages.values()) and any(not r.shared for r in records.pages.values())
    assert cache.decode_records(cache.encode_records(records)) == records
