"""`pipeline stats`: figures against fresh text, in every format."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import polib
from typer.testing import CliRunner

from pipeline import api
from pipeline.cli import app

Project = Callable[[dict[str, str]], Path]
runner = CliRunner()


def _project(project: Project) -> Path:
    root = project({"m1/a.md": "# Bài một\n\nĐoạn văn có năm âm tiết.\n\nGitHub Copilot\n", "m2/b.md": "# Bài hai\n"})
    api.rebuild(root)
    po = polib.pofile(str(root / "locales" / "en" / "m1" / "a.po"))
    po.find("Bài một").msgstr = "Lesson one"  # type: ignore[union-attr]
    entry = po.find("Đoạn văn có năm âm tiết.")
    entry.msgstr, entry.flags = "A paragraph.", ["fuzzy"]  # type: ignore[union-attr]
    po.save()
    return root


def test_json_is_stable_and_counts_each_status_apart(project: Project) -> None:
    root = _project(project)
    result = runner.invoke(app, ["stats", "--root", str(root), "--by", "module", "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert (data["schema"], data["source_language"], data["word_unit"], data["by"]) == (1, "vi", "syllables", "module")
    m1 = next(r for r in data["rows"] if r["module"] == "m1")
    assert (m1["translated"], m1["copied"], m1["fuzzy"], m1["untranslated"], m1["total"]) == (1, 1, 1, 0, 3)
    assert m1["percent"] == 66.7  # fuzzy never counts
    assert (m1["translated_words"], m1["fuzzy_words"], m1["copied_words"]) == (2, 6, 2)
    m2 = next(r for r in data["rows"] if r["module"] == "m2")
    assert (m2["untranslated"], m2["percent"]) == (1, 0.0)


def test_lesson_without_catalog_counts_as_zero(project: Project) -> None:
    root = _project(project)
    (root / "content" / "m2" / "c.md").write_text("# Bài ba chưa có bản dịch\n", encoding="utf-8")
    result = runner.invoke(app, ["stats", "--root", str(root), "--by", "lesson", "--format", "csv"])
    rows = {r["lesson"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert rows["m2/c.md"]["percent"] == "0.0" and rows["m2/c.md"]["untranslated"] == "1"


def test_stale_catalog_cannot_inflate_figures(project: Project) -> None:
    root = _project(project)
    (root / "content" / "m1" / "a.md").write_text("# Tiêu đề đã đổi\n", encoding="utf-8")
    data = json.loads(runner.invoke(app, ["stats", "--root", str(root), "--by", "lesson", "-f", "json"]).stdout)
    row = next(r for r in data["rows"] if r["lesson"] == "m1/a.md")
    assert (row["translated"], row["untranslated"], row["obsolete"]) == (0, 1, 3)


def test_markdown_table_and_badge(project: Project, tmp_path: Path) -> None:
    root = _project(project)
    badge = tmp_path / "coverage.svg"
    result = runner.invoke(app, ["stats", "--root", str(root), "--format", "markdown", "--badge", str(badge)])
    assert result.exit_code == 0
    assert "| Language | Coverage | Translated | Copied | Fuzzy | Refused | Untranslated | Obsolete |" in result.stdout
    assert "| en | 50.0% | 1 | 1 | 1 | 0 | 1 | 0 | 4/12 (33.3%) |" in result.stdout
    svg = badge.read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "translated en: 50%" in svg
