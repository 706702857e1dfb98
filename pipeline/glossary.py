"""Per-language glossaries: approved translations of the course's terms.

``locales/<lang>/glossary.csv`` holds rows ``term,translation,note`` (a header
row first; the note is optional). Terms match whole words, ignoring case.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass

from .errors import Finding


@dataclass(frozen=True, slots=True)
class Term:
    term: str
    translation: str
    note: str
    pattern: re.Pattern[str]


def _words(text: str, plural: bool = False) -> re.Pattern[str]:
    """Whole words of ``text``, any case, any spacing; ``plural`` allows -s/-es."""
    escaped = r"\s+".join(re.escape(part) for part in text.split())
    ending = ""
    if plural and escaped.endswith("y"):
        escaped, ending = escaped[:-1], "(?:y|ies)"
    elif plural:
        ending = "(?:s|es)?"
    return re.compile(rf"(?<!\w){escaped}{ending}(?!\w)", re.IGNORECASE)


def parse(text: str, path: str) -> tuple[list[Term], list[Finding]]:
    """Terms of a glossary file, and a finding for each row that is unusable."""
    terms: list[Term] = []
    findings: list[Finding] = []
    rows = csv.reader(io.StringIO(unicodedata.normalize("NFC", text)))
    for number, row in enumerate(rows, 1):
        if number == 1 and row and row[0].strip().lower() == "term":
            continue
        if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
            continue
        if len(row) < 2 or not row[0].strip() or not row[1].strip():
            findings.append(
                Finding(path, number, "glossary", "a row needs a term and its translation: term,translation,note")
            )
            continue
        term, translation = row[0].strip(), row[1].strip()
        note = row[2].strip() if len(row) > 2 else ""
        terms.append(Term(term, translation, note, _words(term)))
    return terms, findings


def hits(terms: list[Term], msgid: str) -> list[Term]:
    """Glossary terms found in a source text, in glossary order."""
    return [t for t in terms if t.pattern.search(msgid)]


def comment(term: Term) -> str:
    """The `#.` line a translator sees for a term in an entry."""
    note = f" ({term.note})" if term.note else ""
    return f"glossary: {term.term} -> {term.translation}{note}"


def misses(terms: list[Term], msgid: str, msgstr: str) -> list[Term]:
    """Terms of the source whose approved translation the msgstr lacks."""
    return [t for t in hits(terms, msgid) if not _words(t.translation, plural=True).search(msgstr)]
