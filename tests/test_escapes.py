"""Escapes in a translator's msgstr, through the real CLI: kept as GNU
gettext reads them, or refused with the catalog left byte for byte.

polib reads only ``\\\\ \\" \\n \\t \\r \\v \\b \\f``; it kept any other
backslash and wrote it back doubled (``\\0`` became ``\\\\0``). Each case
here writes the escape into a catalog the pipeline made, as a text editor
would, and compares what the pipeline reads with what ``msgfmt`` compiles.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from typer.testing import CliRunner

from pipeline import po as po_io
from pipeline.cli import app
from tests.conftest import msgfmt_check

DATA = Path(__file__).parent / "data" / "escapes"
runner = CliRunner()
PARAGRAPH = "Đoạn văn đầu tiên."

# escape as written -> the character gettext reads, and whether the file keeps the spelling when rewritten
KEPT = {
    "tab": ("\\t", "\t", True),
    "backslash": ("\\\\", "\\", True),
    "quote": ('\\"', '"', True),
    "bell": ("\\a", "\a", True),
    "octal": ("\\101", "A", False),
    "octal-quote": ("\\042", '"', False),
    "octal-utf8": ("\\303\\251", "é", False),
    "hex": ("\\x41", "A", False),
    "hex-one-digit": ("\\x7e", "~", False),
}
# escape as written -> what the finding says of it
REFUSED = {
    "nul": ("\\0", "`\\0` is a NUL, where gettext ends the string"),
    "nul-octal": ("\\000", "`\\000` is a NUL"),
    "nul-hex": ("\\x00", "`\\x00` is a NUL"),
    "unknown": ("\\q", "`\\q` is no escape GNU gettext knows (msgfmt: invalid control sequence)"),
    "unicode": ("\\u00e9", "`\\u` is no escape GNU gettext knows"),
    "long-hex": ("\\x414243", "`\\x414243`: gettext reads every hex digit after \\x and keeps only the last byte"),
    "eot": ("\\004", "`\\004` is U+0004"),
    "not-utf8": ("\\xff", "`\\xff`: bytes that make no UTF-8 text"),
    "bidi": ("\\\u202e", "`\\<U+202E>` is no escape GNU gettext knows"),
}


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "p"
    (root / "content").mkdir(parents=True)
    shutil.copy(DATA / "bai.md", root / "content" / "bai.md")
    assert runner.invoke(app, ["rebuild", "--root", str(root)]).exit_code == 0
    return root


def _write_msgstr(catalog: Path, text: str) -> int:
    """The paragraph's msgstr set to ``text`` as written (escapes and all),
    the way a text editor saves it; the msgstr's line."""
    source = catalog.read_text(encoding="utf-8")
    pattern = re.compile(rf'(msgid "{re.escape(PARAGRAPH)}"\nmsgstr ")"')
    assert pattern.search(source), source
    catalog.write_text(pattern.sub(lambda m: m.group(1) + text + '"', source), encoding="utf-8")
    return catalog.read_text(encoding="utf-8").split("\n").index(f'msgstr "{text}"') + 1


def _compiled(catalog: Path, tmp_path: Path) -> str:
    """The paragraph's translation as GNU msgfmt compiles it."""
    mo = tmp_path / "out.mo"
    subprocess.run(["msgfmt", "-o", str(mo), str(catalog)], check=True, capture_output=True)
    return polib.mofile(str(mo)).find(PARAGRAPH).msgstr


