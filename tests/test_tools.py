"""Issue 13: catalogs saved by translators' tools are still the same catalogs.

A translator opens a catalog in Poedit, Lokalize or Weblate, or runs GNU
gettext over it, and saves: the tool lays the file out its own way (another
wrap width, no wrap, a reordered header, flags it does not know dropped).
None of that is a change of content, so `check` must not call the catalog
stale, `stats` must count every status as before (copied stays copied,
fuzzy stays fuzzy), and `update` must leave the file's bytes alone unless
it has something to change, and then keep what the translator added
(comments, unknown flags, previous msgids, header fields in their order).

The project is the embedded sample course plus what it lacks to exercise
every status: a lesson of software names (copied units, contexts, a note),
an untranslated lesson, an edited heading (fuzzy with `#| msgid`) and a
removed paragraph (obsolete). One rebuilt copy is shared by the module;
each test works on its own copy of it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from tests import po_tools
from tests.conftest import REPO
from tests.po_tools import TOOLS, Tool

EPOCH = "1767225600"  # as tests/conftest.py: 2026-01-01 00:00 UTC
runner = CliRunner()

TOOLS_LESSON = "01_python_co_ban/bai_05_cong_cu_lam_viec.md"
# One source line longer than any wrap width: tools wrap its msgid each their own way.
LONG_LINE = (
    "Để viết mã thoải mái, bạn nên cài một trình soạn thảo tốt và tập dùng một hệ thống quản lý phiên bản "
    "ngay từ những bài tập đầu tiên, khi dự án còn nhỏ và mọi thứ còn dễ sửa."
)
TOOLS_TEXT = f"""\
# Công cụ làm việc hằng ngày

<!-- i18n: note Tên phần mềm giữ nguyên, không dịch -->
{LONG_LINE}

## Visual Studio Code

Trình soạn thảo miễn phí này chạy trên Windows, macOS và Linux, có tiện ích cho Python và cho sổ tay Jupyter.

## Git

| Lệnh | Công dụng |
| --- | --- |
| `git status` | xem những tệp đã thay đổi |
| `git commit` | ghi lại một phiên bản của dự án |

<!-- i18n: context menu -->
Mở

<!-- i18n: context verb -->
Mở
"""
READING_LESSON = "03_mang_no_ron/bai_05_tai_lieu_doc_them.md"
READING_TEXT = """\
# Tài liệu đọc thêm

Sau khi học xong phần này, bạn có thể tìm đọc các giáo trình nhập môn về mạng nơ-ron,
chúng trình bày kỹ hơn những chứng minh mà khóa học chỉ phác qua.

## Gợi ý cách đọc

