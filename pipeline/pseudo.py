"""Pseudo-localization: accented, lengthened text with every protected span intact.

A pseudo-localized tree shows at a glance what the pipeline translates (all
prose changes), what it protects (math, code, links stay), and whether the
layout survives text about a third longer than the source.
"""

from __future__ import annotations

from collections.abc import Iterable

from .markdown import Span

_ACCENTED = str.maketrans(
    "aAcCeEgGhHiIjJkKlLnNoOrRsStTuUwWyYzZ",
    "ȧȦċĊḗḖġĠħĦıİĵĴķĶŀĿƞȠǿǾřŘşŞŧŦŭŬẇẆẏẎžŽ",
)


def pseudolocalize(text: str, spans: Iterable[Span]) -> str:
    """``text`` with prose accented and lengthened, protected spans verbatim."""
    out: list[str] = []
    pos = 0
    letters = 0
    for span in [*spans, Span("end", len(text), len(text))]:
        prose = text[pos : span.start]
        letters += sum(ch.isalpha() for ch in prose)
        out.append(prose.translate(_ACCENTED))
        out.append(text[span.start : span.end])
        pos = span.end
    # About a third longer, as translations into English often are not, but
    # into other languages often are; brackets show where each unit ends.
    padding = "~" * max(1, letters // 3)
    return f"⟦{''.join(out)} {padding}⟧"
