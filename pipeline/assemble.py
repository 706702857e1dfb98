"""Splice translations into a lesson's exact bytes.

Only the text of units changes; every byte between and around them is copied
from the source, so an identity translation reproduces the lesson exactly.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from .errors import Finding
from .markdown import Span, protected_spans
from .segments import Document, Unit


@dataclass(slots=True)
class Assembled:
    text: str
    translated: int = 0
    total: int = 0
    findings: list[Finding] = field(default_factory=list)


def span_texts(text: str, spans: Iterable[Span]) -> Counter[str]:
    """Protected spans that must survive translation, as a multiset of texts.

    Entities are left out: a translator may write the character itself.
    """
    return Counter(text[s.start : s.end] for s in spans if s.kind != "entity")


def splice(
    doc: Document,
    lookup: Callable[[Unit], str | None] | Mapping[str, str],
    path: str = "<text>",
) -> Assembled:
    """Replace each unit that has a usable translation; keep all else.

    A translation that loses or alters a protected span (math, code, link
    destination, HTML) is refused: the unit keeps its source text and the
    refusal is reported with file and line.
    """
    get = lookup if callable(lookup) else (lambda u: lookup.get(u.text))  # type: ignore[union-attr]
    text = doc.text
    out: list[str] = []
    pos = 0
    result = Assembled("", total=len(doc.units))
    for unit in doc.units:
        translation = get(unit)
        if not translation:
            continue
        if translation != unit.text:
            expected = span_texts(unit.text, unit.spans)
            got = span_texts(translation, protected_spans(translation, doc.env))
            if got != expected:
                missing = sorted((expected - got).elements())
                extra = sorted((got - expected).elements())
                detail = "; ".join(
                    part
                    for part in (
                        f"missing {', '.join(repr(m) for m in missing)}" if missing else "",
                        f"unexpected {', '.join(repr(e) for e in extra)}" if extra else "",
                    )
                    if part
                )
                result.findings.append(
                    Finding(
                        path,
                        unit.line,
                        "protected-span",
                        f"translation of the {unit.element} changes protected text ({detail}); source kept",
                    )
                )
                continue
        first, last = unit.pieces[0], unit.pieces[-1]
        gaps = [text[a.end : b.start] for a, b in zip(unit.pieces, unit.pieces[1:], strict=False)]
        out.append(text[pos : first.start])
        out.append(_layout(unit, translation, gaps))
        pos = last.end
        result.translated += 1
    out.append(text[pos:])
    result.text = "".join(out)
    return result


def _layout(unit: Unit, translation: str, gaps: list[str]) -> str:
    lines = translation.split("\n")
    if unit.one_line:
        return " ".join(line.strip() for line in lines) if len(lines) > 1 else translation
    out = [lines[0]]
    for k, line in enumerate(lines[1:]):
        out.append((gaps[k] if k < len(gaps) else unit.continuation) + line)
    return "".join(out)
