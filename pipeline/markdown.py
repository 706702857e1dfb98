"""The one configured Markdown parser, and what we ask of it.

Every other module sees Markdown only through this one: block tokens with
source line maps (:func:`parse`) and the protected spans inside a unit's text
(:func:`protected_spans`), both from markdown-it-py and its plugins.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.helpers import parseLinkDestination, parseLinkLabel
from markdown_it.ruler import RuleOptionsType
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.amsmath import amsmath_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin
from mdit_py_plugins.texmath.index import make_block_func, make_inline_func
from mdit_py_plugins.texmath.index import rules as texmath_rules

# Block rules that may start in the middle of a paragraph, list or quote: a
# `$$` or `\[` line directly under a sentence is display math, not more prose.
_INTERRUPTS: RuleOptionsType = {"alt": ["paragraph", "reference", "blockquote", "list", "footnote_def"]}

# Inline rules whose whole match is kept verbatim (protected) in a unit.
_PROTECTED_RULES = {
    "math_inline": "math",
    "math_inline_paren": "math",
    "backticks": "code",
    "autolink": "autolink",
    "html_inline": "html",
    "entity": "entity",
    "footnote_ref": "footnote",
}

_SPANS_KEY = "_pipeline_spans"
_BASE_KEY = "_pipeline_base"  # where the string being parsed starts in the unit's text
# Rules that parse part of their match as a separate string (`![` and `^[`).
_NESTED = frozenset({"image", "footnote_inline"})


@dataclass(frozen=True, slots=True)
class Span:
    """A protected run of a unit's text: ``text[start:end]`` is kept verbatim."""

    kind: str  # math, code, autolink, html, entity, footnote, url, ref
    start: int
    end: int


def _configure(md: MarkdownIt) -> MarkdownIt:
    md.enable(["table", "strikethrough"])
    md.use(front_matter_plugin)
    md.use(footnote_plugin)
    md.use(dollarmath_plugin, allow_space=True, allow_digits=True, double_inline=True)
    md.use(amsmath_plugin)
    # `$$` blocks may interrupt a paragraph (the course writes them right under
    # a sentence, also inside list items).
    md.block.ruler.at("math_block", md.block.ruler.__rules__[md.block.ruler.__find__("math_block")].fn, _INTERRUPTS)
    # texmath's bracket rules for \( \) and \[ \], under names of their own so
    # they do not clash with dollarmath's.
    brackets = texmath_rules["brackets"]
    md.inline.ruler.before("escape", "math_inline_paren", make_inline_func(brackets["inline"][0]))
    for rule in brackets["block"]:
        md.block.ruler.before("fence", f"bracket_{rule['name']}", make_block_func(rule), _INTERRUPTS)
    return md


class _Lenient(MarkdownIt):
    """Keeps every destination: markdown-it drops `javascript:` links and
    definitions, while Python-Markdown (MkDocs) renders them clickable."""

    def validateLink(self, url: str) -> bool:
        return True


@cache
def _reader_parser() -> MarkdownIt:
    md = _configure(_Lenient("commonmark"))
    md.disable(["footnote_tail"])  # footnote definitions stay where they are written
    return md


def parse_as_read(text: str, env: dict[str, Any]) -> list[Token]:
    """Block and inline tokens of ``text`` as a lenient renderer reads it:
    every link, image and definition destination kept, whatever its scheme."""
    return _reader_parser().parse(_hide_math_pipes(normalize_newlines(text)), env)


def render_inline(text: str, env: dict[str, Any]) -> str:
    """HTML of one unit's text, in its lesson's environment (references, footnotes)."""
    local = dict(env)
    if "footnotes" in local:  # footnote references count their uses in it
        local["footnotes"] = copy.deepcopy(local["footnotes"])
    return str(_reader_parser().renderInline(text, local))


@cache
def _parser(inline: bool) -> MarkdownIt:
    md = _configure(MarkdownIt("commonmark"))
    if not inline:
        # Segmentation needs block tokens only (units' inline text is parsed
        # once, for its spans); footnote definitions then stay in place.
        md.disable(["inline", "footnote_tail"])
    return md


def _recording(name: str, kind: str | None, fn: Callable[..., bool]) -> Callable[..., bool]:
    def rule(state: StateInline, silent: bool) -> bool:
        start = state.pos
        base = state.env.get(_BASE_KEY, 0)
        if name in _NESTED:
            # An image's alt text (and an inline footnote) is parsed as a
            # string of its own: its spans are offsets into that string.
            state.env[_BASE_KEY] = base + start + 2
        try:
            if not fn(state, silent):
                return False
        finally:
            state.env[_BASE_KEY] = base
        if not silent:
            spans = state.env.setdefault(_SPANS_KEY, [])
            if kind is not None:
                spans.append(Span(kind, base + start, base + state.pos))
            elif name in ("link", "image"):
                found = _link_spans(state, start, name == "image")
                spans.extend(Span(s.kind, base + s.start, base + s.end) for s in found)
        return True

    return rule


