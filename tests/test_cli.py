"""The real command line: exit codes, messages, summaries."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import polib
import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from tests.conftest import msgid_line

Project = Callable[[dict[str, str]], Path]
runner = CliRunner()
LESSON = "# Bài học\n\nĐoạn văn có $x$ và `mã`.\n"
NOT_YET = "> ⚠️ This lesson is not translated yet; it is shown in Vietnamese.\n\n"
PARTLY = "> ⚠️ This lesson is 50% translated; the rest is shown in Vietnamese.\n\n"


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_rebuild_on_a_root_holding_only_content(project: Project) -> None:
    root = project({"m/a.md": LESSON, "m/hinh/a.svg": "<svg/>"})
    code, out, err = run("rebuild", "--root", str(root))
    assert code == 0, err
    assert out.strip() == "1 lessons, 2 entries, en 0.0% translated (0/2), 6 files changed"
    assert err == ""
    assert (root / "locales" / "templates" / "m" / "a.pot").is_file()
    assert (root / "locales" / "en" / "m" / "a.po").is_file()
    assert (root / "build" / "en" / "m" / "a.md").read_text(encoding="utf-8") == NOT_YET + LESSON
    assert (root / "build" / "vi" / "m" / "a.md").read_text(encoding="utf-8") == LESSON
    assert (root / "build" / "en" / "m" / "hinh" / "a.svg").read_text(encoding="utf-8") == "<svg/>"


def test_second_rebuild_is_quiet(project: Project) -> None:
    root = project({"m/a.md": LESSON})
    run("rebuild", "--root", str(root))
    code, out, err = run("rebuild", "--root", str(root))
    assert (code, err) == (0, "")
    assert out.strip().endswith("nothing changed")


def test_commands_one_by_one(project: Project) -> None:
    root = project({"m/a.md": LESSON})
    assert run("extract", "--root", str(root))[0] == 0
    assert run("update", "--root", str(root), "--lang", "en")[0] == 0
    po_path = root / "locales" / "en" / "m" / "a.po"
    po = polib.pofile(str(po_path))
    po.find("Bài học").msgstr = "The lesson"  # type: ignore[union-attr]
    po.save()
    code, _out, _ = run("build", "--root", str(root))
    assert code == 0
    assert (root / "build" / "en" / "m" / "a.md").read_text(encoding="utf-8") == PARTLY + LESSON.replace(
        "# Bài học", "# The lesson"
    )


def test_update_without_templates_says_what_to_do(project: Project) -> None:
    root = project({"m/a.md": LESSON})
    code, _, err = run("update", "--root", str(root))
    assert code == 2
    assert (
        "content/m/a.md:1: error: no template for this lesson (locales/templates/m/a.pot): run `pipeline extract`"
        in err
    )


def test_invalid_utf8_names_file_and_line_and_others_go_on(project: Project) -> None:
    root = project({"m/a.md": LESSON, "m/b.md": "# Khác\n"})
    (root / "content" / "m" / "b.md").write_bytes(b"# Kh\xc3\xa1c\n\nD\xf2ng hai\n")
    code, _out, err = run("rebuild", "--root", str(root))
    assert code == 2
    assert "content/m/b.md:3: error: not valid UTF-8 (byte 0xf2 at offset 10)" in err
    assert "Traceback" not in err
    assert (root / "build" / "en" / "m" / "a.md").is_file()
    assert (root / "locales" / "en" / "m" / "a.po").is_file()


def test_broken_catalog_is_reported_and_never_overwritten(project: Project) -> None:
    root = project({"m/a.md": LESSON, "m/b.md": "# Khác\n"})
    run("rebuild", "--root", str(root))
    broken = root / "locales" / "en" / "m" / "a.po"
    text = broken.read_text(encoding="utf-8").replace('msgstr ""\n\n#.', 'msgstr "The lesson\n\n#.', 1)
    broken.write_text(text, encoding="utf-8")
    code, _, err = run("rebuild", "--root", str(root))
    assert code == 2
    assert "locales/en/m/a.po:" in err and "cannot read catalog" in err
    assert broken.read_text(encoding="utf-8") == text
    assert (root / "build" / "en" / "m" / "b.md").is_file()


@pytest.mark.parametrize("lang", ["fr", "pt_BR", "sr@latin", "zh_Hant"])
def test_any_language_cldr_knows_works_without_settings(project: Project, lang: str) -> None:
    root = project({"m/a.md": LESSON})
    code, out, err = run("rebuild", "--root", str(root), "--lang", lang)
    assert (code, err) == (0, ""), err
    assert f"{lang} 0.0% translated (0/2)" in out
    po = polib.pofile(str(root / "locales" / lang / "m" / "a.po"))
    assert po.metadata["Language"] == lang
    assert (root / "build" / lang / "m" / "a.md").read_text(encoding="utf-8") == NOT_YET + LESSON
    assert not (root / "locales" / "en").exists()  # only the language asked for
    assert run("check", "--root", str(root), "--lang", lang)[0] == 0
    assert run("stats", "--root", str(root), "--lang", lang, "--format", "csv")[0] == 0


@pytest.mark.parametrize(
    ("lang", "complaint"),
    [
        ("../etc", "'../etc' is not a language code"),
        ("en/..", "'en/..' is not a language code"),
        ("a b", "'a b' is not a language code"),
        ("", "'' is not a language code"),
        ("pt-BR", "'pt-BR' is not a language code like fr, pt_BR, zh_Hant or sr@latin (did you mean 'pt_BR'?)"),
        ("xx", "'xx' is not a language CLDR knows; to use it anyway, add it to [tool.pipeline] languages"),
        ("vi", "'vi' is the source language"),
    ],
)
def test_a_bad_lang_is_a_usage_error_naming_it(project: Project, lang: str, complaint: str) -> None:
    root = project({"m/a.md": LESSON})
    for command in ("rebuild", "update", "build", "check", "stats"):
        code, _, err = run(command, "--root", str(root), "--lang", lang)
        assert code == 2, command
        assert f"--lang: error: {complaint}" in err, command
    assert not (root / "locales").exists() and not (root / "build").exists()  # nothing written


def test_a_configured_language_cldr_does_not_know_is_taken(project: Project) -> None:
    root = project({"m/a.md": LESSON})
    (root / "pyproject.toml").write_text('[tool.pipeline]\nlanguages = ["en", "xx"]\n', encoding="utf-8")
    code, _, err = run("rebuild", "--root", str(root), "--lang", "xx")
    assert (code, err) == (0, "")
    assert polib.pofile(str(root / "locales" / "xx" / "m" / "a.po")).metadata["Language"] == "xx"


def test_pseudo_lang_is_a_code_too(project: Project) -> None:
    root = project({"m/a.md": LESSON})
    code, _, err = run("pseudo", "--root", str(root), "--lang", "../qps")
    assert code == 2
    assert "--lang: error: '../qps' is not a language code" in err
    assert not (root / "build").exists()


def test_missing_content_folder(tmp_path: Path) -> None:
    code, _, err = run("rebuild", "--root", str(tmp_path))
    assert code == 2
    assert "content: error: no content folder" in err


def test_bad_settings_name_the_file(project: Project) -> None:
    root = project({"m/a.md": LESSON})
    (root / "pyproject.toml").write_text(
        "[project]\nname = 'x'\n\n[tool.pipeline]\nlanguage = ['en']\n", encoding="utf-8"
    )
    code, _, err = run("rebuild", "--root", str(root))
    assert code == 2
    assert "pyproject.toml:5: error: unknown setting(s) in [tool.pipeline]: language" in err


@pytest.mark.parametrize(
    ("setting", "complaint"),
    [
        ("boilerplate = 5", "boilerplate has the wrong type: 5"),  # not a list at all: once an internal error
        ('boilerplate = [["<!-- a -->"]]', "boilerplate has the wrong type"),
        ('languages = "en"', "languages has the wrong type: 'en'"),
        ("min_coverage = { en = 'all' }", "min_coverage has a bad value"),
        ('mojibake = "fatal"', "mojibake has a bad value: 'fatal'"),
        ('languages = ["en", "../x"]', "languages: '../x' is not a language code"),
        ('source_lang = "vi/.."', "source_lang: 'vi/..' is not a language code"),
    ],
)
def test_a_setting_of_the_wrong_kind_names_its_line(project: Project, setting: str, complaint: str) -> None:
    root = project({"m/a.md": LESSON})
    (root / "pyproject.toml").write_text(f"[tool.pipeline]\n{setting}\n", encoding="utf-8")
    code, _, err = run("rebuild", "--root", str(root))
    assert code == 2
    assert f"pyproject.toml:2: error: [tool.pipeline] {complaint}" in err


def test_refused_translation_exits_1_with_file_and_line(project: Project) -> None:
    root = project({"m/a.md": LESSON})
    run("rebuild", "--root", str(root))
    po_path = root / "locales" / "en" / "m" / "a.po"
    po = polib.pofile(str(po_path))
    po.find("Đoạn văn có $x$ và `mã`.").msgstr = "A paragraph with $y$ and `mã`."  # type: ignore[union-attr]
    po.save()
    code, _, err = run("build", "--root", str(root))
    assert code == 1
    at = f"locales/en/m/a.po:{msgid_line(po_path, 'Đoạn văn có $x$ và `mã`.')}"
    assert f"{at}: error: translation of the paragraph changes protected text" in err
    assert "source kept (lesson content/m/a.md:3) [protected-span]" in err
    assert (root / "build" / "en" / "m" / "a.md").read_text(encoding="utf-8") == NOT_YET + LESSON


def test_unclosed_fence_is_a_warning(project: Project) -> None:
    root = project({"m/a.md": "# Tiêu đề\n\n```\nmã\n"})
    code, _, err = run("rebuild", "--root", str(root))
    assert code == 0
    assert "content/m/a.md:3: warning: code fence is never closed" in err


def test_real_process_entry_point(project: Project) -> None:
    root = project({"m/a.md": LESSON})
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "rebuild", "--root", str(root)], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert "1 lessons, 2 entries" in proc.stdout


def test_help_lists_commands() -> None:
    code, out, _ = run("--help")
    assert code == 0
    for command in ("extract", "update", "build", "rebuild"):
        assert command in out


def test_translation_that_reshapes_the_lesson_exits_1(project: Project) -> None:
    root = project({"m/a.md": LESSON})
    run("rebuild", "--root", str(root))
    po_path = root / "locales" / "en" / "m" / "a.po"
    po = polib.pofile(str(po_path))
    po.find("Bài học").msgstr = "The lesson"  # type: ignore[union-attr]
    po.find("Đoạn văn có $x$ và `mã`.").msgstr = "A paragraph with $x$\n# and `mã`."  # type: ignore[union-attr]
    po.save()
    code, _out, err = run("build", "--root", str(root))
    assert code == 1
    at = f"locales/en/m/a.po:{msgid_line(po_path, 'Đoạn văn có $x$ và `mã`.')}"
    assert f"{at}: error: translation of the paragraph would change the lesson's Markdown structure" in err
    assert "(lesson content/m/a.md:3) [structure]" in err
    built = (root / "build" / "en" / "m" / "a.md").read_text(encoding="utf-8")
    assert built == PARTLY + LESSON.replace("# Bài học", "# The lesson")


@pytest.mark.parametrize("command", [["rebuild"], ["doctor", "--diff"]])
def test_user_text_is_printed_literally(project: Project, command: list[str]) -> None:
    """No rich markup, no emoji shortcodes: `:100:` is not 💯, `:fire:` is
    not 🔥 and `[bold]` is text, in findings and in diffs."""
    lines = ["# Bài học", ""] + ["Dòng văn bản."] * 97 + ["Giá $5 cho :fire: và [bold]đậm[/bold]\u200b."]
    root = project({"m/a.md": "\n".join(lines) + "\n"})
    result = runner.invoke(app, [*command, "--root", str(root)])
    shown = result.stdout + result.stderr
    assert "💯" not in shown and "🔥" not in shown
    if command == ["rebuild"]:  # at the line of the `$`, not the paragraph's first
        assert "content/m/a.md:100: warning: a `$` opens no math here" in result.stderr
    else:
        assert ":fire:" in shown and "[bold]đậm[/bold]" in shown, shown
