"""A renamed or moved lesson keeps its catalogs, found by the text they
share, translated or not; an orphan left over is named by `check`."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import polib
import pytest
from typer.testing import CliRunner

from pipeline import api, job, renames
from pipeline.cli import app

from .test_incremental import _tree

Project = Callable[[dict[str, str]], Path]
LANGS = ["en", "fr"]
PARAGRAPHS = [
    "Biến là một cái tên gắn với một giá trị.",
    "Kiểu dữ liệu cho biết giá trị thuộc loại nào.",
    "Số nguyên và số thực là hai kiểu thường gặp.",
    "Chuỗi ký tự được viết trong dấu nháy.",
    "Danh sách chứa nhiều giá trị theo thứ tự.",
]
OTHER = [
    "Hàm nhận đối số và trả về kết quả.",
    "Vòng lặp lặp lại một khối lệnh nhiều lần.",
    "Điều kiện chọn nhánh nào sẽ chạy.",
    "Từ điển ánh xạ khóa sang giá trị.",
    "Ngoại lệ báo hiệu một lỗi lúc chạy.",
]


def _lesson(title: str, paragraphs: list[str]) -> str:
    return f"# {title}\n\n" + "".join(f"{p}\n\n" for p in paragraphs)


def _setup(project: Project, lessons: dict[str, str]) -> Path:
    root = project(lessons)
    (root / "pyproject.toml").write_text('[tool.pipeline]\nlanguages = ["en", "fr"]\n', encoding="utf-8")
    assert api.rebuild(root).exit_code == 0
    return root


def _path(root: Path, lang: str, lesson: str) -> Path:
    return root / "locales" / lang / Path(lesson).with_suffix(".po")


def _po(root: Path, lang: str, lesson: str) -> polib.POFile:
    return polib.pofile(str(_path(root, lang, lesson)))


def _move(root: Path, old: str, new: str) -> None:
    target = root / "content" / new
    target.parent.mkdir(parents=True, exist_ok=True)
    (root / "content" / old).rename(target)


def _work(root: Path, lesson: str, who: str) -> None:
    """A translator's work in every language, with no entry translated:
    header fields, a comment, a fuzzy entry with its previous msgid and an
    obsolete entry."""
    for lang in LANGS:
        po = _po(root, lang, lesson)
        po.metadata["Last-Translator"] = who
        po.metadata["X-Generator"] = "Poedit 3.4"
        noted = po.find(PARAGRAPHS[0])
        noted.tcomment = f"{lang}: ask the author about this one"
        fuzzy = po.find(PARAGRAPHS[1])
        fuzzy.msgstr = f"{lang}: the data type"
        fuzzy.flags = ["fuzzy"]
        fuzzy.previous_msgid = "Kiểu dữ liệu."
        po.append(polib.POEntry(msgid="Một câu đã bị xóa.", msgstr=f"{lang}: a removed sentence", obsolete=True))
        po.save()


def _kept(root: Path, lesson: str, who: str) -> None:
    """Every piece of :func:`_work` is in the lesson's catalogs."""
    for lang in LANGS:
        po = _po(root, lang, lesson)
        assert po.metadata["Last-Translator"] == who
        assert po.metadata["X-Generator"] == "Poedit 3.4"
        assert po.metadata["Language"] == lang
        assert po.metadata["X-Source-File"] == lesson
        assert po.find(PARAGRAPHS[0]).tcomment == f"{lang}: ask the author about this one"
        fuzzy = po.find(PARAGRAPHS[1])
        assert fuzzy.fuzzy and fuzzy.msgstr == f"{lang}: the data type"
        assert fuzzy.previous_msgid == "Kiểu dữ liệu."
        assert fuzzy.occurrences == [(lesson, "")]
        obsolete = [(e.msgid, e.msgstr) for e in po if e.obsolete]
        assert obsolete == [("Một câu đã bị xóa.", f"{lang}: a removed sentence")]


