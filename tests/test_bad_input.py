"""Bad input through the real CLI, one case per row of a table.

Each case puts one bad file (a lesson, a catalog, a name, a link) beside
good lessons in a scratch project and runs the commands a user would. For
every case: the exit code (2 for unusable input, 0 for legal input, with a
warning where there is something to say); one message naming the file and,
where it means something, the line; no traceback; the good lessons still
extracted, merged and built; no temporary file left; and every catalog
either untouched or accepted by GNU msgfmt (an unreadable one never
rewritten).

Fixtures are in tests/data/bad/; the big ones (a 1 MB line, 1,000 nesting
levels), odd file names and symbolic links are made here.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polib
import pytest
from typer.testing import CliRunner, Result

from pipeline.cli import app
from tests.conftest import msgfmt_check

DATA = Path(__file__).parent / "data" / "bad"
runner = CliRunner()

# The good lessons beside every bad one, and what proves they were processed
# in the run under test: a paragraph added after the last complete run (so
# extract and update must see it) and a translation made after it (so build
# must splice it).
GOOD = {
    "tot.md": "# Bài tốt\n\nĐây là một đoạn văn bình thường.\n",
    "m/phu.md": "# Bài phụ\n\nMột bài khác trong mô-đun.\n",
}
GOOD_TITLE, GOOD_TITLE_EN = "Bài tốt", "A good lesson"
# Two units of three translated: above min_lesson_coverage, so the page is spliced.
GOOD_TEXT, GOOD_TEXT_EN = "Đây là một đoạn văn bình thường.", "This is an ordinary paragraph."
ADDED = "Đoạn mới thêm vào sau lần chạy trước."
# What a bad lesson's path held before the run: a translated lesson, whose
# catalog an unreadable replacement must leave as it is.
EARLIER = "# Bài cũ\n\nNội dung cũ của bài.\n"
EARLIER_EN = "Earlier lesson"
SECRET = "BÍ MẬT NGOÀI THƯ MỤC"  # text of a file outside the project


@dataclass(frozen=True)
class Case:
    # Puts the bad input into the project (root, and a scratch folder outside it).
    make: Callable[[Path, Path], None]
    # (command, exit code, the message it must print exactly once, or None: no warning or error at all)
    runs: tuple[tuple[str, int, str | None], ...]
    # The lesson (under content/) that is legal and must be processed too, if any.
    processed: str | None = None
    # Catalogs (under locales/) that must keep their bytes: unreadable ones hold work.
    kept: tuple[str, ...] = ()
    # Case-specific checks after the last command.
    extra: Callable[[Path], None] | None = None
    # A lesson at this path is extracted and translated before the bad bytes replace it.
    earlier: str | None = None


def _write(root: Path, rel: str, data: bytes) -> None:
    path = root / "content" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def lesson(fixture: str, rel: str | None = None) -> Callable[[Path, Path], None]:
    """The fixture's bytes as content/<rel>."""
    return lambda root, outside: _write(root, rel or fixture, (DATA / fixture).read_bytes())


def generated(rel: str, text: str) -> Callable[[Path, Path], None]:
    return lambda root, outside: _write(root, rel, text.encode("utf-8"))


def catalog(fixture: str, encode: Callable[[str], bytes] | None = None) -> Callable[[Path, Path], None]:
    """The fixture as the catalog of content/bai_x.md (re-encoded by ``encode``)."""

    def make(root: Path, outside: Path) -> None:
        data = (DATA / "catalogs" / fixture).read_bytes()
        if encode is not None:
            data = encode(data.decode("utf-8"))
        (root / "locales" / "en" / "bai_x.po").write_bytes(data)

    return make


def link(rel: str, target: Callable[[Path, Path], str]) -> Callable[[Path, Path], None]:
    """content/<rel> as a symbolic link to ``target(root, outside)``."""

    def make(root: Path, outside: Path) -> None:
        path = root / "content" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target(root, outside), path)

    return make