Hãy đọc chậm, chép lại từng công thức bằng tay và tự kiểm tra bằng một đoạn mã nhỏ.
"""
EDITED = "01_python_co_ban/bai_01_bien_va_kieu_du_lieu.md"
HEADING, HEADING_EDITED = "## 1. Biến là gì? 🤔", "## 1. Biến là gì vậy? 🤔"
REMOVED = (
    "Nếu bạn dùng Jupyter Notebook, hãy nhấn <kbd>Shift</kbd> + <kbd>Enter</kbd> để chạy\n"
    "ô mã hiện tại và chuyển xuống ô tiếp theo.\n\n"
)


def cli(*args: str) -> tuple[int, str]:
    """One in-process command; its exit code and everything it printed."""
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout + result.stderr


def stats(root: Path) -> object:
    """`stats --by lesson` as JSON (warnings on stderr left out)."""
    result = runner.invoke(app, ["stats", "--root", str(root), "--by", "lesson", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


COUNTS = ("translated", "copied", "fuzzy", "untranslated", "obsolete", "total")


def moved(before: object, after: object, *, ignore: tuple[str, ...] = ()) -> list[str]:
    """The unit counts that differ between two `stats --by lesson`, summed: `copied 2 -> 0 (1 lessons)`."""
    old = {r["lesson"]: r for r in before["rows"]}  # type: ignore[index]
    new = {r["lesson"]: r for r in after["rows"]}  # type: ignore[index]
    if old.keys() != new.keys():
        return [f"lessons {sorted(old.keys() ^ new.keys())} appear or vanish"]
    out = []
    for key in (k for k in COUNTS if k not in ignore):
        lessons = [n for n in old if old[n][key] != new[n][key]]
        if lessons:
            was, now = (sum(rows[n][key] for n in lessons) for rows in (old, new))
            out.append(f"{key} {was} -> {now} ({len(lessons)} lessons, e.g. {lessons[0]})")
    words = [k for k in next(iter(old.values()), {}) if k.endswith("_words") and k.removesuffix("_words") not in ignore]
    if not out and any(old[n][k] != new[n][k] for n in old for k in words):
        out.append("word counts differ")
    return out


def none(what: object, problems: list[str]) -> None:
    """Assert there are no problems, naming the first few (and how many) when there are."""
    more = f"; ... {len(problems)} in all" if len(problems) > 6 else ""
    assert not problems, f"{what}: " + "; ".join(problems[:6]) + more


def check(root: Path) -> tuple[int, str]:
    return cli("check", "--root", str(root))


def stale(output: str) -> list[str]:
    return [line for line in output.splitlines() if "[catalog-stale]" in line]


def findings(output: str) -> list[str]:
    """The findings of a `check`, without its summary line."""
    return sorted(line for line in output.splitlines() if re.search(r"\[[a-z-]+\]$", line))


def replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{path}: {old!r} found {text.count(old)} times"
    path.write_text(text.replace(old, new), encoding="utf-8")


def catalog(root: Path, lesson: str) -> Path:
    return root / "locales" / "en" / Path(lesson).with_suffix(".po")


def copy(src: Path, dst: Path) -> Path:
    """A copy of a project, the cache with it (mtimes kept, inodes new: the run rehashes)."""
    shutil.copytree(src, dst, symlinks=True)
    return dst


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The sample course, enriched and rebuilt (twice: the edits make fuzzy and obsolete entries)."""
    root = tmp_path_factory.mktemp("base") / "course"
    root.mkdir()
    for name in ("content", "locales"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        for lesson, text in ((TOOLS_LESSON, TOOLS_TEXT), (READING_LESSON, READING_TEXT)):
            (root / "content" / lesson).write_text(text, encoding="utf-8")
        code, out = cli("rebuild", "--root", str(root))
        assert code == 0, out
        replace_once(root / "content" / EDITED, HEADING, HEADING_EDITED)
        replace_once(root / "content" / EDITED, REMOVED, "")
        code, out = cli("rebuild", "--root", str(root))
        assert code == 0, out
        code, out = check(root)
        assert code == 0, out
        yield root


@pytest.fixture
def root(base: Path, tmp_path: Path) -> Path:
    """This test's own copy of the rebuilt project (same folder name: the same project)."""
    return copy(base, tmp_path / "course")


def test_the_project_holds_every_status(base: Path) -> None:
    """The tool cases below mean something only if each status is there to lose."""
    rows = stats(base)["rows"]  # type: ignore[index]
    for status in ("translated", "copied", "fuzzy", "untranslated", "obsolete"):
        assert sum(r[status] for r in rows) > 0, status
    po = polib.pofile(str(catalog(base, EDITED)))
    assert any(e.fuzzy and e.previous_msgid for e in po)
    assert any(e.msgctxt for e in polib.pofile(str(catalog(base, TOOLS_LESSON))))


@pytest.mark.parametrize("tool", TOOLS, ids=str)
def test_a_tool_save_is_not_a_stale_catalog(root: Path, tool: Tool) -> None:
    """After the tool, `check` passes and `stats` counts the same, with the cache and on a fresh clone."""
    before = stats(root)
    touched = po_tools.apply(root, tool)  # none for a tool that writes as the pipeline does
    problems = []
    for run in ("with the cache", "without the cache"):
        if run == "without the cache":
            shutil.rmtree(root / ".pipeline-cache")
        code, out = check(root)
        if stale(out):
            problems.append(f"check {run}: {len(stale(out))} catalog-stale of {len(touched)} catalogs rewritten")
        elif code != 0:
            problems.append(f"check {run}: exit {code}: {out}")
        problems += [f"stats {run}: {m}" for m in moved(before, stats(root))]
    none(tool, problems)


@pytest.mark.parametrize("tool", TOOLS, ids=str)
def test_update_after_a_tool_keeps_its_layout(base: Path, root: Path, tool: Tool) -> None:
    """`update` rewrites a catalog only to change its content (a flag or `#.` line the tool dropped, put back);
    a second update, and a rebuild, change no byte."""
    locales, build = root / "locales", root / "build"
    before = stats(root)
    po_tools.apply(root, tool)
    saved = po_tools.hashes(locales)
    dropped = {
        rel
        for rel in saved
        if rel.endswith(".po") and po_tools.marks(base / "locales" / rel) - po_tools.marks(locales / rel)
    }
    said = {rel: po_tools.content(locales / rel, owned=False) for rel in dropped}
    problems = []
    code, out = cli("update", "--root", str(root))
    assert code == 0, out
    after = po_tools.hashes(locales)
    rewritten = [rel for rel in po_tools.changed(saved, after) if rel not in dropped]
    if rewritten:
        problems.append(f"update rewrote {len(rewritten)} files it had nothing to change in, e.g. {rewritten[0]}")
    altered = [
        r for r in po_tools.changed(saved, after) if r in said and po_tools.content(locales / r, owned=False) != said[r]
    ]
    if altered:
        problems.append(f"update changed a translator's part of {len(altered)} catalogs, e.g. {altered[0]}")
    problems += [f"stats after update: {m}" for m in moved(before, stats(root))]
    for args in (["update"], ["rebuild"]):
        code, out = cli(*args, "--root", str(root))
        assert code == 0, out
        again = po_tools.changed(after, po_tools.hashes(locales))
        if again:
            problems.append(f"{args[0]} after update changed {len(again)} files, e.g. {again[0]}")
    built = po_tools.changed(po_tools.hashes(base / "build"), po_tools.hashes(build))
    if built:
        problems.append(f"build/ differs from before the tool in {len(built)} files, e.g. {built[0]}")
    none(tool, problems)


def test_gnu_tools_drop_the_copied_flag_but_not_the_status(root: Path) -> None:
    """GNU gettext forgets flags it does not know, `#, copied` among them: the unit is still copied, not translated."""
    po = catalog(root, TOOLS_LESSON)
    copied = [e.msgid for e in polib.pofile(str(po)) if "copied" in e.flags]
    assert copied
    before = stats(root)
    po_tools.apply(root, po_tools.BY_NAME["msgattrib"])
    assert not any("copied" in e.flags for e in polib.pofile(str(po))), "msgattrib kept the flag: nothing to test"
    none("msgattrib, stats", moved(before, stats(root)))
    code, out = check(root)
    assert (stale(out), code) == ([], 0), f"{len(stale(out))} catalog-stale"


def test_msgattrib_no_obsolete_removes_only_obsolete_entries(root: Path) -> None:
    """`--no-obsolete` deletes the `#~` entries (GNU's documented behaviour): a real loss, but nothing else.

    Run only over the catalogs holding obsolete entries (none of them copied
    units, whose flag msgattrib also drops: another test's case).
    """
    before = stats(root)
    holding = [p for p in po_tools.catalogs(root) if any(e.obsolete for e in polib.pofile(str(p)))]
    assert holding and not any("copied" in f for p in holding for *_, f in po_tools.flags(p))
    for po in holding:
        po_tools.msgattrib("--no-obsolete")(po, po)
    assert not any(e.obsolete for p in po_tools.catalogs(root) for e in polib.pofile(str(p)))
    none("msgattrib --no-obsolete, stats", moved(before, stats(root), ignore=("obsolete",)))
    code, out = check(root)
    assert (stale(out), code) == ([], 0), f"{len(stale(out))} catalog-stale"


def test_msgcat_over_templates_is_not_stale(root: Path) -> None:
    """`msgcat` run over the whole of locales/ rewraps the templates too: a layout, not a stale template."""
    for pot in po_tools.templates(root):
        po_tools.msgcat()(pot, pot)
    code, out = check(root)
    assert stale(out) == [], f"{len(stale(out))} catalog-stale"
    assert code == 0, out


UNTRANSLATED = ('msgid "Công cụ làm việc hằng ngày"\nmsgstr ""\n', 'msgid "Công cụ làm việc hằng ngày"\n')
HAND_EDITS = {
    "untranslated entry translated": (TOOLS_LESSON, *UNTRANSLATED, 'msgstr "Everyday working tools"\n'),
    "translation over several lines": (TOOLS_LESSON, *UNTRANSLATED, 'msgstr ""\n"Everyday "\n"working tools"\n'),
}


def check_problems(root: Path) -> list[str]:
    """What `check` holds against the project, naming the stale catalogs."""
    code, out = check(root)
    if stale(out):
        return [f"check: {', '.join(x.split(':')[0] for x in stale(out))} catalog-stale"]
    return [] if code == 0 else [f"check: exit {code}: {out}"]


def update_problems(root: Path, po: Path, typed: bytes) -> list[str]:
    """`update` right after a translator's save: it has nothing to change in the file."""
    code, out = cli("update", "--root", str(root))
    assert code == 0, out
    return [] if po.read_bytes() == typed else [f"update rewrote {po.name}"]


@pytest.mark.parametrize("case", HAND_EDITS)
def test_a_hand_translation_without_update_passes_check(root: Path, case: str) -> None:
    """A translation typed in a text editor and committed as it is: not stale, counted, and kept as typed."""
    lesson, old, msgid, msgstr = HAND_EDITS[case]
    po = catalog(root, lesson)
    before = stats(root)
    replace_once(po, old, msgid + msgstr)
    typed = po.read_bytes()
    problems = check_problems(root)
    row = next(r for r in stats(root)["rows"] if r["lesson"] == lesson)  # type: ignore[index]
    was = next(r for r in before["rows"] if r["lesson"] == lesson)  # type: ignore[index]
    if (row["translated"], row["untranslated"]) != (was["translated"] + 1, was["untranslated"] - 1):
        problems.append(f"stats: translated {was['translated']} -> {row['translated']}")
    problems += update_problems(root, po, typed)
    none(case, problems)


def test_a_changed_translation_without_update_passes_check(root: Path) -> None:
    """A translator rewording a published translation by hand: the catalog is not stale and keeps its bytes."""
    po = catalog(root, "01_python_co_ban/bai_02_danh_sach_va_tu_dien.md")
    entry = next(e for e in polib.pofile(str(po)) if e.translated() and "\n" not in e.msgid and "\n" not in e.msgstr)
    replace_once(po, f'msgstr "{entry.msgstr}"\n', f'msgstr "{entry.msgstr} (reworded)"\n')
    none("reworded", check_problems(root) + update_problems(root, po, po.read_bytes()))


def test_rebuild_twice_changes_nothing(root: Path) -> None:
    """A run right after a run writes nothing: same bytes and mtimes under locales/ and build/, cache or not."""
    replace_once(root / "content" / READING_LESSON, "Hãy đọc chậm", "Bạn hãy đọc chậm")
    code, out = cli("rebuild", "--root", str(root))
    assert code == 0, out
    snap = {d: po_tools.snapshot(root / d) for d in ("locales", "build")}
    for args in (["rebuild"], ["update"], ["rebuild"]):
        code, out = cli(*args, "--root", str(root))
        assert code == 0, out
        assert {d: po_tools.snapshot(root / d) for d in snap} == snap, f"{args[0]} changed files"
    shutil.rmtree(root / ".pipeline-cache")
    code, out = cli("rebuild", "--root", str(root))
    assert code == 0, out
    assert {d: po_tools.snapshot(root / d) for d in snap} == snap, "a cold rebuild changed files"


TRANSLATOR_COMMENT = "# checked by Ana\n"
FIRST = '#. heading 1\n#: 01_python_co_ban/bai_01_bien_va_kieu_du_lieu.md\nmsgid "Biến và kiểu'
TITLE = "Biến và kiểu dữ liệu trong Python"


def _comment(po: Path) -> None:
    replace_once(po, FIRST, TRANSLATOR_COMMENT + FIRST)


def _comment_kept(po: Path) -> None:
    entry = polib.pofile(str(po)).find(TITLE)
    assert entry is not None and entry.tcomment == "checked by Ana"


def _ignore_same(po: Path) -> None:
    replace_once(po, FIRST, FIRST.replace("\nmsgid", "\n#, ignore-same\nmsgid"))


def _ignore_same_kept(po: Path) -> None:
    entry = polib.pofile(str(po)).find(TITLE)
    assert entry is not None and entry.flags == ["ignore-same"], f"flags now {entry and entry.flags}"


def _unknown_flag(po: Path) -> None:
    replace_once(po, "#, fuzzy\n#| msgid", "#, fuzzy, my-tool-flag\n#| msgid")


def _unknown_flag_kept(po: Path) -> None:
    fuzzy = [e for e in polib.pofile(str(po)) if e.fuzzy and e.previous_msgid == HEADING.removeprefix("## ")]
    assert len(fuzzy) == 1 and "my-tool-flag" in fuzzy[0].flags, "the flag or the `#| msgid` is gone"


def _header(po: Path) -> None:
    po_tools.weblate_header(po, po)


def _header_kept(po: Path) -> None:
    fields = po_tools.header_fields(po)
    for name in ("Last-Translator", "X-Generator"):  # PO-Revision-Date is the translator's too, but not asserted
        assert (name, po_tools.WEBLATE_FIELDS[name]) in fields, name
    names = [k for k, _ in fields]
    assert names.index("Language") < names.index("Language-Team"), "the translator's field order is lost"
    assert names[-1] == "X-Generator", "the appended field moved"


ADDITIONS = {
    "translator comment": (_comment, _comment_kept),
    "#, ignore-same": (_ignore_same, _ignore_same_kept),
    "unknown flag on a fuzzy entry with #| msgid": (_unknown_flag, _unknown_flag_kept),
    "Weblate header fields and order": (_header, _header_kept),
}


@pytest.mark.parametrize("addition", ADDITIONS)
def test_a_translator_addition_passes_check_and_update_keeps_the_file(root: Path, addition: str) -> None:
    """What a translator adds by hand is theirs: not stale, and `update` has nothing to do."""
    add, kept = ADDITIONS[addition]
    po = catalog(root, EDITED)
    add(po)
    typed = po.read_bytes()
    none(addition, check_problems(root) + update_problems(root, po, typed))
    kept(po)


@pytest.mark.parametrize("addition", ADDITIONS)
def test_a_translator_addition_survives_an_update_that_rewrites_the_catalog(root: Path, addition: str) -> None:
    """When the lesson changes, the rewritten catalog still holds what the translator added."""
    add, kept = ADDITIONS[addition]
    po = catalog(root, EDITED)
    add(po)
    replace_once(root / "content" / EDITED, "### 1.1. Quy tắc đặt tên", "### 1.1. Các quy tắc đặt tên")
    code, out = cli("rebuild", "--root", str(root))
    assert code == 0, out
    assert polib.pofile(str(po)).find("1.1. Các quy tắc đặt tên") is not None, "the catalog was not rewritten"
    kept(po)
    written = po.read_bytes()
    code, out = cli("rebuild", "--root", str(root))
    assert code == 0, out
    assert po.read_bytes() == written, "a second rebuild rewrote the catalog"


def test_a_rewrite_touches_only_the_catalog_whose_content_changed(root: Path) -> None:
    """After `msgcat --width=60`, a lesson edit rewrites that lesson's catalog
    (in the pipeline's layout: polib's writer is the only one) and leaves
    every other catalog in the tool's layout, byte for byte."""
    po_tools.apply(root, po_tools.BY_NAME["msgcat --width=60"])
    po = catalog(root, EDITED)
    saved = po_tools.hashes(root / "locales")
    replace_once(root / "content" / EDITED, "### 1.1. Quy tắc đặt tên", "### 1.1. Các quy tắc đặt tên")
    code, out = cli("rebuild", "--root", str(root))
    assert code == 0, out
    assert "Các quy tắc đặt tên" in po.read_text(encoding="utf-8")
    others = [rel for rel in po_tools.changed(saved, po_tools.hashes(root / "locales")) if rel.endswith(".po")]
    assert others == [str(po.relative_to(root / "locales"))]


def test_a_lesson_renamed_when_untranslated_keeps_its_catalog(root: Path) -> None:
    """A catalog holding only a translator's notes is still work: the rename migrates it, no orphan is left."""
    old_po = catalog(root, READING_LESSON)
    heading = f'#. heading 1\n#: {READING_LESSON}\nmsgid "Tài liệu đọc thêm"'
    replace_once(old_po, heading, TRANSLATOR_COMMENT + heading)
    po_tools.weblate_header(old_po, old_po)
    before = next(r for r in stats(root)["rows"] if r["lesson"] == READING_LESSON)  # type: ignore[index]
    assert before["translated"] == before["copied"] == 0 and before["untranslated"] > 0
    new_lesson = READING_LESSON.replace("bai_05_tai_lieu_doc_them", "bai_05_doc_them")
    os.rename(root / "content" / READING_LESSON, root / "content" / new_lesson)
    code, out = cli("rebuild", "--root", str(root))
    assert code == 0, out
    assert "[orphan-catalog]" not in out, out
    assert "[renamed]" in out, out
    assert not old_po.exists()
    new_po = polib.pofile(str(catalog(root, new_lesson)))
    heading = new_po.find("Tài liệu đọc thêm")
    assert heading is not None and heading.tcomment == "checked by Ana"
    assert ("X-Generator", "Weblate 5.8") in po_tools.header_fields(catalog(root, new_lesson))
    code, out = check(root)
    assert (stale(out), code) == ([], 0), out


# The real course: one rebuild, then the tools most translators meet.
REAL_TOOLS = [po_tools.BY_NAME[n] for n in ("msgcat", "msgmerge --previous", "polib")]


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory, real_course: Path) -> Iterator[tuple[Path, object, list[str]]]:
    """The real course rebuilt once (it has no catalogs of its own), with its stats and check findings."""
    root = tmp_path_factory.mktemp("real") / "course"
    root.mkdir()
    shutil.copytree(real_course, root / "content")
    (root / "pyproject.toml").write_text('[tool.pipeline]\nproject = "Aero-HowtoLLMs"\n', encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        code, out = cli("rebuild", "--root", str(root))
        assert code in (0, 1), out
        _, out = check(root)
        assert stale(out) == []
        yield root, stats(root), findings(out)


@pytest.mark.parametrize("tool", REAL_TOOLS, ids=str)
def test_real_course_after_a_tool(real: tuple[Path, object, list[str]], tmp_path: Path, tool: Tool) -> None:
    """Over 105 real lessons (1,300 copied units among them) a tool's save changes no finding and no figure."""
    base_root, before, base_findings = real
    root = copy(base_root, tmp_path / "course")
    touched = po_tools.apply(root, tool)
    _, out = check(root)
    problems = [f"check: {len(stale(out))} catalog-stale of {len(touched)} catalogs rewritten"] if stale(out) else []
    others = [f for f in findings(out) if "[catalog-stale]" not in f]
    if others != base_findings:
        problems.append(f"check: other findings changed ({len(base_findings)} -> {len(others)})")
    problems += [f"stats: {m}" for m in moved(before, stats(root))]
    none(tool, problems)
