"""The attack table: each hostile translation of tests/data/attacks/cases.toml,
what markdown-it and Python-Markdown render of the page built with it, and
what `build` and `check` say.

    pip install -e '.[test]' && python tools/attack_table.py [--out FILE]

Each case runs in a scratch project through the real CLI. "New in the
HTML" lists the destinations, tags and attributes the built page's
rendering holds and the source lesson's rendering does not: empty is safe.
Run it against another checkout (``PYTHONPATH=../old python tools/attack_table.py``)
for a before/after comparison.
"""

from __future__ import annotations

import argparse
import tempfile
import tomllib
from html.parser import HTMLParser
from pathlib import Path

import markdown as python_markdown
import polib
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.segments import segment

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "attacks"


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.add(f"<{tag}>")
        for name, value in attrs:
            if name not in ("alt", "title"):
                self.found.add(f"{tag} {name}={value or ''}")


def _html(text: str) -> tuple[set[str], set[str]]:
    md = MarkdownIt("commonmark").enable("table").use(footnote_plugin)
    out = []
    for html in (md.render(text), python_markdown.markdown(text, extensions=["tables", "footnotes"])):
        parser = _Html()
        parser.feed(html)
        out.append(parser.found)
    return out[0], out[1]


def _cell(items: set[str]) -> str:
    shown = (x.replace("\n", "⏎").replace("\t", "⇥") for x in sorted(items))
    return "; ".join(f"`{x}`" for x in shown).replace("|", "\\|") or "nothing"


def run_case(work: Path, lesson: str, spec: dict[str, object], case: dict[str, str]) -> list[str]:
    runner = CliRunner()
    (work / "content").mkdir(parents=True)
    (work / "pyproject.toml").write_text('[tool.pipeline.notices.en]\npartial = ""\n', encoding="utf-8")
    (work / "content" / "a.md").write_text(lesson, encoding="utf-8")
    (work / "content" / "b.md").write_text("# Bài B\n", encoding="utf-8")
    (work / "content" / "hinh.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    runner.invoke(app, ["rebuild", "--root", str(work)])
    units = segment(lesson).units
    translations = spec["translations"]
    assert isinstance(translations, dict)
    source = dict(zip(translations, (u.text for u in units), strict=True))
    wanted = {source[k]: v for k, v in translations.items() if v} | {source[case["unit"]]: case["translation"]}
    po = polib.pofile(str(work / "locales" / "en" / "a.po"))
    for entry in po:
        entry.msgstr = wanted.get(entry.msgid, entry.msgstr)
    po.save()
    built = runner.invoke(app, ["build", "--root", str(work)])
    checked = runner.invoke(app, ["check", "--root", str(work)])
    page = (work / "build" / "en" / "a.md").read_text(encoding="utf-8")
    (mit, pym), (mit0, pym0) = _html(page), _html(lesson)
    at = f"a.po:{_msgid_line(work / 'locales' / 'en' / 'a.po', source[case['unit']])}: "
    said = next((x for x in built.output.splitlines() if at in x), "")
    finding = said.split(": error: ", 1)[-1] if said else "none"
    payload = case["translation"].replace("\n", "⏎").replace("\t", "⇥").replace("|", "\\|")
    return [
        case["id"],
        f"`{payload}`",
        _cell(mit - mit0),
        _cell(pym - pym0),
        f"{built.exit_code} / {checked.exit_code}",
        finding.replace("|", "\\|"),
    ]


def _msgid_line(path: Path, msgid: str) -> int:
    """Where findings name an entry: its msgid keyword's line."""
    entry = polib.pofile(str(path)).find(msgid)
    assert entry is not None, msgid
    lines = path.read_text(encoding="utf-8").split("\n")
    return next(n for n in range(entry.linenum, len(lines) + 1) if lines[n - 1].startswith('msgid "'))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, help="write the table here too")
    args = parser.parse_args()
    lesson = (DATA / "lesson.md").read_text(encoding="utf-8")
    spec = tomllib.loads((DATA / "cases.toml").read_text(encoding="utf-8"))
    rows = [
        "| case | translation | new in markdown-it's HTML | new in Python-Markdown's HTML "
        "| build / check exit | finding |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for case in spec["case"]:
        with tempfile.TemporaryDirectory(prefix="pipeline-attack-") as scratch:
            rows.append("| " + " | ".join(run_case(Path(scratch), lesson, spec, case)) + " |")
    text = "\n".join(rows) + "\n"
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