def _link_spans(state: StateInline, start: int, image: bool) -> list[Span]:
    """The destination (or reference label) of a link or image at ``start``."""
    src = state.src
    label_start = start + 1 if image else start
    label_end = parseLinkLabel(state, label_start, not image)
    if label_end < 0:
        return []
    pos = label_end + 1
    if pos < len(src) and src[pos] == "(":
        pos += 1
        while pos < len(src) and src[pos] in " \t\n":
            pos += 1
        res = parseLinkDestination(src, pos, state.posMax)
        if res.ok and res.pos > pos:
            return [Span("url", pos, res.pos)]
        return []
    if pos < len(src) and src[pos] == "[":
        end = src.find("]", pos)
        if end > pos + 1:
            return [Span("ref", pos, end + 1)]
    return []


@cache
def _span_parser() -> MarkdownIt:
    md = _configure(MarkdownIt("commonmark"))
    for rule in list(md.inline.ruler.__rules__):
        if rule.name in _PROTECTED_RULES:
            md.inline.ruler.at(rule.name, _recording(rule.name, _PROTECTED_RULES[rule.name], rule.fn))
        elif rule.name in ("link", "image", "footnote_inline"):  # an inline footnote only shifts what it holds
            md.inline.ruler.at(rule.name, _recording(rule.name, None, rule.fn))
    return md


_NEWLINES = re.compile(r"\r\n?")
# `|` inside `$...$` on a table row is part of the formula, not a cell
# border (GFM would split the cell there). Before block parsing such pipes
# become PIPE_IN_MATH, one character for one, so offsets do not move.
PIPE_IN_MATH = "\ue000"
_DOLLAR = re.compile(r"(?<![\\$])\$(?!\$)")


def _hide_math_pipes(text: str) -> str:
    if "$" not in text or "|" not in text:
        return text
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if "|" not in line or "$" not in line:
            continue
        # Single dollars pair up left to right: $a$ | $b$ holds two formulas
        # and a cell border, $|x|$ one formula holding two pipes.
        marks = [m.start() for m in _DOLLAR.finditer(line)]
        chars = list(line)
        for open_, close in zip(marks[::2], marks[1::2], strict=False):
            for k in range(open_ + 1, close):
                if chars[k] == "|" and chars[k - 1] != "\\":
                    chars[k] = PIPE_IN_MATH
        lines[i] = "".join(chars)
    return "\n".join(lines)


def max_nesting() -> int:
    """How deep blocks may nest (lists, quotes): markdown-it skips what lies deeper."""
    return int(_parser(False).options["maxNesting"])


def parse(text: str, env: dict[str, Any] | None = None, inline: bool = True) -> list[Token]:
    """Tokens of ``text`` (newline-normalized), filling ``env``.

    With ``inline=False`` only block tokens: inline tokens keep their source
    ``content`` but have no children.
    """
    return _parser(inline).parse(_hide_math_pipes(text), env if env is not None else {})


def protected_spans(text: str, env: dict[str, Any] | None = None) -> list[Span]:
    """Spans of ``text`` (one unit's source) that translation must keep verbatim.

    ``env`` is the document's parse environment, so reference links and
    footnotes resolve as they do in the lesson.
    """
    if not env or not (env.get("references") or env.get("footnotes")):
        return list(_plain_spans(text))
    return _spans(text, env)


@lru_cache(maxsize=4096)
def _plain_spans(text: str) -> tuple[Span, ...]:
    """Spans of a text that needs no document context: navigation lines and
    footers recur in every lesson, and are parsed once per run of them."""
    return tuple(_spans(text, None))


def _spans(text: str, env: dict[str, Any] | None) -> list[Span]:
    local: dict[str, Any] = dict(env or {})
    local[_SPANS_KEY] = []
    _span_parser().parseInline(text, local)
    spans: list[Span] = sorted(set(local[_SPANS_KEY]), key=lambda s: (s.start, -s.end))
    # Keep outermost spans only (a code span inside a link label is covered).
    result: list[Span] = []
    for span in spans:
        if result and span.start < result[-1].end:
            continue
        result.append(span)
    return result


def normalize_newlines(text: str) -> str:
    """What markdown-it does to line ends, so line numbers agree with it."""
    return _NEWLINES.sub("\n", text)
