"""Coverage figures: units and source words per status, by language, module, lesson.

Pure: callers give each lesson's fresh units (from content/) and what its
catalog says of them; nothing here reads files. Counting against fresh
units means a lesson with no catalog counts as 0% and a stale catalog
cannot inflate the figures.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .markdown import Span

# refused: translated, but the build refuses it (the source is published): not coverage
STATUSES = ("translated", "copied", "fuzzy", "refused", "untranslated")
SCHEMA = 1


def words(text: str, spans: Iterable[Span]) -> int:
    """Source words outside protected spans (a Vietnamese word is a syllable)."""
    out: list[str] = []
    pos = 0
    for span in spans:
        out.append(text[pos : span.start])
        pos = span.end
    out.append(text[pos:])
    return sum(1 for token in " ".join(out).split() if any(ch.isalpha() for ch in token))


@dataclass
class Tally:
    """Units and words per status; ``obsolete`` counts catalog entries."""

    units: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    words: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    obsolete: int = 0

    def add(self, status: str, word_count: int) -> None:
        self.units[status] += 1
        self.words[status] += word_count

    def merge(self, other: Tally) -> None:
        for status in STATUSES:
            self.units[status] += other.units[status]
            self.words[status] += other.words[status]
        self.obsolete += other.obsolete

    @property
    def total_units(self) -> int:
        return sum(self.units.values())

    @property
    def total_words(self) -> int:
        return sum(self.words.values())

    def percent(self, of: str = "units") -> float:
        """Coverage: translated plus copied, never fuzzy nor refused."""
        counts = self.units if of == "units" else self.words
        total = sum(counts.values())
        return 100.0 * (counts["translated"] + counts["copied"]) / total if total else 100.0


@dataclass
class Row:
    language: str
    module: str  # "" for a language row
    lesson: str  # "" for a language or module row
    tally: Tally


def rows(per_lesson: dict[tuple[str, str], Tally], by: str) -> list[Row]:
    """Aggregate (language, lesson) tallies by language, module or lesson."""
    grouped: dict[tuple[str, str, str], Tally] = {}
    for (lang, lesson), tally in sorted(per_lesson.items()):
        module = module_of(lesson)
        key = {
            "language": (lang, "", ""),
            "module": (lang, module, ""),
            "lesson": (lang, module, lesson),
        }[by]
        grouped.setdefault(key, Tally()).merge(tally)
    return [Row(lang, module, lesson, tally) for (lang, module, lesson), tally in grouped.items()]


def module_of(lesson: str) -> str:
    """A lesson's module: the top folder of content/ it lives in."""
    if lesson.startswith("_shared"):
        return "(shared)"
    return lesson.split("/", 1)[0] if "/" in lesson else "(root)"


def _cells(row: Row) -> dict[str, object]:
    t = row.tally
    out: dict[str, object] = {"language": row.language, "module": row.module, "lesson": row.lesson}
    for status in STATUSES:
        out[status] = t.units[status]
    out["obsolete"] = t.obsolete
    out["total"] = t.total_units
    out["percent"] = round(t.percent(), 1)
    for status in STATUSES:
        out[f"{status}_words"] = t.words[status]
    out["total_words"] = t.total_words
    out["percent_words"] = round(t.percent("words"), 1)
    return out


def to_json(table: list[Row], source_lang: str, by: str) -> str:
    """Stable JSON: schema 1, documented in the README."""
    payload = {
        "schema": SCHEMA,
        "source_language": source_lang,
        "word_unit": "syllables" if source_lang == "vi" else "words",
        "by": by,
        "rows": [_cells(row) for row in table],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def to_csv(table: list[Row]) -> str:
    buffer = io.StringIO()
    names = list(_cells(Row("", "", "", Tally())))
    writer = csv.DictWriter(buffer, fieldnames=names, lineterminator="\n")
    writer.writeheader()
    for row in table:
        writer.writerow(_cells(row))
    return buffer.getvalue()


def to_markdown(table: list[Row], source_lang: str, by: str) -> str:
    """A table for a pull-request comment or a CI job summary."""
    unit = "syllables" if source_lang == "vi" else "words"
    label = {"language": "Language", "module": "Module", "lesson": "Lesson"}[by]
    lines = [
        "### Translation coverage",
        "",
        f"| {label} | Coverage | Translated | Copied | Fuzzy | Refused | Untranslated | Obsolete "
        f"| Source {unit} covered |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in table:
        t = row.tally
        name = row.language if by == "language" else f"{row.language} · {row.lesson or row.module}"
        covered = t.words["translated"] + t.words["copied"]
        lines.append(
            f"| {name} | {t.percent():.1f}% | {t.units['translated']} | {t.units['copied']} | {t.units['fuzzy']} "
            f"| {t.units['refused']} | {t.units['untranslated']} | {t.obsolete} "
            f"| {covered}/{t.total_words} ({t.percent('words'):.1f}%) |"
        )
    lines += [
        "",
        "Units are translatable segments; coverage counts translated and copied units, never fuzzy ones nor "
        "translations the build refuses (`pipeline check` names them).",
    ]
    return "\n".join(lines) + "\n"


def badge(language: str, percent: float) -> str:
    """A flat coverage badge as plain SVG (no network, no font files)."""
    color = "#4c1" if percent >= 95 else "#dfb317" if percent >= 70 else "#fe7d37" if percent >= 40 else "#e05d44"
    left, right = f"translated {language}", f"{percent:.0f}%"
    lw, rw = 7 * len(left) + 10, 7 * len(right) + 10
    width = lw + rw
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" role="img" '
        f'aria-label="{left}: {right}">\n'
        f"  <title>{left}: {right}</title>\n"
        f'  <rect width="{lw}" height="20" fill="#555"/>\n'
        f'  <rect x="{lw}" width="{rw}" height="20" fill="{color}"/>\n'
        f'  <g fill="#fff" text-anchor="middle" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">\n'
        f'    <text x="{lw / 2:.0f}" y="14">{left}</text>\n'
        f'    <text x="{lw + rw / 2:.0f}" y="14">{right}</text>\n'
        f"  </g>\n"
        f"</svg>\n"
    )


__all__ = ["STATUSES", "Row", "Tally", "badge", "module_of", "rows", "to_csv", "to_json", "to_markdown", "words"]