MOVES = [
    ("m/bien.md", "m/bien_va_kieu.md"),  # renamed
    ("m1/bien.md", "m2/bien.md"),  # moved to another module
    ("m1/bien.md", "m2/sub/bien_va_kieu.md"),  # both, deeper
]


@pytest.mark.parametrize(("old", "new"), MOVES)
def test_an_untranslated_lesson_renamed_keeps_its_whole_catalog(project: Project, old: str, new: str) -> None:
    root = _setup(project, {old: _lesson("Biến và kiểu", PARAGRAPHS)})
    _work(root, old, "Lan <lan@example.org>")
    _move(root, old, new)
    report = api.rebuild(root)
    assert report.exit_code == 0
    _kept(root, new, "Lan <lan@example.org>")
    for lang in LANGS:
        assert not _path(root, lang, old).exists()
        assert not _path(root, lang, old).parent.exists() or Path(old).parent == Path(new).parent
    assert not (root / "locales" / "templates" / Path(old).with_suffix(".pot")).exists()
    assert [(f.path, f.rule, f.severity) for f in report.findings] == [
        (f"locales/{lang}/{Path(new).with_suffix('.po')}", "renamed", "info") for lang in LANGS
    ]
    assert f"migrated from locales/en/{Path(old).with_suffix('.po')}" in report.findings[0].message


@pytest.mark.parametrize("changed", [1, 2, 3])
def test_a_lesson_renamed_and_edited_still_migrates(project: Project, changed: int) -> None:
    """Up to half its text changed (here 3 of 6 units): the catalog follows,
    an edited translated paragraph turns fuzzy against its old text."""
    root = _setup(project, {"m/a.md": _lesson("Biến và kiểu", PARAGRAPHS)})
    _work(root, "m/a.md", "Lan")
    for lang in LANGS:
        po = _po(root, lang, "m/a.md")
        po.find(PARAGRAPHS[4]).msgstr = f"{lang}: a list holds values in order"
        po.save()
    edited = [p.replace("giá trị", "giá trị khác") if i >= 5 - changed else p for i, p in enumerate(PARAGRAPHS)]
    (root / "content" / "m" / "a.md").unlink()
    (root / "content" / "m" / "b.md").write_text(_lesson("Biến và kiểu", edited), encoding="utf-8")
    api.rebuild(root)
    for lang in LANGS:
        assert not _path(root, lang, "m/a.md").exists()
        po = _po(root, lang, "m/b.md")
        assert po.metadata["Last-Translator"] == "Lan"
        entry = po.find(edited[4])
        assert entry.fuzzy and entry.msgstr == f"{lang}: a list holds values in order"
        assert entry.previous_msgid == PARAGRAPHS[4]


def test_a_lesson_edited_past_half_is_not_taken(project: Project) -> None:
    root = _setup(project, {"m/a.md": _lesson("Biến và kiểu", PARAGRAPHS)})
    _work(root, "m/a.md", "Lan")
    (root / "content" / "m" / "a.md").unlink()
    (root / "content" / "m" / "b.md").write_text(_lesson("Biến và kiểu", PARAGRAPHS[:2] + OTHER), encoding="utf-8")
    report = api.rebuild(root)
    assert _path(root, "en", "m/a.md").exists() and _path(root, "fr", "m/a.md").exists()
    assert _po(root, "en", "m/b.md").metadata["Last-Translator"] == ""
    assert [(f.path, f.rule, f.severity) for f in report.findings] == [
        ("locales/en/m/a.po", "orphan-catalog", "warning"),
        ("locales/fr/m/a.po", "orphan-catalog", "warning"),
    ]


