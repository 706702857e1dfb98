"""Which orphaned catalog a lesson without one takes: the text they share.

A lesson renamed or moved to another module leaves its catalogs behind
under a name no lesson has. Its msgids, translated or not, say where it
went: every entry of a catalog, active or obsolete, came from its lesson's
text, while a translation says only how far the translators got (an
untranslated lesson must keep its headers, comments and fuzzy entries too).

The rule: a lesson and an orphan pair when the msgids they share are at
least half of the larger of the lesson's template and the orphan's active
entries. Obsolete entries can match (text that came back) but never count
against a match: a catalog's history grows. This sits between the overlap
coefficient, which lets a lesson holding just a common heading take a
large catalog, and Jaccard, which refuses a same-sized lesson with a third
of its paragraphs edited. The best pair is taken first, each lesson and
each orphan at most once; ties go to the pair sharing more text, then to
the same file name, the same folder, then by name.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass
from fractions import Fraction
from pathlib import PurePosixPath

from .catalog import COPIED, Catalog

THRESHOLD = Fraction(1, 2)


@dataclass(frozen=True, slots=True)
class Orphan:
    """What an orphaned catalog says of its lesson's text."""

    active: frozenset[str]
    every: frozenset[str]  # active and obsolete

    @classmethod
    def of(cls, po: Catalog) -> Orphan:
        return cls(frozenset(e.msgid for e in po if not e.obsolete), frozenset(e.msgid for e in po))


def score(wanted: Set[str], orphan: Orphan) -> tuple[Fraction, int]:
    """How well a lesson's template msgids match an orphan, and how many they share."""
    shared = len(wanted & orphan.every)
    side = max(len(wanted), len(orphan.active))
    return (Fraction(shared, side) if side else Fraction(0)), shared


def pair(lessons: Mapping[str, Set[str]], orphans: Mapping[str, Orphan]) -> dict[str, str]:
    """Lesson -> orphan, for lessons (by name, with their template msgids)
    and orphans (by their lesson's name: the catalog's path under the
    language's folder, without suffix) that match, best first."""
    candidates: list[tuple[Fraction, int, bool, bool, str, str]] = []
    for lesson, wanted in lessons.items():
        stem = PurePosixPath(lesson).with_suffix("")
        for name, orphan in orphans.items():
            ratio, shared = score(wanted, orphan)
            if shared and ratio >= THRESHOLD:
                old = PurePosixPath(name)
                candidates.append((-ratio, -shared, old.name != stem.name, old.parent != stem.parent, lesson, name))
    candidates.sort()
    found: dict[str, str] = {}
    taken: set[str] = set()
    for *_, lesson, name in candidates:
        if lesson not in found and name not in taken:
            found[lesson] = name
            taken.add(name)
    return found


def work(po: Catalog) -> int:
    """Entries holding a translator's work: a translation that is not a
    copy of the source, or a translator's comment."""
    return sum(
        1 for e in po if ((e.msgstr or any(e.msgstr_plural.values())) and COPIED not in e.flags) or e.tcomment.strip()
    )
