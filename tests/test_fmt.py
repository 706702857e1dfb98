"""`pipeline fmt`: canonical Markdown for authors, never at the cost of content.

Formatting must never cost a translation: every unit keeps its msgid byte
for byte (mdformat's escapes, encoded destinations and hard-break style are
put back), and a lesson where that cannot be stays as it is, with a finding.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import polib
import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.formatting import format_lesson
from pipeline.segments import segment
from pipeline.structure import structure_problems
from pipeline.verify import pseudo
from tests.conftest import set_translations

Project = Callable[[dict[str, str]], Path]
runner = CliRunner()
DATA = Path(__file__).parent / "data" / "fmt"
KEPT = sorted(p.name for p in (DATA / "kept").glob("*.md"))
# Each refused lesson and the reason its finding gives.
REFUSED = {
    "bracket_line.md": "the list item on line 3 would not stay the same unit",  # `\[` would open display math
    "lazy_list.md": "the text of the paragraph on line 1 would change",  # an unindented `1.` would start a list
    "unused_definition.md": "would drop a link definition",  # mdformat drops definitions no link uses
}
MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$|\\\(.*?\\\)|\\\[.*?\\\]", re.DOTALL)
LESSON = """Tiêu đề
=======
* Mục có $x_1*y_2$ và `mã_*`
* Mục hai
  $$
  \\begin{aligned}
    a &= b \\\\
    c &= d
  \\end{aligned}
  $$