def test_two_lessons_renamed_at_once_pair_by_their_text(project: Project) -> None:
    root = _setup(project, {"m/a.md": _lesson("Biến", PARAGRAPHS), "m/b.md": _lesson("Hàm", OTHER)})
    for lesson, who in [("m/a.md", "A"), ("m/b.md", "B")]:
        for lang in LANGS:
            po = _po(root, lang, lesson)
            po.metadata["Last-Translator"] = who
            po.save()
    _move(root, "m/a.md", "m/z.md")  # a's text, under a name after b's
    _move(root, "m/b.md", "m/c.md")
    api.rebuild(root)
    for lang in LANGS:
        assert _po(root, lang, "m/z.md").metadata["Last-Translator"] == "A"
        assert _po(root, lang, "m/c.md").metadata["Last-Translator"] == "B"
        assert sorted(p.name for p in (root / "locales" / lang / "m").iterdir()) == ["c.po", "z.po"]


def test_an_unrelated_new_lesson_does_not_steal_an_orphan(project: Project) -> None:
    """A new lesson sharing only a heading with a deleted one gets a catalog
    of its own (the overlap coefficient would have given it the orphan)."""
    root = _setup(project, {"m/a.md": _lesson("Bài tập", PARAGRAPHS)})
    _work(root, "m/a.md", "Lan")
    (root / "content" / "m" / "a.md").unlink()
    (root / "content" / "m" / "b.md").write_text(_lesson("Bài tập", OTHER[:1]), encoding="utf-8")
    report = api.rebuild(root)
    assert _path(root, "en", "m/a.md").exists()
    assert _po(root, "en", "m/b.md").metadata["Last-Translator"] == ""
    assert {f.rule for f in report.findings} == {"orphan-catalog"}


def test_the_best_match_wins_and_the_other_lesson_starts_afresh(project: Project) -> None:
    root = _setup(project, {"m/a.md": _lesson("Biến và kiểu", PARAGRAPHS)})
    _work(root, "m/a.md", "Lan")
    (root / "content" / "m" / "a.md").unlink()
    # Both qualify (3 of 6 shared for the first), the whole text wins.
    (root / "content" / "m" / "a_phan.md").write_text(
        _lesson("Biến và kiểu", PARAGRAPHS[:2] + OTHER[:2]), encoding="utf-8"
    )
    (root / "content" / "m" / "z_bien.md").write_text(_lesson("Biến và kiểu", PARAGRAPHS), encoding="utf-8")
    api.rebuild(root)
    _kept(root, "m/z_bien.md", "Lan")
    assert _po(root, "en", "m/a_phan.md").metadata["Last-Translator"] == ""


def test_a_lesson_that_has_a_catalog_is_never_a_target(project: Project) -> None:
    root = _setup(project, {"m/a.md": _lesson("Biến và kiểu", PARAGRAPHS), "m/b.md": _lesson("Hàm", OTHER)})
    _work(root, "m/a.md", "Lan")
    (root / "content" / "m" / "a.md").unlink()
    (root / "content" / "m" / "b.md").write_text(_lesson("Biến và kiểu", PARAGRAPHS), encoding="utf-8")
    api.rebuild(root)
    assert _path(root, "en", "m/a.md").exists()
    assert _po(root, "en", "m/b.md").metadata["Last-Translator"] == ""
    assert [e.msgid for e in _po(root, "en", "m/b.md") if e.obsolete] == []  # b's own, untranslated


runner = CliRunner()


@pytest.mark.parametrize(
    ("translate", "code", "severity"),
    [(True, 1, "error"), (False, 0, "info")],
    ids=["holding-translations", "holding-nothing"],
)
def test_a_remaining_orphan_is_named_by_check(project: Project, translate: bool, code: int, severity: str) -> None:
    root = _setup(project, {"m/a.md": _lesson("Biến và kiểu", PARAGRAPHS), "m/b.md": _lesson("Hàm", OTHER)})
    if translate:
        for lang in LANGS:
            po = _po(root, lang, "m/a.md")
            po.find(PARAGRAPHS[2]).msgstr = f"{lang}: integers and floats"
            po.save()
    (root / "content" / "m" / "a.md").unlink()
    assert api.rebuild(root).exit_code == 0  # the rebuild keeps it, and says so
    result = runner.invoke(app, ["check", "--root", str(root)])
    assert result.exit_code == code, result.stdout + result.stderr
    out = result.stdout + result.stderr
    for lang in LANGS:
        assert f"locales/{lang}/m/a.po:1: {severity}: catalog of no lesson" in out
    if translate:
        assert "holding 1 entry of translators' work" in out
        assert "move this file over the new lesson's catalog under locales/en/" in out
        assert "if the lesson was deleted, delete this file" in out
    else:
        assert "holding no translation: delete this file" in out


