"""Lesson text -> translatable units, located by source offsets.

Pure: text in, plain data out; knows nothing of PO files. Each unit carries
the offsets of its text on each source line, so a translation can be spliced
into the original bytes without re-rendering any Markdown.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from markdown_it.token import Token

from . import frontmatter
from .config import DEFAULT_REGIONS
from .errors import Finding
from .markdown import PIPE_IN_MATH, Span, max_nesting, parse, protected_spans

_LINE_END = re.compile(r"\r\n|\r|\n")
_NEWLINE_NAMES = {"\r\n": "CRLF", "\n": "LF", "\r": "CR"}
BOM = "\ufeff"
# Block containers whose content markdown-it parses one level deeper: past
# its nesting limit, that content yields no tokens at all.
_CONTAINERS = {"blockquote_open", "list_item_open", "footnote_open", "footnote_reference_open"}
_DOLLAR = re.compile(r"(?<!\\)\$")
_DIRECTIVE = re.compile(r"<!--\s*i18n:\s*([\w-]+)\s*(.*?)\s*-->", re.DOTALL)


@dataclass(slots=True)
class _Directives:
    """What `<!-- i18n: ... -->` comments ask of the next block."""

    skip: bool = False
    context: str | None = None
    notes: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return self.skip or self.context is not None or bool(self.notes)


@dataclass(frozen=True, slots=True)
class Piece:
    """The part of one source line that belongs to a unit: ``text[start:end]``."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Unit:
    """One translatable segment: its msgid, where it is and what it is."""

    text: str
    element: str  # "heading 2", "list item", "table cell, row 1, column 2"...
    line: int  # 1-based line of its first piece
    pieces: tuple[Piece, ...]
    spans: tuple[Span, ...]
    one_line: bool = False  # headings and table cells cannot hold a line break
    in_table: bool = False  # a bare `|` would split the cell
    continuation: str = ""  # line break plus prefix for lines beyond the source's
    context: str | None = None  # msgctxt, from an `i18n: context` directive
    notes: tuple[str, ...] = ()  # from `i18n: note` directives
    shared: bool = False  # inside a boilerplate region (navigation, footer)
    quoting: str = ""  # a front matter scalar's YAML style (frontmatter.encode), else ""


@dataclass(slots=True)
class Document:
    """A segmented lesson: its exact text, its units and what was noticed."""

    text: str
    units: list[Unit] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    # The parse environment (link references, footnotes): a translation's
    # protected spans are found in the same context as the source's.
    env: dict[str, Any] = field(default_factory=dict)
    shape: list[tuple[str, str, int]] = field(default_factory=list)  # see block_shape()
    body_start: int = 0  # offset just after the byte order mark and front matter, if any


@dataclass(frozen=True, slots=True)
class _Line:
    start: int  # offset of the first character
    end: int  # offset of the line terminator (or end of text)
    newline: str


def _lines(text: str) -> list[_Line]:
    lines: list[_Line] = []
    pos = 0
    for m in _LINE_END.finditer(text):
        lines.append(_Line(pos, m.start(), m.group()))
        pos = m.end()
    lines.append(_Line(pos, len(text), ""))
    return lines


def has_prose(text: str, spans: tuple[Span, ...] | list[Span]) -> bool:
    """True if a letter stands outside every protected span."""
    pos = 0
    for span in spans:
        if any(ch.isalpha() for ch in text[pos : span.start]):
            return True
        pos = span.end
    return any(ch.isalpha() for ch in text[pos:])


def _source(tok: Token) -> str:
    """An inline token's content as written (pipes in math restored)."""
    return tok.content.replace(PIPE_IN_MATH, "|")


def _container_prefix(prefix: str) -> str:
    """Prefix for an added line: quote markers kept, list markers blanked."""
    return re.sub(r"[^>\s]", " ", prefix)


def _mixed_newlines(path: str, lines: list[_Line]) -> list[Finding]:
    """Legal but fragile: line ends of more than one kind."""
    kinds = Counter(ln.newline for ln in lines if ln.newline)
    if len(kinds) < 2:
        return []
    usual = kinds.most_common(1)[0][0]
    at = next(i for i, ln in enumerate(lines) if ln.newline not in ("", usual))
    counts = ", ".join(f"{n} {_NEWLINE_NAMES[kind]}" for kind, n in kinds.most_common())
    return [
        Finding(
            path,
            at + 1,
            "mixed-newlines",
            f"mixes line ends ({counts}); this line ends in {_NEWLINE_NAMES[lines[at].newline]}: "
            "save the file with one kind of line end",
            "warning",
        )
    ]


