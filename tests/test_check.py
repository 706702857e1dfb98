"""`pipeline check` through the real CLI: each finding, triggered and not."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline import api
from pipeline.cli import app
from tests.conftest import msgid_line, set_translations

LESSON = """# Bài kiểm tra

Công thức $x$ và $y$ với `mã` và [liên kết](b.md).

Phím <kbd>Ctrl</kbd> để chọn.

Văn bản có hàm mất mát.
"""
TRANSLATIONS = {
    "Bài kiểm tra": "Test lesson",
    "Công thức $x$ và $y$ với `mã` và [liên kết](b.md).": "Formula $x$ and $y$ with `mã` and [link](b.md).",
    "Phím <kbd>Ctrl</kbd> để chọn.": "Press <kbd>Ctrl</kbd> to select.",
    "Văn bản có hàm mất mát.": "Text with a loss function.",
    "Bài B": "Lesson B",
}
PARAGRAPH = "Công thức $x$ và $y$ với `mã` và [liên kết](b.md)."
runner = CliRunner()


def _project(tmp_path: Path) -> Path:
    """A clean, fully translated project: `check --strict` passes on it."""
    (tmp_path / "content" / "m").mkdir(parents=True)
    (tmp_path / "content" / "m" / "a.md").write_text(LESSON, encoding="utf-8")
    (tmp_path / "content" / "m" / "b.md").write_text("# Bài B\n", encoding="utf-8")
    (tmp_path / "locales" / "en").mkdir(parents=True)
    (tmp_path / "locales" / "en" / "glossary.csv").write_text("term,translation\nhàm mất mát,loss function\n")
    api.rebuild(tmp_path)
    for rel in ("m/a.po", "m/b.po"):
        _set(tmp_path, rel, TRANSLATIONS)
    api.rebuild(tmp_path)
    return tmp_path


_set = set_translations


def _edit_po(root: Path, old: str, new: str) -> None:
    path = root / "locales" / "en" / "m" / "a.po"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


def _append_po(root: Path, text: str) -> None:
    path = root / "locales" / "en" / "m" / "a.po"
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def _lesson(root: Path, text: str) -> None:
    (root / "content" / "m" / "a.md").write_text(text, encoding="utf-8")
    api.rebuild(root)
    _set(root, "m/a.po", TRANSLATIONS)


Change = Callable[[Path], None]
# rule -> (change that triggers it, change that looks close but does not, extra CLI args, exit, message)
CASES: dict[str, tuple[Change, Change, list[str], int, str]] = {
    "catalog-stale": (
        lambda r: (r / "content" / "m" / "b.md").write_text("# Bài B\n\nĐoạn mới.\n", encoding="utf-8"),
        lambda r: api.rebuild(r),
        [],
        1,
        "locales/templates/m/b.pot:1: error: catalog out of date: run `pipeline rebuild`",
    ),
    "catalog-syntax": (
        lambda r: _edit_po(r, 'msgstr "Test lesson"', 'msgstr "Test lesson'),
        lambda r: _edit_po(r, 'msgstr "Test lesson"', 'msgstr "Test \\"lesson\\""'),
        [],
        1,
        "locales/en/m/a.po:",
    ),
    "catalog-duplicate": (
        lambda r: _edit_po(r, "#. heading 1", 'msgid "Bài B"\nmsgstr "x"\n\nmsgid "Bài B"\nmsgstr "y"\n\n#. heading 1'),
        lambda r: _append_po(r, '\n#~ msgid "Bài kiểm tra"\n#~ msgstr "Old title"\n'),
        [],
        1,
        "duplicate entry 'Bài B' (first at line",
    ),
    "bad-header": (
        lambda r: _edit_po(r, '"Language: en\\n"', '"Language: fr\\n"'),
        lambda r: _edit_po(r, '"Last-Translator: \\n"', '"Last-Translator: Lan <lan@example.org>\\n"'),
        [],
        1,
        "locales/en/m/a.po:1: error: Language is 'fr', expected 'en'",
    ),
    "protected-span": (
        lambda r: _set(r, "m/a.po", {PARAGRAPH: "Formula $x$ with `mã` and [link](b.md)."}),
        lambda r: _set(r, "m/a.po", {PARAGRAPH: "With `mã` and [link](b.md): $y$ and $x$."}),
        [],
        1,
        "error: translation of the paragraph changes protected text (missing '$y$'); "
        "source kept (lesson content/m/a.md:3)",
    ),
    "active-content": (
        lambda r: _set(r, "m/a.po", {"Phím <kbd>Ctrl</kbd> để chọn.": "Press <kbd>Ctrl</kbd><script>x()</script>."}),
        lambda r: _set(r, "m/a.po", {"Phím <kbd>Ctrl</kbd> để chọn.": "Hold <kbd>Ctrl</kbd> down to select."}),
        [],
        1,
        "translation of the paragraph adds a <script> tag not in the source; source kept (lesson content/m/a.md:5)",
    ),
    "vietnamese-left": (
        lambda r: _set(r, "m/a.po", {"Văn bản có hàm mất mát.": "Text with a loss function (chưa dịch)."}),
        lambda r: _set(r, "m/a.po", {PARAGRAPH: "Formula $x$ and $y$, see `mã`, and [link](b.md)."}),
        [],
        1,
        "Vietnamese text left in the en translation: translate it (lesson content/m/a.md:7)",
    ),
    "broken-link": (
        lambda r: _lesson(r, LESSON + "\nXem [bài cũ](khong_co.md).\n"),
        lambda r: _lesson(r, LESSON + "\nXem [bài B](b.md#phan-1), [trang](https://example.org) và [đầu](#top).\n"),
        [],
        1,
        "content/m/a.md:9: error: link to 'khong_co.md' resolves to no file",
    ),
    "glossary-term": (
        lambda r: _set(r, "m/a.po", {"Văn bản có hàm mất mát.": "Text with a cost."}),
        lambda r: _set(r, "m/a.po", {"Văn bản có hàm mất mát.": "Text with two loss functions."}),
        ["--strict"],
        1,
        "warning: 'hàm mất mát' should be translated as 'loss function' (glossary) (lesson content/m/a.md:7)",
    ),
    "unclosed-fence": (
        lambda r: _lesson(r, LESSON + "\n```python\nprint(1)\n"),
        lambda r: _lesson(r, LESSON + "\n```python\nprint(1)\n```\n"),
        ["--strict"],
        1,
        "content/m/a.md:9: warning: code fence is never closed",
    ),
    "unbalanced-dollar": (
        lambda r: _lesson(r, LESSON + "\nGiá là 5$ một tháng.\n"),
        lambda r: _lesson(r, LESSON + "\nGiá là 5\\$ một tháng.\n"),
        ["--strict"],
        1,
        "content/m/a.md:9: warning: a `$` opens no math here",
    ),
    "mojibake": (
        lambda r: _lesson(r, LESSON + "\nChá»§ Äá» cá»§a bÃ i.\n"),
        lambda r: _lesson(r, LESSON + "\nChủ đề của bài.\n"),
        ["--strict"],
        1,
        "content/m/a.md:9: warning: text looks like mojibake",
    ),
    "coverage": (
        lambda r: _set(r, "m/a.po", {"Văn bản có hàm mất mát.": ""}),
        lambda r: _set(r, "m/a.po", {"Văn bản có hàm mất mát.": ""}),
        ["--min-coverage", "90"],
        1,
        "en is 80.0% translated, under the 90% required",
    ),
}


@pytest.mark.parametrize("rule", sorted(CASES))
def test_finding_is_reported(tmp_path: Path, rule: str) -> None:
    trigger, _, args, code, message = CASES[rule]
    root = _project(tmp_path)
    trigger(root)
    result = runner.invoke(app, ["check", "--root", str(root), *args])
    assert result.exit_code == code, result.stdout + result.stderr
    assert message in result.stdout
    assert f"[{rule}]" in result.stdout


@pytest.mark.parametrize("rule", sorted(CASES))
def test_near_miss_is_not_reported(tmp_path: Path, rule: str) -> None:
    _, near_miss, args, _, _ = CASES[rule]
    root = _project(tmp_path)
    near_miss(root)
    if rule == "coverage":
        args = ["--min-coverage", "80"]
    result = runner.invoke(app, ["check", "--root", str(root), "--strict", *args])
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert "check passed: 0 errors, 0 warnings" in result.stderr


def test_warnings_pass_without_strict(tmp_path: Path) -> None:
    root = _project(tmp_path)
    CASES["glossary-term"][0](root)
    result = runner.invoke(app, ["check", "--root", str(root)])
    assert result.exit_code == 0
    assert "[glossary-term]" in result.stdout


def test_mojibake_can_be_an_error(tmp_path: Path) -> None:
    root = _project(tmp_path)
    CASES["mojibake"][0](root)
    (root / "pyproject.toml").write_text('[tool.pipeline]\nmojibake = "error"\n', encoding="utf-8")
    result = runner.invoke(app, ["check", "--root", str(root)])
    assert result.exit_code == 1 and "error: text looks like mojibake" in result.stdout


def test_module_threshold_from_settings(tmp_path: Path) -> None:
    root = _project(tmp_path)
    CASES["coverage"][0](root)
    (root / "pyproject.toml").write_text('[tool.pipeline.min_coverage]\n"en/m" = 100\n', encoding="utf-8")
    result = runner.invoke(app, ["check", "--root", str(root)])
    assert result.exit_code == 1
    assert "en module m is 80.0% translated, under the 100% required" in result.stdout


def test_github_and_json_formats(tmp_path: Path) -> None:
    root = _project(tmp_path)
    CASES["protected-span"][0](root)
    github = runner.invoke(app, ["check", "--root", str(root), "--format", "github"])
    assert github.exit_code == 1
    line = msgid_line(root / "locales" / "en" / "m" / "a.po", PARAGRAPH)  # the entry's msgid, as the build names it
    assert github.stdout.startswith(f"::error file=locales/en/m/a.po,line={line},")
    assert ",title=protected-span::translation of the paragraph changes protected text" in github.stdout
    data = json.loads(runner.invoke(app, ["check", "--root", str(root), "--format", "json"]).stdout)
    assert data["errors"] == 1 and data["findings"][0]["rule"] == "protected-span"


def test_unusable_input_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", "--root", str(tmp_path)])
    assert result.exit_code == 2 and "no content folder" in result.stderr


def test_embedded_course_passes_strict() -> None:
    result = runner.invoke(app, ["check", "--root", str(Path(__file__).parent.parent), "--strict"])
    assert result.exit_code == 0, result.stdout