def _units(root: Path, rel: str) -> set[str]:
    """The active entries of a lesson's English catalog."""
    po = polib.pofile(str(root / "locales" / "en" / Path(rel).with_suffix(".po")))
    return {e.msgid for e in po if not e.obsolete}


def _built(root: Path, rel: str, source: bytes) -> bytes:
    """The English page of an untranslated lesson: a notice, then the source's bytes."""
    assert (root / "build" / "vi" / rel).read_bytes() == source
    built = (root / "build" / "en" / rel).read_bytes()
    assert built.endswith(source) and b"not translated yet" in built[: len(built) - len(source)]
    return built


def _bom_kept(root: Path) -> None:
    # the BOM is no text: the heading stays a heading; the page keeps it first, once
    assert _units(root, "utf8_bom.md") == {"Bài có BOM", "Đoạn văn ngay sau tiêu đề."}
    source = (DATA / "utf8_bom.md").read_bytes()
    built = (root / "build" / "en" / "utf8_bom.md").read_bytes()
    assert built.startswith("\ufeff> ⚠️".encode()) and built.count("\ufeff".encode()) == 1
    assert built.endswith(source.removeprefix("\ufeff".encode()))


def _crlf_kept(root: Path) -> None:
    assert _units(root, "crlf.md") == {"Bài dùng CRLF", "Đoạn một viết trên\nhai dòng.", "Mục danh sách"}
    built = _built(root, "crlf.md", (DATA / "crlf.md").read_bytes())
    assert built.count(b"\n") == built.count(b"\r\n")  # the notice's line ends too


def _mixed_kept(root: Path) -> None:
    assert _units(root, "mixed_newlines.md") == {"Dòng kết thúc lẫn lộn", "Đoạn một dùng CRLF.", "Đoạn hai dùng LF."}


def _code_only(root: Path) -> None:
    assert _units(root, "only_code.md") == set()
    assert (root / "build" / "en" / "only_code.md").read_bytes() == (DATA / "only_code.md").read_bytes()


def _empty(root: Path) -> None:
    # the earlier lesson's translation is kept, as obsolete
    po = polib.pofile(str(root / "locales" / "en" / "empty.po"))
    assert [(e.msgid, e.msgstr, e.obsolete) for e in po] == [("Bài cũ", EARLIER_EN, True)]
    assert (root / "build" / "en" / "empty.md").read_bytes() == b""