def _paragraph_element(stack: list[str]) -> str:
    """What a paragraph is to a translator: the innermost container names it."""
    for kind in reversed(stack):
        if kind == "list_item_open":
            return "list item"
        if kind == "blockquote_open":
            return "blockquote"
        if kind in ("footnote_open", "footnote_reference_open"):
            return "footnote"
    return "paragraph"


class _Segmenter:
    def __init__(self, text: str, path: str, regions: Sequence[tuple[str, str]]) -> None:
        self.text = text
        self.path = path
        self.regions = regions
        self.in_region = False
        self.pending = _Directives()  # read, waiting for their block
        self.active = _Directives()  # applying to the current block
        self.active_level = -1
        self.lines = _lines(text)
        self.doc = Document(text)
        if text.startswith(BOM):
            # A byte order mark is no text: the parser must not see it (a
            # heading would become a paragraph); the built trees keep it
            # first, before any notice.
            first = self.lines[0]
            self.lines[0] = _Line(first.start + 1, first.end, first.newline)
            self.doc.body_start = 1
            self.doc.findings.append(
                Finding(
                    path,
                    1,
                    "bom",
                    "starts with a byte order mark (U+FEFF), kept as it is: `pipeline doctor --fix` removes it",
                    "warning",
                )
            )
        # markdown-it's view of the text: one \n per line end, NUL replaced.
        self.norm = "\n".join(text[ln.start : ln.end] for ln in self.lines).replace("\0", "\ufffd")
        self.env = self.doc.env
        self._cell_end = (-1, 0)  # (line, offset) where the last cell ended

    def line_text(self, i: int) -> str:
        ln = self.lines[i]
        return self.text[ln.start : ln.end].replace("\0", "\ufffd")

    def run(self) -> Document:
        if not self.text.removeprefix(BOM).strip():
            self.doc.findings.append(
                Finding(
                    self.path,
                    0,
                    "empty-lesson",
                    "lesson is empty: nothing to translate, its pages are empty",
                    "warning",
                )
            )
        self.doc.findings.extend(_mixed_newlines(self.path, self.lines))
        tokens = parse(self.norm, self.env, inline=False)
        self.doc.shape = _shape(tokens)
        self._check_nesting(tokens)
        if tokens and tokens[0].type == "front_matter" and tokens[0].map:
            end = tokens[0].map[1]
            self.doc.body_start = self.lines[end].start if end < len(self.lines) else len(self.text)
            self._front_matter(1, end - 1)
        stack: list[str] = []
        row = col = 0
        for i, tok in enumerate(tokens):
            if tok.nesting == 1:
                stack.append(tok.type)
            elif tok.nesting == -1:
                stack.pop()
            self._scope(tok)
            if tok.type == "html_block":
                self._comment(tok)
            elif tok.type == "tr_open":
                row, col = row + (0 if "thead_open" in stack else 1), 0
            elif tok.type == "table_open":
                row = 0
            elif tok.type in ("th_open", "td_open"):
                col += 1
            elif tok.type == "fence":
                self._check_fence(tok)
            elif tok.type == "inline" and tok.map is not None:
                parent = tokens[i - 1].type
                if parent == "heading_open":
                    level = int(tokens[i - 1].tag[1:])
                    markup = tokens[i - 1].markup
                    pieces = self._heading(tok, markup)
                    # A setext heading may run over lines; an ATX one cannot.
                    self._add(tok, pieces, f"heading {level}", one_line=markup.startswith("#"))
                elif parent in ("th_open", "td_open"):
                    element = (
                        f"table header, column {col}" if parent == "th_open" else f"table cell, row {row}, column {col}"
                    )
                    self._cell(tok, element)
                elif parent == "paragraph_open":
                    self._add(tok, self._paragraph(tok), _paragraph_element(stack))
        # Footnote definitions come last in the token stream: restore the
        # source order that splicing and the catalogs rely on.
        self.doc.units.sort(key=lambda unit: unit.pieces[0].start)
        self.doc.findings.extend(unbalanced_dollars(self.path, self.doc.units))
        return self.doc

    # -- source lint -----------------------------------------------------------

    def _check_nesting(self, tokens: list[Token]) -> None:
        """Text nested past the parser's limit yields no tokens: say so once."""
        limit = max_nesting()
        for tok in tokens:
            if tok.nesting != 1 or tok.type not in _CONTAINERS or tok.level + 1 < limit or tok.map is None:
                continue
            # The container's map ends where its cut-off content did: for a
            # list item, that is the end of the enclosing block or lesson.
            first, end = tok.map[0], min(tok.map[1], len(self.lines))
            if any(ch.isalpha() for i in range(first, end) for ch in self.line_text(i)):
                where = f"line {first + 1}" if end - first <= 1 else f"lines {first + 1} to {end}"
                self.doc.findings.append(
                    Finding(
                        self.path,
                        first + 1,
                        "too-deep",
                        f"lists and quotes nested more than {limit} levels deep: the text of {where} is not "
                        "extracted and stays untranslated",
                        "warning",
                    )
                )
                return

    # -- directives and boilerplate regions -------------------------------

    def _scope(self, tok: Token) -> None:
        """Start or end the block that directives apply to."""
        if self.active and tok.nesting == -1 and tok.level == self.active_level:
            self.active = _Directives()
            self.active_level = -1
        elif self.pending and tok.type != "html_block" and tok.nesting >= 0 and tok.block:
            if tok.nesting == 1:
                self.active, self.active_level = self.pending, tok.level
            self.pending = _Directives()

    def _comment(self, tok: Token) -> None:
        assert tok.map is not None
        content = tok.content
        for start, end in self.regions:
            if start in content:
                self.in_region = True
            if end in content:
                self.in_region = False
        for m in _DIRECTIVE.finditer(content):
            name, arg = m.group(1).lower(), " ".join(m.group(2).split())
            line = tok.map[0] + content.count("\n", 0, m.start()) + 1
            if name == "skip":
                self.pending.skip = True
            elif name == "context" and arg:
                self.pending.context = arg
            elif name == "note" and arg:
                self.pending.notes.append(arg)
            else:
                self.doc.findings.append(
                    Finding(
                        self.path,
                        line,
                        "directive",
                        f"unknown or empty i18n directive {m.group().strip()!r}: "
                        "use `i18n: skip`, `i18n: context TEXT` or `i18n: note TEXT`",
                        "warning",
                    )
                )

    # -- where each kind of unit lies --------------------------------------

    def _paragraph(self, tok: Token) -> list[tuple[int, int, int]] | None:
        assert tok.map is not None
        first = tok.map[0]
        content = _source(tok).split("\n")
        # A setext heading's map also covers its underline.
        if tok.map[1] - first - len(content) not in (0, 1):
            return None
        found = []
        for k, part in enumerate(content):
            index = first + k
            line = self.line_text(index)
            if k:
                part = part.lstrip(" \t")
            if k == len(content) - 1:
                line = line.rstrip()
            if not part or not line.endswith(part):
                return None
            found.append((index, len(line) - len(part), len(line)))
        return found

    def _heading(self, tok: Token, markup: str) -> list[tuple[int, int, int]] | None:
        assert tok.map is not None
        if markup in ("=", "-"):
            return self._paragraph(tok)
        index = tok.map[0]
        line = self.line_text(index)
        content = _source(tok)
        start = line.find(content, line.find("#") + len(markup))
        if not content or start < 0:
            return None
        return [(index, start, start + len(content))]

    def _cell(self, tok: Token, element: str) -> None:
        assert tok.map is not None
        content = _source(tok)
        if not content:
            return
        index = tok.map[0]
        line = self.line_text(index)
        start_at = self._cell_end[1] if self._cell_end[0] == index else 0
        if "|" in content:
            # markdown-it unescapes \| in cells; find the cell as written.
            pattern = "".join(r"\\?\|" if ch == "|" else re.escape(ch) for ch in content)
            m = re.compile(pattern).search(line, start_at)
            span = (m.start(), m.end()) if m else None
        else:
            at = line.find(content, start_at)
            span = (at, at + len(content)) if at >= 0 else None
        if span is None:
            self._add(tok, None, element, one_line=True, in_table=True)
            return
        self._cell_end = (index, span[1])
        self._add(tok, [(index, *span)], element, one_line=True, in_table=True)

    # -- bookkeeping ---------------------------------------------------------

    def _add(
        self,
        tok: Token,
        found: list[tuple[int, int, int]] | None,
        element: str,
        one_line: bool = False,
        in_table: bool = False,
    ) -> None:
        assert tok.map is not None
        if self.active.skip:
            return
        if found is None:
            if any(ch.isalpha() for ch in tok.content):
                self.doc.findings.append(
                    Finding(
                        self.path,
                        tok.map[0] + 1,
                        "unlocated",
                        f"could not locate the {element} in the source; it is left untranslated",
                        "warning",
                    )
                )
            return
        pieces = tuple(Piece(self.lines[i].start + a, self.lines[i].start + b) for i, a, b in found)
        text = "\n".join(self.text[p.start : p.end] for p in pieces)
        spans = tuple(protected_spans(text, self.env))
        if not has_prose(text, spans):
            return
        # Lines a translation adds beyond the source's repeat the last line's
        # container prefix (quote markers; list markers become indentation).
        last_line, last_start, _ = found[-1]
        ln = self.lines[last_line]
        prefix = self.text[ln.start : ln.start + last_start]
        if len(found) == 1:
            prefix = _container_prefix(prefix)
        continuation = (ln.newline or self._newline()) + prefix
        self.doc.units.append(
            Unit(
                text,
                element,
                found[0][0] + 1,
                pieces,
                spans,
                one_line=one_line,
                in_table=in_table,
                continuation=continuation,
                context=self.active.context,
                notes=tuple(self.active.notes),
                shared=self.in_region,
            )
        )

    def _front_matter(self, first: int, end: int) -> None:
        """Units of the front matter's title and description (frontmatter.py)."""
        for i, found in frontmatter.scalars([self.line_text(i) for i in range(first, end)], first):
            spans, at = tuple(protected_spans(found.value, self.env)), self.lines[i].start
            if has_prose(found.value, spans):
                piece = Piece(at + found.start, at + found.end)
                unit = Unit(found.value, f"front matter {found.key}", i + 1, (piece,), spans, True, quoting=found.style)
                self.doc.units.append(unit)

    def _newline(self) -> str:
        return self.lines[0].newline or "\n"

    def _check_fence(self, tok: Token) -> None:
        assert tok.map is not None
        first, end = tok.map
        closing = self.line_text(end - 1).strip() if end - 1 > first else ""
        marker = tok.markup[0]
        if not (len(closing) >= len(tok.markup) and closing == marker * len(closing)):
            self.doc.findings.append(
                Finding(
                    self.path,
                    first + 1,
                    "unclosed-fence",
                    "code fence is never closed: the rest of its block is kept as code, untranslated",
                    "warning",
                )
            )