def test_check_before_the_rebuild_says_the_rename_is_pending(project: Project) -> None:
    root = _setup(project, {"m/a.md": _lesson("Biến và kiểu", PARAGRAPHS)})
    _work(root, "m/a.md", "Lan")
    _move(root, "m/a.md", "m/b.md")
    result = runner.invoke(app, ["check", "--root", str(root), "--format", "json"])
    assert result.exit_code == 1
    assert "catalog-stale" in result.stdout and "orphan-catalog" not in result.stdout
    assert _path(root, "en", "m/a.md").exists()  # check writes nothing


def test_a_rename_rebuilt_from_the_cache_equals_a_scratch_run(
    project: Project, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The incremental path: the lessons around are replayed, the renamed one
    migrates, and the runs after it are as runs from scratch."""
    lessons = {f"m/bai_{n}.md": _lesson(f"Bài {n}", [f"Đoạn riêng của bài số {n}."]) for n in range(5)}
    lessons["m1/bien.md"] = _lesson("Biến và kiểu", PARAGRAPHS)
    lessons["m/dung_chung.md"] = _lesson("Dùng chung", [*PARAGRAPHS[2:4], "Một câu khác hẳn."])
    root = _setup(project, lessons)
    _work(root, "m1/bien.md", "Lan")
    for lang in LANGS:
        po = _po(root, lang, "m1/bien.md")
        po.find(PARAGRAPHS[3]).msgstr = f"{lang}: strings are quoted"  # the memory fills it elsewhere
        po.save()
    api.rebuild(root)
    _move(root, "m1/bien.md", "m2/bien.md")
    for step in range(3):
        scratch = tmp_path_factory.mktemp("scratch") / root.name  # the name is the Project-Id-Version
        shutil.copytree(root, scratch, ignore=shutil.ignore_patterns(".pipeline-cache"))
        incremental, full = api.rebuild(root), api.rebuild(scratch)
        assert _tree(root) == _tree(scratch)
        assert [str(f) for f in incremental.findings] == [str(f) for f in full.findings]
        assert incremental.coverage == full.coverage
        if step == 0:
            assert "renamed" in {f.rule for f in incremental.findings}
            assert not (root / "locales" / "en" / "m1").exists()
        else:
            assert not incremental.written and not incremental.removed
    _kept(root, "m2/bien.md", "Lan")
    assert _po(root, "fr", "m/dung_chung.md").find(PARAGRAPHS[3]).msgstr == "fr: strings are quoted"


def test_an_orphan_the_job_cannot_read_is_never_removed(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _setup(project, {"m/a.md": _lesson("Biến và kiểu", PARAGRAPHS)})
    _work(root, "m/a.md", "Lan")
    before = _path(root, "en", "m/a.md").read_bytes()
    _move(root, "m/a.md", "m/b.md")
    real = job.read_catalog

    def failing(path: Path, shown: str) -> tuple[str, object, object]:
        if shown == "locales/en/m/a.po":
            return "", None, job.read_failed(shown, PermissionError(13, "Permission denied"))
        return real(path, shown)

    monkeypatch.setattr(job, "read_catalog", failing)  # the job's read only: the plan's saw it whole
    report = api.rebuild(root)
    assert report.exit_code == 2
    assert _path(root, "en", "m/a.md").read_bytes() == before
    assert not _path(root, "en", "m/b.md").exists()  # nothing made afresh beside it
    assert _po(root, "fr", "m/b.md").metadata["Last-Translator"] == "Lan"  # the other language moved
    monkeypatch.undo()
    api.rebuild(root)
    _kept(root, "m/b.md", "Lan")
    assert not _path(root, "en", "m/a.md").exists()


def test_an_orphan_saved_during_the_run_stays(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _setup(project, {"m/a.md": _lesson("Biến và kiểu", PARAGRAPHS)})
    _move(root, "m/a.md", "m/b.md")
    orphan = _path(root, "en", "m/a.md")
    real = job.run_lesson

    def saving(lesson: str, ctx: job.Context) -> job.LessonResult:
        result = real(lesson, ctx)
        text = orphan.read_text(encoding="utf-8")
        orphan.write_text(text.replace('"Last-Translator: \\n"', '"Last-Translator: Lan\\n"'), encoding="utf-8")
        return result

    monkeypatch.setattr("pipeline.engine.run_lesson", saving)
    report = api.rebuild(root)
    assert polib.pofile(str(orphan)).metadata["Last-Translator"] == "Lan"
    assert ("locales/en/m/a.po", "orphan-catalog") in {(f.path, f.rule) for f in report.findings}
    assert not _path(root, "fr", "m/a.md").exists()


# -- the rule itself -----------------------------------------------------------


def _orphan(active: set[str], obsolete: frozenset[str] = frozenset()) -> renames.Orphan:
    return renames.Orphan(frozenset(active), frozenset(active | obsolete))


SIX = {f"u{n}" for n in range(6)}


@pytest.mark.parametrize(
    ("lessons", "orphans", "paired"),
    [
        ({"m/b.md": SIX}, {"m/a": _orphan(SIX)}, {"m/b.md": "m/a"}),
        ({"m/b.md": {"u0", "u1", "u2", "x", "y", "z"}}, {"m/a": _orphan(SIX)}, {"m/b.md": "m/a"}),  # exactly half
        ({"m/b.md": {"u0", "u1", "x", "y", "z", "w"}}, {"m/a": _orphan(SIX)}, {}),  # under half
        ({"m/b.md": {"u0"}}, {"m/a": _orphan(SIX)}, {}),  # a heading alone takes nothing
        ({"m/b.md": SIX}, {"m/a": _orphan({"u0"})}, {}),  # nor is a tiny catalog taken by a large lesson
        ({"m/b.md": SIX}, {"m/a": _orphan({"u0", "u1", "u2"}, {"u3", "u4", "u5"})}, {"m/b.md": "m/a"}),  # obsolete
        ({"m/b.md": SIX}, {"m/a": _orphan(SIX, {f"old{n}" for n in range(20)})}, {"m/b.md": "m/a"}),  # history
        ({"m/b.md": SIX, "m/c.md": SIX}, {"m/a": _orphan(SIX)}, {"m/b.md": "m/a"}),  # tie: by name
        ({"m/b.md": SIX, "n/a.md": SIX}, {"m/a": _orphan(SIX)}, {"n/a.md": "m/a"}),  # tie: the same file name
        ({"n/b.md": SIX, "m/c.md": SIX}, {"m/a": _orphan(SIX)}, {"m/c.md": "m/a"}),  # tie: the same folder
        ({"m/b.md": SIX}, {"m/a": _orphan(SIX), "m/c": _orphan(SIX)}, {"m/b.md": "m/a"}),  # one orphan each
        ({"m/b.md": {"x"}}, {}, {}),
        ({"m/b.md": set()}, {"m/a": _orphan(set())}, {}),
    ],
)
def test_pairing(lessons: dict[str, set[str]], orphans: dict[str, renames.Orphan], paired: dict[str, str]) -> None:
    assert renames.pair(lessons, orphans) == paired
    assert renames.pair(dict(reversed(lessons.items())), dict(reversed(orphans.items()))) == paired
