"""Attacks through a catalog, through the real CLI: each hostile translation
of tests/data/attacks/cases.toml is refused at build (the unit keeps its
source text) and reported by `check` at the catalog's file and line; the
built page, rendered by markdown-it and by Python-Markdown (what MkDocs
uses), holds no destination, tag or attribute the source's rendering lacks."""

from __future__ import annotations

import tomllib
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import markdown as python_markdown
import polib
import pytest
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin
from typer.testing import CliRunner

from pipeline import api
from pipeline.cli import app
from pipeline.segments import segment
from tests.conftest import msgid_line

DATA = Path(__file__).parent / "data" / "attacks"
LESSON = (DATA / "lesson.md").read_text(encoding="utf-8")
SPEC = tomllib.loads((DATA / "cases.toml").read_text(encoding="utf-8"))
CASES = {c["id"]: c for c in SPEC["case"]}
UNITS = segment(LESSON).units
SOURCE = dict(zip(SPEC["translations"], (u.text for u in UNITS), strict=True))  # key -> msgid
ELEMENT = dict(zip(SPEC["translations"], (u.element for u in UNITS), strict=True))

runner = CliRunner()


def _project(root: Path) -> Path:
    (root / "content").mkdir(parents=True)
    # no "partly translated" notice: the page of a refusal has the source's structure
    (root / "pyproject.toml").write_text('[tool.pipeline.notices.en]\npartial = ""\n', encoding="utf-8")
    (root / "content" / "a.md").write_text(LESSON, encoding="utf-8")
    (root / "content" / "b.md").write_text("# Bài B\n", encoding="utf-8")
    (root / "content" / "hinh.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    assert api.rebuild(root).exit_code == 0
    return root


def _translate(root: Path, unit: str, translation: str) -> None:
    path = root / "locales" / "en" / "a.po"
    po = polib.pofile(str(path))
    wanted = {SOURCE[k]: v for k, v in SPEC["translations"].items() if v} | {SOURCE[unit]: translation}
    for entry in po:
        if entry.msgid in wanted:
            entry.msgstr = wanted.pop(entry.msgid)
    assert not wanted, wanted
    po.save()


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: Counter[tuple[str, ...]] = Counter()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found[("tag", tag)] += 1
        for name, value in attrs:
            text = name in ("alt", "title")  # prose: translated
            self.found[("attribute", tag, name, "" if text else value or "")] += 1


def _rendered(text: str) -> set[tuple[str, ...]]:
    """Tags and attributes (with their values) of the page as markdown-it
    and Python-Markdown render it."""
    md = MarkdownIt("commonmark").enable("table").use(footnote_plugin)
    found: set[tuple[str, ...]] = set()
    for html in (md.render(text), python_markdown.markdown(text, extensions=["tables", "footnotes"])):
        parser = _Html()
        parser.feed(html)
        found |= set(parser.found)
    return found


@pytest.mark.parametrize("case", sorted(CASES))
def test_attack(tmp_path: Path, case: str) -> None:
    c = CASES[case]
    root = _project(tmp_path)
    _translate(root, c["unit"], c["translation"])
    catalog = root / "locales" / "en" / "a.po"
    at = f"locales/en/a.po:{msgid_line(catalog, SOURCE[c['unit']])}"
    built = runner.invoke(app, ["build", "--root", str(root)])
    page = (root / "build" / "en" / "a.md").read_text(encoding="utf-8")
    checked = runner.invoke(app, ["check", "--root", str(root)])
    if not c["rule"]:
        assert built.exit_code == 0, built.output
        assert c["translation"] in page
        assert checked.exit_code == 0, checked.output
    else:
        assert built.exit_code == 1, built.output
        finding = f"{at}: error: translation of the {ELEMENT[c['unit']]} "
        for output in (built.output, checked.output):
            line = next((x for x in output.splitlines() if x.startswith(finding)), None)
            assert line is not None, output
            assert c["named"] in line and line.endswith(f"[{c['rule']}]"), line
        assert checked.exit_code == 1
        assert checked.output.count(f"[{c['rule']}]") == 1, checked.output
        assert c["translation"] not in page
        assert SOURCE[c["unit"]] in page  # the unit kept its source text
    assert SPEC["translations"]["title"] in page  # the rest is still translated
    new = _rendered(page) - _rendered(LESSON)
    assert not new, new


def test_every_unit_of_the_lesson_has_a_harmless_translation() -> None:
    assert len(SOURCE) == len(UNITS) == len(SPEC["translations"])
    assert {c["unit"] for c in CASES.values()} <= set(SOURCE)
