"""Translation memory: every approved translation of a language, indexed.

Plain data in, plain data out: :mod:`pipeline.catalog` feeds it records read
from all catalogs (active and obsolete) before a merge, and asks it for an
exact or close translation of each entry that has none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

# A link whose text a translator translates and whose destination stays:
# "📌 **[Định lý Bayes](bai_04.md)**", "[Đọc bài →](bai_01.md)".
# Anchored (it is only ever matched whole) and possessive (*+, ++: each class
# excludes the character that follows it, so giving nothing back changes no
# match): linear on any line.
_LINK = re.compile(r"\A(?P<pre>[^\w\[\]]*+)\[(?P<text>[^\[\]]++)\]\((?P<dest>[^()\s]++)\)(?P<post>[^\w\[\]]*+)")


def link_text(msgid: str) -> str | None:
    """The text of a msgid that is one link ("[text](dest)"), else None:
    the memory answers such a msgid from its text's translation."""
    m = _LINK.fullmatch(msgid)
    return m["text"] if m else None


@dataclass(frozen=True, slots=True)
class Record:
    """One approved translation: where it is and what it says."""

    msgid: str
    msgstr: str
    origin: str  # catalog it came from, as shown to people
    obsolete: bool = False


@dataclass(frozen=True, slots=True)
class Suggestion:
    msgstr: str
    origin: str
    score: float  # 100 for exact
    msgid: str = ""  # the text the translation was made for


@dataclass
class Memory:
    """Approved translations of one language, for exact and close lookups."""

    exact: dict[str, Record] = field(default_factory=dict)
    _ids: list[str] = field(default_factory=list)

    @classmethod
    def build(cls, records: list[Record]) -> Memory:
        memory = cls()
        # Active translations win over obsolete ones; first seen wins otherwise.
        for record in sorted(records, key=lambda r: r.obsolete):
            if record.msgstr:
                memory.exact.setdefault(record.msgid, record)
        # Link texts translated inside links teach the memory their text.
        for record in list(memory.exact.values()):
            source, target = _LINK.fullmatch(record.msgid), _LINK.fullmatch(record.msgstr)
            if source and target and source["dest"] == target["dest"]:
                memory.exact.setdefault(
                    source["text"], Record(source["text"], target["text"], record.origin, record.obsolete)
                )
        memory._ids = list(memory.exact)
        return memory

    def lookup(self, msgid: str, threshold: float) -> Suggestion | None:
        """An exact translation, a link whose text is known, or a close match."""
        record = self.exact.get(msgid)
        if record is not None:
            return Suggestion(record.msgstr, record.origin, 100.0, record.msgid)
        m = _LINK.fullmatch(msgid)
        if m and (inner := self.exact.get(m["text"])) is not None:
            return Suggestion(f"{m['pre']}[{inner.msgstr}]({m['dest']}){m['post']}", inner.origin, 100.0, inner.msgid)
        if not self._ids:
            return None
        best = process.extractOne(msgid, self._ids, scorer=fuzz.ratio, score_cutoff=threshold)
        if best is None:
            return None
        record = self.exact[best[0]]
        return Suggestion(record.msgstr, record.origin, float(best[1]), record.msgid)
