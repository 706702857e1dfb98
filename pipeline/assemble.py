"""Splice translations into a lesson's exact bytes.

Only the text of units changes; every byte between and around them is copied
from the source, so an identity translation reproduces the lesson exactly.
A translation is refused (the unit keeps its source text, and the refusal is
reported with file and line) when it adds active content (see
:mod:`pipeline.safety`), would lose or alter a protected span, or change the
lesson's block structure (a line that starts a list, a heading, a table
border...).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from . import frontmatter, rendered
from .errors import Finding
from .markdown import Span, protected_spans
from .safety import introduced
from .segments import Document, Unit, block_shape


@dataclass(slots=True)
class Assembled:
    text: str
    translated: int = 0
    total: int = 0
    findings: list[Finding] = field(default_factory=list)
    refused: list[int] = field(default_factory=list)  # the unit of each finding (its index)


@dataclass(frozen=True, slots=True)
class Why:
    """Why a translation is refused, and the rule of the finding."""

    why: str
    rule: str
    at: int = 0  # the offset in the unit's text of what is at fault: the finding names its line


def span_texts(text: str, spans: Iterable[Span]) -> Counter[str]:
    """Protected spans that must survive translation, as a multiset of texts.

    Entities are left out: a translator may write the character itself.
    """
    return Counter(text[s.start : s.end] for s in spans if s.kind != "entity")


def _span_problem(doc: Document, unit: Unit, translation: str) -> tuple[str, int] | None:
    """What a translation does to the unit's protected spans, and the offset
    in the unit of the first one it loses (0 if it only adds)."""
    expected = span_texts(unit.text, unit.spans)
    got = span_texts(translation, protected_spans(translation, doc.env))
    if got == expected:
        return None
    missing = sorted((expected - got).elements())
    extra = sorted((got - expected).elements())
    parts = [f"missing {', '.join(map(repr, missing))}"] if missing else []
    parts += [f"unexpected {', '.join(map(repr, extra))}"] if extra else []
    lost = next((s.start for s in unit.spans if unit.text[s.start : s.end] in missing), 0)
    return "; ".join(parts), lost


_BARE_PIPE = re.compile(r"(?<!\\)\|")


def _splits_cell(doc: Document, translation: str) -> bool:
    """True if a table cell's translation holds a `|` that would split it."""
    spans = protected_spans(translation, doc.env)
    pos = 0
    for span in [*spans, Span("end", len(translation), len(translation))]:
        if _BARE_PIPE.search(translation, pos, span.start):
            return True
        pos = span.end
    return False


def _layout(unit: Unit, translation: str, gaps: list[str]) -> str:
    """The translation laid over the unit's lines, with the source's prefixes."""
    lines = translation.split("\n")
    if unit.one_line:
        return " ".join(line.strip() for line in lines) if len(lines) > 1 else translation
    out = [lines[0]]
    for k, line in enumerate(lines[1:]):
        out.append((gaps[k] if k < len(gaps) else unit.continuation) + line)
    return "".join(out)


def _render(doc: Document, chosen: dict[int, str]) -> str:
    """The lesson with units ``chosen`` (index -> translation) replaced."""
    text = doc.text
    out: list[str] = []
    pos = 0
    for index, unit in enumerate(doc.units):
        if index not in chosen:
            continue
        first, last = unit.pieces[0], unit.pieces[-1]
        gaps = [text[a.end : b.start] for a, b in zip(unit.pieces, unit.pieces[1:], strict=False)]
        out.append(text[pos : first.start])
        if unit.quoting:  # a front matter scalar: the source's own bytes, or the translation quoted
            same = chosen[index] == unit.text
            out.append(text[first.start : last.end] if same else frontmatter.encode(chosen[index], unit.quoting))
        else:
            out.append(_layout(unit, chosen[index], gaps))
        pos = last.end
    out.append(text[pos:])
    return "".join(out)


def splice(
    doc: Document,
    lookup: Callable[[Unit], str | None] | Mapping[tuple[str | None, str], str],
    path: str = "<text>",
) -> Assembled:
    """Replace each unit that has a usable translation; keep all else.

    ``lookup`` gives a unit's translation, or maps (context, msgid) to it.
    """
    get = lookup if callable(lookup) else (lambda u: lookup.get((u.context, u.text)))
    result = Assembled("", total=len(doc.units))
    chosen: dict[int, str] = {}
    for index, unit in enumerate(doc.units):
        translation = get(unit) or ""
        if translation != unit.text:
            translation = translation.strip()  # edge whitespace is never meaningful
            if not translation:
                continue
            refusal = _refused(doc, unit, translation)
            if refusal is not None:
                result.findings.append(_refusal(path, unit, refusal))
                result.refused.append(index)
                continue
        chosen[index] = translation
    text = _render(doc, chosen)
    if text != doc.text and _problem(doc, text, chosen) is not None:
        # Rare: keep translations one at a time while the page holds (two
        # harmless-looking ones, e.g. a `$$` line each, may pair up; one may
        # add a definition that another's link uses).
        kept: dict[int, str] = {}
        for index in sorted(chosen):
            trial = {**kept, index: chosen[index]}
            problem = _problem(doc, _render(doc, trial), trial)
            if problem is None:
                kept = trial
            else:
                result.findings.append(_refusal(path, doc.units[index], problem))
                result.refused.append(index)
        chosen = kept
        text = _render(doc, chosen)
    result.text = text
    result.translated = len(chosen)
    return result


def _problem(doc: Document, text: str, chosen: dict[int, str]) -> Why | None:
    """Why the page ``text`` (``doc`` with ``chosen`` spliced in) cannot be
    published, or None: its block structure must be the
    source's, and what it renders to (:mod:`pipeline.rendered`) too."""
    if block_shape(text) != doc.shape:
        return Why("would change the lesson's Markdown structure", "structure")
    if not any(t != doc.units[i].text and rendered.may_markup(t) for i, t in chosen.items()):
        return None  # no markup added: nothing can render differently
    added, dropped = rendered.difference(rendered.source_facts(doc.text), rendered.facts(text))
    if not (added or dropped):
        return None
    worst = next((f for f in added if rendered.unsafe(f)), None)
    if worst is not None:
        return Why(f"adds {rendered.describe(worst)} not in the source", "active-content")
    if added:
        return Why(f"adds {rendered.describe(added[0])} not in the source", "protected-span")
    return Why(f"drops {rendered.describe(dropped[0])} of the source", "protected-span")


def _refused(doc: Document, unit: Unit, translation: str) -> Why | None:
    """Why one unit's translation is refused on its own, or None."""
    unsafe = introduced(unit.text, translation)
    if unsafe:
        return Why(f"adds {', '.join(unsafe)} not in the source", "active-content")
    if rendered.may_markup(translation):
        stripped = rendered.sanitiser_strips(translation, doc.env) - rendered.sanitiser_strips(unit.text, doc.env)
        if stripped:
            first = min(stripped, key=lambda f: (f[0] != "tag", f))  # a tag, rather than its end
            return Why(f"renders {rendered.describe(first)}, which a sanitiser strips", "active-content")
    problem = _span_problem(doc, unit, translation)
    if problem is not None:
        return Why(f"changes protected text ({problem[0]})", "protected-span", problem[1])
    if unit.in_table and _splits_cell(doc, translation):
        return Why("holds a bare `|` (write `\\|`)", "structure")
    return None


def _refusal(path: str, unit: Unit, why: Why) -> Finding:
    line = unit.line + unit.text.count("\n", 0, why.at)  # a unit's lines are its source lines
    return Finding(path, line, why.rule, f"translation of the {unit.element} {why.why}; source kept")