BIG = "chữ Việt trong một dòng rất dài, "
BIG_LINE = (BIG * (1_000_000 // len(BIG) + 1))[:1_000_000].rstrip(" ,") + "."


def _big(root: Path) -> None:
    assert (root / "locales" / "en" / "dong_dai.po").stat().st_size > 1_000_000
    _built(root, "dong_dai.md", f"# Dòng rất dài\n\n{BIG_LINE}\n".encode())


LEVELS = 1000
DEEP_LIST = "# Danh sách sâu\n\n" + "".join("  " * i + f"- mục {i}\n" for i in range(LEVELS)) + "\nĐoạn kết.\n"
DEEP_QUOTE = "# Trích dẫn sâu\n\nĐoạn mở đầu.\n\n" + ">" * LEVELS + " câu trích rất sâu\n\nĐoạn kết sau trích dẫn.\n"


def _deep_list(root: Path) -> None:
    # what the warning says: items past the parser's 20 levels (and what follows
    # the cut-off list) are not extracted; the page keeps every byte
    assert _units(root, "danh_sach_sau.md") == {"Danh sách sâu", *(f"mục {i}" for i in range(9))}
    _built(root, "danh_sach_sau.md", DEEP_LIST.encode())


def _deep_quote(root: Path) -> None:
    assert _units(root, "trich_dan_sau.md") == {"Trích dẫn sâu", "Đoạn mở đầu.", "Đoạn kết sau trích dẫn."}
    _built(root, "trich_dan_sau.md", DEEP_QUOTE.encode())


def _name(rel: str) -> Callable[[Path], None]:
    def check(root: Path) -> None:
        assert _units(root, rel) == {"Tên tệp lạ", "Bài này chỉ có cái tên khác thường."}
        _built(root, rel, (DATA / "named.md").read_bytes())

    return check


def _plural_work_kept(root: Path) -> None:
    # units are never plural: the singular form is offered as fuzzy, the
    # entry of no unit stays obsolete with all its forms (msgfmt checked it)
    po = polib.pofile(str(root / "locales" / "en" / "bai_x.po"))
    heading = po.find("Bài học X")
    assert heading is not None and heading.msgstr == "Lesson X" and heading.fuzzy and not heading.msgid_plural
    [apples] = [e for e in po if e.msgid == "một quả táo"]
    assert apples.obsolete and apples.msgstr_plural == {0: "one apple", 1: "%d apples"}
    assert po.find("Hôm nay ta học về vòng lặp.").msgstr == "Today we learn about loops."


def _nothing_from_outside(root: Path) -> None:
    """No byte of the file outside the project reached a catalog or a page."""
    for folder in ("locales", "build"):
        for path in (root / folder).rglob("*"):
            if path.is_file():
                assert SECRET.encode() not in path.read_bytes(), path


def _linked_inside(root: Path) -> None:
    assert GOOD_TITLE in _units(root, "m/ban_sao.md")
    assert (root / "build" / "en" / "m" / "ban_sao.md").is_file()


def _secret(root: Path, outside: Path) -> str:
    return str(outside / "bi_mat.md")


def _lesson_runs(message: str | None, code: int) -> tuple[tuple[str, int, str | None], ...]:
    return (("rebuild", code, message),)


def _catalog_runs(message: str) -> tuple[tuple[str, int, str | None], ...]:
    return tuple((command, 2, message) for command in ("update", "build", "rebuild"))


X = "locales/en/bai_x.po"
CASES: dict[str, Case] = {
    # -- encodings and bytes ------------------------------------------------
    "invalid-utf8": Case(
        lesson("invalid_utf8.md"),
        _lesson_runs("content/invalid_utf8.md:4: error: not valid UTF-8 (byte 0xff at offset ", 2),
        kept=("locales/en/invalid_utf8.po",),
        earlier="invalid_utf8.md",
    ),
    "utf16-with-bom": Case(
        lesson("utf16.md"),
        _lesson_runs("content/utf16.md:1: error: UTF-16 text (it starts with a UTF-16 byte order mark)", 2),
        kept=("locales/en/utf16.po",),
        earlier="utf16.md",
    ),
    "utf8-bom": Case(
        lesson("utf8_bom.md"),
        _lesson_runs("content/utf8_bom.md:1: warning: starts with a byte order mark (U+FEFF)", 0),
        processed="utf8_bom.md",
        extra=_bom_kept,
        earlier="utf8_bom.md",
    ),
    "nul-bytes": Case(
        lesson("nul.md"),
        _lesson_runs("content/nul.md:4: error: holds a NUL byte", 2),
        kept=("locales/en/nul.po",),
        earlier="nul.md",
    ),
    "crlf": Case(lesson("crlf.md"), _lesson_runs(None, 0), processed="crlf.md", extra=_crlf_kept),
    "mixed-line-ends": Case(
        lesson("mixed_newlines.md"),
        _lesson_runs("content/mixed_newlines.md:4: warning: mixes line ends (3 CRLF, 2 LF); this line ends in LF", 0),
        processed="mixed_newlines.md",
        extra=_mixed_kept,
    ),
    # -- Markdown that is legal but suspicious ------------------------------
    "unclosed-fence": Case(
        lesson("unclosed_fence.md"),
        _lesson_runs("content/unclosed_fence.md:5: warning: code fence is never closed", 0),
        processed="unclosed_fence.md",
    ),
    "unbalanced-dollar": Case(
        lesson("unbalanced_dollar.md"),
        _lesson_runs("content/unbalanced_dollar.md:3: warning: a `$` opens no math here", 0),
        processed="unbalanced_dollar.md",
    ),
    "1mb-line": Case(
        generated("dong_dai.md", f"# Dòng rất dài\n\n{BIG_LINE}\n"), _lesson_runs(None, 0), "dong_dai.md", extra=_big
    ),
    "nested-lists-1000": Case(
        generated("danh_sach_sau.md", DEEP_LIST),
        _lesson_runs(
            "content/danh_sach_sau.md:12: warning: lists and quotes nested more than 20 levels deep: "
            "the text of lines 12 to 1004 is not extracted",
            0,
        ),
        processed="danh_sach_sau.md",
        extra=_deep_list,
    ),
    "nested-quotes-1000": Case(
        generated("trich_dan_sau.md", DEEP_QUOTE),
        _lesson_runs(
            "content/trich_dan_sau.md:5: warning: lists and quotes nested more than 20 levels deep: "
            "the text of line 5 is not extracted",
            0,
        ),
        processed="trich_dan_sau.md",
        extra=_deep_quote,
    ),
    "empty-lesson": Case(
        lesson("empty.md"),
        _lesson_runs("content/empty.md: warning: lesson is empty", 0),
        processed="empty.md",
        extra=_empty,
        earlier="empty.md",
    ),
    "only-code": Case(lesson("only_code.md"), _lesson_runs(None, 0), processed="only_code.md", extra=_code_only),
    # -- catalogs -------------------------------------------------------------
    "catalog-syntax": Case(
        catalog("syntax_error.po"),
        _catalog_runs(f"{X}:19: error: cannot read catalog: syntax error: 'msgstr \"Today we learn a'…"),
        kept=(X,),
    ),
    "catalog-duplicate": Case(
        catalog("duplicate.po"),
        _catalog_runs(f"{X}:26: error: duplicate entry 'Bài học X' (first at line 11): merge the two"),
        kept=(X,),
    ),
    "catalog-charset-latin1": Case(
        catalog("charset_latin1.po"),
        _catalog_runs(f"{X}:7: error: catalog says charset=ISO-8859-1, but catalogs are read and written as UTF-8"),
        kept=(X,),
    ),
    "catalog-charset-bogus": Case(
        catalog("charset_bogus.po"),
        _catalog_runs(f"{X}:7: error: catalog says charset=khong-ro, but catalogs are read and written as UTF-8"),
        kept=(X,),
    ),
    "catalog-plurals-too-many": Case(
        catalog("plurals_too_many.po"),
        _catalog_runs(
            f"{X}:26: error: entry 'một quả táo' has 3 plural forms, but Plural-Forms (line 9) says nplurals=2"
        ),
        kept=(X,),
    ),
    "catalog-plurals-too-few": Case(
        catalog("plurals_too_few.po"),
        _catalog_runs(
            f"{X}:26: error: entry 'một quả táo' has 1 plural form, but Plural-Forms (line 9) says nplurals=2"
        ),
        kept=(X,),
    ),
    "catalog-plural-entries": Case(
        catalog("plurals_valid.po"),
        (("update", 0, None), ("build", 0, None), ("rebuild", 0, None)),
        extra=_plural_work_kept,
    ),
    "catalog-utf8-bom": Case(
        catalog("valid.po", lambda text: ("\ufeff" + text).encode("utf-8")),
        _catalog_runs(f"{X}:1: error: cannot read catalog: a byte order mark (U+FEFF) starts the file"),
        kept=(X,),
    ),
    "catalog-utf16": Case(
        catalog("valid.po", lambda text: text.encode("utf-16")),
        _catalog_runs(f"{X}:1: error: UTF-16 text (it starts with a UTF-16 byte order mark)"),
        kept=(X,),
    ),
    "catalog-lesson-gone": Case(
        lambda root, outside: (root / "content" / "bai_x.md").unlink(),
        (
            ("update", 0, f"{X}:1: info: catalog of no lesson, holding no translation: delete this file"),
            ("build", 0, None),
            ("rebuild", 0, f"{X}:1: info: catalog of no lesson, holding no translation: delete this file"),
        ),
        kept=(X,),
    ),
    # -- file names -----------------------------------------------------------
    "name-with-spaces": Case(
        lesson("named.md", "có dấu cách.md"), _lesson_runs(None, 0), "có dấu cách.md", extra=_name("có dấu cách.md")
    ),
    "name-unicode": Case(
        lesson("named.md", "m/bài học.md"), _lesson_runs(None, 0), "m/bài học.md", extra=_name("m/bài học.md")
    ),
    "name-with-dots": Case(lesson("named.md", "a..b.md"), _lesson_runs(None, 0), "a..b.md", extra=_name("a..b.md")),
    "name-of-the-shared-catalog": Case(
        lesson("named.md", "_shared.md"),
        _lesson_runs("content/_shared.md: error: _shared is the shared catalog's name: rename the lesson", 2),
    ),
    # -- symbolic links -------------------------------------------------------
    "symlink-file-outside": Case(
        link("lien_ket.md", _secret),
        _lesson_runs("content/lien_ket.md: error: symbolic link to a file outside content/ (", 2),
        extra=_nothing_from_outside,
    ),
    "symlink-folder-outside": Case(
        link("thu_muc", lambda root, outside: str(outside)),
        _lesson_runs("content/thu_muc: error: symbolic link to a folder outside content/ (", 2),
        extra=_nothing_from_outside,
    ),
    "symlink-dotdot-escape": Case(
        link("m/thoat.md", lambda root, outside: "../../../ngoai/bi_mat.md"),
        _lesson_runs("content/m/thoat.md: error: symbolic link to a file outside content/ (", 2),
        extra=_nothing_from_outside,
    ),
    "symlink-loop": Case(
        link("vong.md", lambda root, outside: "vong.md"),
        _lesson_runs("content/vong.md: error: symbolic link to nothing (broken or a loop)", 2),
    ),
    "symlink-inside": Case(
        link("m/ban_sao.md", lambda root, outside: "../tot.md"),
        _lesson_runs(None, 0),
        processed="m/ban_sao.md",
        extra=_linked_inside,
    ),
}


def _invoke(*args: str) -> Result:
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output, result.output
    assert "internal error" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def _translate(root: Path, rel: str, msgid: str, msgstr: str) -> None:
    path = root / "locales" / "en" / Path(rel).with_suffix(".po")
    po = polib.pofile(str(path))
    [entry] = [e for e in po if e.msgid == msgid]
    entry.msgstr = msgstr
    po.save()


def _project(tmp_path: Path, case: Case) -> tuple[Path, Path]:
    """A rebuilt, partly translated project, edited since: ready for the bad input."""
    root, outside = tmp_path / "root", tmp_path / "ngoai"
    outside.mkdir()
    (outside / "bi_mat.md").write_text(f"# {SECRET}\n\nKhông được đọc tệp này.\n", encoding="utf-8")
    for rel, text in GOOD.items():
        _write(root, rel, text.encode("utf-8"))
    shutil.copy(DATA / "catalogs" / "bai_x.md", root / "content" / "bai_x.md")
    if case.earlier:
        _write(root, case.earlier, EARLIER.encode("utf-8"))
    assert _invoke("rebuild", "--root", str(root)).exit_code == 0
    _translate(root, "tot.md", GOOD_TITLE, GOOD_TITLE_EN)
    _translate(root, "tot.md", GOOD_TEXT, GOOD_TEXT_EN)
    if case.earlier:
        _translate(root, case.earlier, "Bài cũ", EARLIER_EN)
    with (root / "content" / "tot.md").open("a", encoding="utf-8") as handle:
        handle.write(f"\n{ADDED}\n")
    # update and build read the templates: bring them up to date first
    assert _invoke("extract", "--root", str(root)).exit_code == 0
    return root, outside


def _catalogs(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted(root.rglob("*.po*")) if p.suffix in (".po", ".pot")}


def _good_lessons_processed(root: Path, command: str) -> None:
    if command in ("update", "rebuild"):
        for rel in GOOD:
            assert (root / "locales" / "en" / Path(rel).with_suffix(".po")).is_file(), rel
        good = {e.msgid: e.msgstr for e in polib.pofile(str(root / "locales" / "en" / "tot.po"))}
        assert good[GOOD_TITLE] == GOOD_TITLE_EN  # the translation is kept
        assert ADDED in good  # and the new paragraph merged in this run
    if command in ("build", "rebuild"):
        for rel in GOOD:
            assert (root / "build" / "en" / rel).is_file(), rel
        built = (root / "build" / "en" / "tot.md").read_text(encoding="utf-8")
        assert f"# {GOOD_TITLE_EN}\n" in built and ADDED in built


def _nothing_half_written(root: Path, before: dict[Path, bytes], kept: tuple[str, ...]) -> None:
    assert sorted(root.rglob("*.tmp")) == []
    for path, data in _catalogs(root).items():
        if before.get(path) != data:  # written by this run: GNU gettext must accept it
            assert msgfmt_check(path) == "", path
    for rel in kept:
        assert (root / rel).read_bytes() == before[root / rel], f"{rel} was rewritten"


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input(tmp_path: Path, name: str) -> None:
    case = CASES[name]
    root, outside = _project(tmp_path, case)
    case.make(root, outside)
    before = _catalogs(root)
    for command, code, message in case.runs:
        result = _invoke(command, "--root", str(root))
        assert result.exit_code == code, f"{command}: {result.output}"
        if message is None:
            # legal input: nothing to say about it
            assert "warning" not in result.output and "error" not in result.output, result.output
        else:
            assert result.output.count(message) == 1, f"{command}: {result.output}"
        _good_lessons_processed(root, command)
        _nothing_half_written(root, before, case.kept)
    if case.processed is not None:
        assert (root / "locales" / "en" / Path(case.processed).with_suffix(".po")).is_file()
        assert (root / "build" / "en" / case.processed).is_file()
    if case.extra is not None:
        case.extra(root)


def test_every_fixture_is_used() -> None:
    """A fixture no case reads would be a check that silently stopped running."""
    source = Path(__file__).read_text(encoding="utf-8")
    fixtures = [p for p in DATA.rglob("*") if p.is_file()]
    assert len(fixtures) >= 18
    for path in fixtures:
        assert f'"{path.name}"' in source, path.name


def test_an_unreadable_lesson_keeps_its_template_and_publishes_no_bytes(tmp_path: Path) -> None:
    """A lesson translated once, then saved with a bad byte: its template
    stays (it is back when the lesson is), and build/en never gets the bad
    bytes; the page built before stays."""
    root = tmp_path / "p"
    for rel, text in GOOD.items():
        _write(root, rel, text.encode("utf-8"))
    _write(root, "hong.md", EARLIER.encode("utf-8"))
    assert runner.invoke(app, ["rebuild", "--root", str(root)]).exit_code == 0
    page = (root / "build" / "en" / "hong.md").read_bytes()
    _write(root, "hong.md", (DATA / "invalid_utf8.md").read_bytes())
    result = runner.invoke(app, ["rebuild", "--root", str(root)])
    assert result.exit_code == 2, result.output
    assert (root / "locales" / "templates" / "hong.pot").is_file()
    assert (root / "build" / "en" / "hong.md").read_bytes() == page
