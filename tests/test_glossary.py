"""Glossary: comments on entries, and translations that miss approved terms."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polib

from pipeline import api, glossary
from tests.conftest import msgid_line

Project = Callable[[dict[str, str]], Path]
GLOSSARY = "term,translation,note\nHọc Liên Kết,Federated Learning,\nhàm mất mát,loss function,not 'cost'\n"


def test_entries_list_their_glossary_hits(project: Project) -> None:
    root = project({"a.md": "# Học liên kết\n\nMỗi máy tính một hàm mất mát riêng.\n\nKhông có thuật ngữ.\n"})
    (root / "locales" / "en").mkdir(parents=True)
    (root / "locales" / "en" / "glossary.csv").write_text(GLOSSARY, encoding="utf-8")
    api.rebuild(root)
    po = polib.pofile(str(root / "locales" / "en" / "a.po"))
    comments = {e.msgid: e.comment for e in po}
    assert comments["Học liên kết"] == "heading 1\nglossary: Học Liên Kết -> Federated Learning"
    assert comments["Mỗi máy tính một hàm mất mát riêng."] == (
        "paragraph\nglossary: hàm mất mát -> loss function (not 'cost')"
    )
    assert comments["Không có thuật ngữ."] == "paragraph"
    # templates carry no glossary: it is per language
    assert "glossary" not in (root / "locales" / "templates" / "a.pot").read_text(encoding="utf-8")


def test_misses_report_translations_without_the_approved_term(project: Project) -> None:
    root = project({"a.md": "# Học liên kết\n\nHàm mất mát nhỏ dần.\n\nMột hàm mất mát khác.\n"})
    (root / "locales" / "en").mkdir(parents=True)
    (root / "locales" / "en" / "glossary.csv").write_text(GLOSSARY, encoding="utf-8")
    api.rebuild(root)
    po = polib.pofile(str(root / "locales" / "en" / "a.po"))
    po.find("Học liên kết").msgstr = "Federated learning"  # type: ignore[union-attr]
    po.find("Hàm mất mát nhỏ dần.").msgstr = "The cost keeps shrinking."  # type: ignore[union-attr]
    po.find("Một hàm mất mát khác.").msgstr = "Other loss functions."  # type: ignore[union-attr]
    po.save()
    misses = api.glossary_misses(root)
    # named as every translation finding: the entry's msgid line, and the lesson line
    assert [(f.path, f.line, f.rule, f.severity, f.message) for f in misses] == [
        (
            "locales/en/a.po",
            msgid_line(root / "locales" / "en" / "a.po", "Hàm mất mát nhỏ dần."),
            "glossary-term",
            "warning",
            "'hàm mất mát' should be translated as 'loss function' (glossary) (lesson content/a.md:3)",
        )
    ]
    # the msgid's own line, below where polib says the entry starts (its comments)
    rows = (root / "locales" / "en" / "a.po").read_text(encoding="utf-8").split("\n")
    assert rows[misses[0].line - 1] == 'msgid "Hàm mất mát nhỏ dần."'
    assert misses[0].line > po.find("Hàm mất mát nhỏ dần.").linenum  # type: ignore[union-attr]


def test_bad_glossary_rows_name_their_line() -> None:
    terms, findings = glossary.parse("term,translation\nhọc máy,machine learning\nchỉ một cột\n", "g.csv")
    assert [t.term for t in terms] == ["học máy"]
    assert [(f.path, f.line) for f in findings] == [("g.csv", 3)]


def test_embedded_course_has_a_glossary() -> None:
    path = Path(__file__).parent.parent / "locales" / "en" / "glossary.csv"
    terms, findings = glossary.parse(path.read_text(encoding="utf-8"), str(path))
    assert len(terms) >= 10 and findings == []