| Cột | Công thức |
|---|---|
| Một | $a \\| b$ và \\(x_i\\) |
"""


def _msgids(text: str) -> list[tuple[str, str]]:
    return [(u.element, u.text) for u in segment(text).units]


def test_check_then_format_then_clean(project: Project) -> None:
    root = project({"a.md": LESSON})
    checked = runner.invoke(app, ["fmt", "--root", str(root), "--check"])
    assert checked.exit_code == 1
    assert "content/a.md:1: error: not in canonical form: run `pipeline fmt` [fmt]" in checked.stderr
    assert "1 files would change" in checked.stdout
    assert (root / "content" / "a.md").read_text(encoding="utf-8") == LESSON

    assert runner.invoke(app, ["fmt", "--root", str(root)]).exit_code == 0
    formatted = (root / "content" / "a.md").read_text(encoding="utf-8")
    assert formatted != LESSON
    assert formatted.startswith("# Tiêu đề\n")
    assert "| Một | $a \\| b$ và \\(x_i\\) |" in formatted
    assert structure_problems(LESSON, formatted, swapped=False) == []  # math, code, text: all intact

    again = runner.invoke(app, ["fmt", "--root", str(root), "--check"])
    assert again.exit_code == 0 and "nothing would change" in again.stdout


@pytest.mark.parametrize("name", KEPT)
def test_units_keep_their_bytes(name: str) -> None:
    """mdformat rewrites these units' text; the source's text is put back."""
    source = (DATA / "kept" / name).read_text(encoding="utf-8")
    formatted, refused = format_lesson(source)
    assert refused == []
    assert _msgids(formatted) == _msgids(source)
    assert MATH.findall(formatted) == MATH.findall(source)  # LaTeX, and `_` in it, byte for byte
    assert format_lesson(formatted) == (formatted, [])  # canonical: a second run changes nothing


@pytest.mark.parametrize("name", KEPT)
def test_crlf_lesson_keeps_its_line_ends(name: str) -> None:
    source = (DATA / "kept" / name).read_text(encoding="utf-8").replace("\n", "\r\n")
    formatted, refused = format_lesson(source)
    assert refused == [] and "\n" not in formatted.replace("\r\n", "")
    assert _msgids(formatted) == _msgids(source)


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("Mở đầu.\n\n***\n\nKết thúc.\n", "Mở đầu.\n\n---\n\nKết thúc.\n"),  # `---` is the course's break
        ("1. một\n1. hai\n1. ba\n", "1. một\n2. hai\n3. ba\n"),  # numbered as read
        ("| a | b |\n|:-|-:|\n| một | hai |\n", "| a | b |\n| :--- | ---: |\n| một | hai |\n"),  # unpadded
        ("| a  | b  |\n| -- | -- |\n| một | hai |\n", "| a | b |\n| --- | --- |\n| một | hai |\n"),
        ("Bài học\n\n[Trang chủ](../index.md)", "Bài học\n\n[Trang chủ](../index.md)\n"),  # a final line end
    ],
)
def test_course_style(written: str, canonical: str) -> None:
    assert format_lesson(written) == (canonical, [])
    assert format_lesson(canonical) == (canonical, [])


def test_style_fixture_is_canonical() -> None:
    """`---`, 1. 2. 3., `| --- |` and a padded table that lines up: as written."""
    text = (DATA / "kept" / "style.md").read_text(encoding="utf-8")
    assert format_lesson(text) == (text, [])


@pytest.mark.parametrize(("name", "reason"), sorted(REFUSED.items()))
def test_change_beyond_layout_is_refused(project: Project, name: str, reason: str) -> None:
    text = (DATA / "refused" / name).read_text(encoding="utf-8")
    root = project({name: text})
    result = runner.invoke(app, ["fmt", "--root", str(root)])
    assert result.exit_code == 0
    assert f"content/{name}:1: warning: not formatted: it would change more than layout ({reason}" in result.stderr
    assert "[fmt-refused]" in result.stderr
    assert (root / "content" / name).read_text(encoding="utf-8") == text
    checked = runner.invoke(app, ["fmt", "--root", str(root), "--check"])
    assert checked.exit_code == 0 and "[fmt-refused]" in checked.stderr


def _translations(root: Path) -> dict[tuple[str, str | None, str], tuple[str, bool]]:
    """Every translated entry of every English catalog: (msgstr, fuzzy)."""
    found = {}
    for path in sorted((root / "locales" / "en").rglob("*.po")):
        for entry in polib.pofile(str(path)):
            if entry.msgstr and not entry.obsolete:
                found[(path.name, entry.msgctxt, entry.msgid)] = (entry.msgstr, "fuzzy" in entry.flags)
    return found


def test_sample_course_keeps_every_translation(course: Path) -> None:
    """The sample course, plus lessons mdformat rewrites, fully translated:
    after `fmt` every entry is still translated, not fuzzy, the same msgstr."""
    module = course / "content" / "04_dinh_dang"
    module.mkdir()
    for name in KEPT:
        shutil.copy(DATA / "kept" / name, module / name)
    assert runner.invoke(app, ["rebuild", "--root", str(course)]).exit_code == 0
    for name in KEPT:
        units = segment((module / name).read_text(encoding="utf-8")).units
        set_translations(course, f"04_dinh_dang/{name[:-3]}.po", {u.text: pseudo(u.text, u.spans) for u in units})
    assert runner.invoke(app, ["rebuild", "--root", str(course)]).exit_code == 0
    before = _translations(course)
    lessons = {p: p.read_text(encoding="utf-8") for p in sorted((course / "content").rglob("*.md"))}

    result = runner.invoke(app, ["fmt", "--root", str(course)])
    assert result.exit_code == 0, result.stderr
    assert "fmt-refused" not in result.stderr
    checked = runner.invoke(app, ["fmt", "--root", str(course), "--check"])
    assert checked.exit_code == 0 and "nothing would change" in checked.stdout
    rebuilt = runner.invoke(app, ["rebuild", "--root", str(course)])
    assert rebuilt.exit_code == 0, rebuilt.stderr
    assert "fuzzy" not in rebuilt.stdout

    after = _translations(course)
    assert after == before
    assert not any(fuzzy for _, fuzzy in after.values())
    assert len(before) > 400
    for path, text in lessons.items():
        now = path.read_text(encoding="utf-8")
        assert MATH.findall(now) == MATH.findall(text), path
        assert _msgids(now) == _msgids(text), path
