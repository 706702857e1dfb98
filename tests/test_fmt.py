"""`pipeline fmt`: canonical Markdown for authors, never at the cost of content."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.structure import structure_problems

Project = Callable[[dict[str, str]], Path]
runner = CliRunner()
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


def test_change_beyond_layout_is_refused(project: Project) -> None:
    text = "1.\tMục có tab giữa dấu và chữ\n\n•\tDấu chấm tròn tự gõ\n"
    root = project({"a.md": text})
    result = runner.invoke(app, ["fmt", "--root", str(root)])
    assert result.exit_code == 0
    assert "content/a.md:1: warning: not formatted: it would change more than layout" in result.stderr
    assert (root / "content" / "a.md").read_text(encoding="utf-8") == text
