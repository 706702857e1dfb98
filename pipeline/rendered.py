"""Render, then compare: what a page links to, defines and embeds.

A translation is published as a web page, so it is judged by what a
renderer makes of it, not by its characters: the lesson with translations
spliced in is parsed as a whole (block constructs count: a reference
definition, a footnote definition, an HTML block) and its *facts* (every
link, image, autolink and definition destination, every footnote, every
HTML tag with its attributes) must be the source's, as a multiset. A
translation may move a link within its sentence and change its text; it may
not add, drop or change one.

Destinations are read as a lenient renderer reads them
(:func:`pipeline.markdown.parse_as_read`): markdown-it drops `javascript:`
links, Python-Markdown publishes them. A second opinion comes from a
sanitiser (nh3, the Ammonia bindings): a unit whose rendering it would strip
something from, where the source's rendering loses nothing, is refused.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache
from html.parser import HTMLParser
from typing import Any
from urllib.parse import unquote

from markdown_it.token import Token

from .markdown import parse_as_read, render_inline

Fact = tuple[str, ...]

# What a translation's markup needs: without one of these characters a text
# can open no link, image, definition, footnote, autolink, tag, code or math.
MARKUP = frozenset("[]<>`$\\")
# Schemes a reader's browser runs or embeds: never added by a translation.
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_DANGEROUS_TAGS = frozenset(
    [
        "script",
        "iframe",
        "object",
        "embed",
        "style",
        "frame",
        "frameset",
        "applet",
        "base",
        "meta",
        "link",
        "form",
        "svg",
        "math",
        "template",
    ]
)
# Browsers drop ASCII tab and newline anywhere in a URL, and C0 controls and
# spaces at its ends, before they read the scheme.
_IGNORED = re.compile(r"[\t\n\r]")
_EDGES = "".join(map(chr, range(0x21))) + "\x7f"
_SCHEME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-")


def may_markup(text: str) -> bool:
    """True if ``text`` could hold markup that renders to a fact."""
    return not MARKUP.isdisjoint(text)


def scheme(url: str) -> str:
    """A URL's scheme as a browser reads it (entities decoded, tabs and
    newlines dropped, case folded): "" for a relative URL, "//" for a
    protocol-relative one."""
    clean = _IGNORED.sub("", html.unescape(url)).strip(_EDGES)
    head, colon, _ = clean.partition(":")
    if colon and head[:1].isascii() and head[:1].isalpha() and _SCHEME_CHARS.issuperset(head):
        return head.lower()
    return "//" if clean.replace("\\", "/").startswith("//") else ""


def safe_url(url: str) -> bool:
    """Relative, or http(s)/mailto: what a translation could ever be allowed.
    Read as written and percent-decoded too (markdown-it encodes a tab as
    `%09`; a renderer that does not would publish the tab, which browsers drop)."""
    return all(scheme(u) in SAFE_SCHEMES or scheme(u) == "" for u in (url, unquote(url)))


def unsafe(fact: Fact) -> bool:
    """True for a fact that runs or embeds something: a script-capable tag,
    an event attribute, a URL of another scheme than http(s)/mailto."""
    kind = fact[0]
    if kind in ("link", "image", "autolink", "definition"):
        return not safe_url(fact[-1])
    if kind == "tag":
        attrs = fact[2:]
        url_attrs = (v for n, v in zip(attrs[::2], attrs[1::2], strict=True) if n in _URL_ATTRS)
        return (
            fact[1] in _DANGEROUS_TAGS
            or any(n.startswith("on") or n == "srcdoc" for n in attrs[::2])
            or not all(safe_url(u) for u in url_attrs)
        )
    return False


_URL_ATTRS = frozenset({"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background"})


def describe(fact: Fact) -> str:
    """A fact for a finding, escaped and short (it is untrusted text)."""
    kind, rest = fact[0], fact[1:]
    shown = {
        "link": "a link to {}",
        "image": "an image from {}",
        "autolink": "an autolink to {}",
        "definition": "a link definition [{}]: {}",
        "footnote": "a footnote [^{}]",
        "footnote-ref": "a footnote reference [^{}]",
        "tag": "a <{}> tag",
        "end-tag": "a </{}> tag",
        "html": "an HTML {}",
    }[kind]
    if kind == "tag":
        attrs = " ".join(f"{n}={_short(v)}" for n, v in zip(rest[1::2], rest[2::2], strict=True))
        return shown.format(rest[0] + (" " + attrs if attrs else ""))
    return shown.format(*(_short(x) for x in rest))


def _short(text: str, limit: int = 60) -> str:
    cut = text if len(text) <= limit else text[: limit - 1] + "…"
    return repr(cut)[1:-1]  # control characters and quotes escaped


def facts(text: str) -> Counter[Fact]:
    """The facts of a whole lesson, as a lenient renderer reads it."""
    env: dict[str, Any] = {}
    found: Counter[Fact] = Counter()
    for tok in _flatten(parse_as_read(text, env)):
        if tok.type == "link_open":
            found[("autolink" if tok.markup == "autolink" else "link", str(tok.attrGet("href") or ""))] += 1
        elif tok.type == "image":
            found[("image", str(tok.attrGet("src") or ""))] += 1
        elif tok.type == "footnote_ref":
            found[("footnote-ref", str(tok.meta.get("label") or tok.meta.get("id", "")))] += 1
        elif tok.type == "footnote_reference_open":
            found[("footnote", str(tok.meta.get("label") or ""))] += 1
        elif tok.type in ("html_inline", "html_block"):
            found.update(html_facts(tok.content))
    # A second definition of a label is dead in markdown-it (the first wins)
    # and live in Python-Markdown (the last wins): both count.
    definitions = [(label, ref) for label, ref in env.get("references", {}).items()]
    definitions += [(ref["label"], ref) for ref in env.get("duplicate_refs", [])]
    for label, ref in definitions:
        found[("definition", label, str(ref.get("href", "")))] += 1
    return found


@lru_cache(maxsize=8)
def source_facts(text: str) -> Counter[Fact]:
    """A source lesson's facts, once per lesson (splice asks for them again
    for each trial while it narrows a refusal down)."""
    return facts(text)


def _flatten(tokens: list[Token]) -> Iterator[Token]:
    for tok in tokens:
        yield tok
        if tok.children:
            yield from _flatten(tok.children)


class _Facts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: Counter[Fact] = Counter()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        flat = [x for name, value in sorted(attrs, key=lambda a: a[0]) for x in (name, value or "")]
        self.found[("tag", tag, *flat)] += 1

    def handle_endtag(self, tag: str) -> None:
        self.found[("end-tag", tag)] += 1

    def handle_comment(self, data: str) -> None:
        self.found[("html", "comment")] += 1

    def handle_decl(self, decl: str) -> None:
        self.found[("html", "declaration")] += 1

    def handle_pi(self, data: str) -> None:
        self.found[("html", "processing instruction")] += 1

    def unknown_decl(self, data: str) -> None:
        self.found[("html", "declaration")] += 1


def html_facts(markup: str) -> Counter[Fact]:
    """Tags (with their attributes, entities decoded), end tags, comments
    and declarations of a piece of raw HTML."""
    parser = _Facts()
    parser.feed(markup)
    parser.close()
    return parser.found


def difference(source: Counter[Fact], built: Counter[Fact]) -> tuple[list[Fact], list[Fact]]:
    """What the built page adds and what it drops, each sorted."""
    return sorted((built - source).elements()), sorted((source - built).elements())


def sanitiser_strips(text: str, env: dict[str, Any]) -> Counter[Fact]:
    """The tags and attributes nh3 would strip from one unit's rendering."""
    rendered = render_inline(text, env)
    if "<" not in rendered:
        return Counter()
    import nh3  # a second opinion, loaded only when a unit holds markup

    cleaned = nh3.clean(
        rendered,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes=set(SAFE_SCHEMES),
        link_rel=None,
        strip_comments=False,
    )
    return html_facts(rendered) - html_facts(cleaned)


# What markdown-it's rendering of prose, math and footnotes uses: the
# sanitiser then strips only what no lesson needs.
_ALLOWED_TAGS = {
    *[
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "blockquote",
        "br",
        "caption",
        "cite",
        "code",
        "col",
        "colgroup",
        "dd",
        "del",
        "details",
        "dfn",
        "div",
        "dl",
        "dt",
        "em",
    ],
    *[
        "figcaption",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "ins",
        "kbd",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strike",
    ],
    *[
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "tt",
        "u",
        "ul",
        "var",
        "wbr",
        "section",
    ],
}
_COMMON = {"class", "id", "title", "lang", "dir"}
_ALLOWED_ATTRIBUTES = {
    "*": _COMMON,
    "a": _COMMON | {"href", "hreflang"},
    "img": _COMMON | {"src", "alt", "width", "height"},
    "td": _COMMON | {"colspan", "rowspan", "align", "style"},
    "th": _COMMON | {"colspan", "rowspan", "align", "style", "scope"},
    "ol": _COMMON | {"start"},
}