@pytest.mark.parametrize("name", list(KEPT))
def test_an_escape_gettext_defines_means_what_gettext_reads(tmp_path: Path, name: str) -> None:
    escape, char, spelled = KEPT[name]
    root = _project(tmp_path)
    catalog = root / "locales" / "en" / "bai.po"
    _write_msgstr(catalog, f"First{escape}paragraph.")
    assert msgfmt_check(catalog) == ""
    msgcat_of = subprocess.run(["msgcat", str(catalog)], check=True, capture_output=True, text=True).stdout
    wanted = f"First{char}paragraph."
    assert _compiled(catalog, tmp_path) == wanted
    result = runner.invoke(app, ["build", "--root", str(root)])
    assert result.exit_code == 0, result.output
    assert (root / "build" / "en" / "bai.md").read_text(encoding="utf-8").endswith(f"\n{wanted}\n")
    # An edit of the lesson makes update rewrite the catalog: the translation survives it.
    shutil.copy(DATA / "bai_edited.md", root / "content" / "bai.md")
    result = runner.invoke(app, ["rebuild", "--root", str(root)])
    assert result.exit_code == 0, result.output
    text = catalog.read_text(encoding="utf-8")
    assert "Đoạn mới thêm vào." in text  # rewritten
    assert msgfmt_check(catalog) == ""
    assert _compiled(catalog, tmp_path) == wanted
    assert {e.msgid: e.msgstr for e in po_io.loads(text, "bai.po")}[PARAGRAPH] == wanted
    # written as GNU msgcat writes the translator's file: the escape itself when gettext keeps it
    assert _msgstr_line(text) == _msgstr_line(msgcat_of)
    assert (_msgstr_line(text) == f'msgstr "First{escape}paragraph."') is spelled


def _msgstr_line(text: str) -> str:
    lines = text.split("\n")
    return lines[lines.index(f'msgid "{PARAGRAPH}"') + 1]


@pytest.mark.parametrize("name", list(REFUSED))
@pytest.mark.parametrize("command", ["update", "build", "rebuild", "check"])
def test_an_escape_gettext_would_misread_is_refused_and_the_catalog_kept(
    tmp_path: Path, name: str, command: str
) -> None:
    escape, says = REFUSED[name]
    root = _project(tmp_path)
    catalog = root / "locales" / "en" / "bai.po"
    line = _write_msgstr(catalog, f"First{escape}paragraph.")
    shutil.copy(DATA / "bai_edited.md", root / "content" / "bai.md")  # an update would rewrite it
    before = catalog.read_bytes()
    result = runner.invoke(app, [command, "--root", str(root)])
    assert result.exit_code == (1 if command == "check" else 2), result.output
    assert f"locales/en/bai.po:{line}: error: cannot read catalog: {says}" in result.output
    assert "[po-escape]" in result.output and "Traceback" not in result.output
    assert catalog.read_bytes() == before
    page = root / "build" / "en" / "bai.md"
    assert "First" not in page.read_text(encoding="utf-8")  # nothing of it published


def test_msgfmt_drops_what_follows_a_nul() -> None:
    """Why ``\\0`` is refused rather than kept: gettext ends the string there."""
    with_nul = _catalog_text('"First\\0paragraph."')
    assert po_io.loads(_catalog_text('"First\\101"'), "x.po").entries[0].msgstr == "FirstA"
    proc = subprocess.run(["msgfmt", "-o", "-", "-"], input=with_nul.encode(), capture_output=True, check=True)
    assert b"First" in proc.stdout and b"paragraph" not in proc.stdout


def _catalog_text(msgstr: str) -> str:
    return (
        f'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "{PARAGRAPH}"\nmsgstr {msgstr}\n'
    )


@pytest.mark.parametrize(
    ("written", "read"),
    [
        (['"a\\tb"'], "a\tb"),
        (['"a\\\\0"'], "a\\0"),  # an escaped backslash, then a digit: no octal escape
        (['"a\\\\\\101"'], "a\\A"),
        (['"a\\"\\x41\\""'], 'a"A"'),
        (['"\\012"'], "\n"),
        (['"a"', '"\\101"'], "aA"),  # a continued string
    ],
)
def test_escapes_are_read_token_by_token(written: list[str], read: str) -> None:
    assert po_io.loads(_catalog_text("\n".join(written)), "x.po").entries[0].msgstr == read


def test_a_bell_is_written_back_as_written() -> None:
    po = po_io.loads(_catalog_text('"ding\\a"'), "x.po")
    assert po.entries[0].msgstr == "ding\a"
    assert 'msgstr "ding\\a"' in po_io.dumps(po)