def unbalanced_dollars(path: str, units: Iterable[Unit]) -> list[Finding]:
    """Units with a `$` that opens no math (outside every protected span),
    named at the line of that `$` (a unit's lines are its source lines)."""
    findings = []
    for unit in units:
        bounds = [0, *(x for s in unit.spans for x in (s.start, s.end)), len(unit.text)]
        found = (_DOLLAR.search(unit.text, a, b) for a, b in zip(bounds[::2], bounds[1::2], strict=True))
        if (m := next((m for m in found if m), None)) is not None:
            line = unit.line + unit.text.count("\n", 0, m.start())
            why = "a `$` opens no math here: close the formula or write `\\$` for a dollar sign"
            findings.append(Finding(path, line, "unbalanced-dollar", why, "warning"))
    return findings


def block_shape(text: str) -> list[tuple[str, str, int]]:
    """A lesson's block structure: what a translation must never change."""
    norm = "\n".join(_LINE_END.split(text.removeprefix(BOM))).replace("\0", "\ufffd")
    return _shape(parse(norm, {}, inline=False))


# One tuple per kind of block token, shared by every lesson: a shape holds
# thousands of entries of a few dozen kinds, kept for each lesson of a run.
_KINDS: dict[tuple[str, str, int], tuple[str, str, int]] = {}


def _shape(tokens: list[Token]) -> list[tuple[str, str, int]]:
    return [_KINDS.setdefault(key, key) for key in ((t.type, t.tag, t.nesting) for t in tokens)]


def segment(text: str, path: str = "<text>", regions: Sequence[tuple[str, str]] = DEFAULT_REGIONS) -> Document:
    """Split one lesson's text into translatable units.

    ``text`` is the lesson exactly as read (any line ends); ``path`` only
    names the lesson in findings; ``regions`` are the (start, end) comment
    markers of boilerplate whose units go to the shared catalog.
    """
    return _Segmenter(text, path, regions).run()
