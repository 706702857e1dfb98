"""Hostile lessons, catalogs and file names, and the checks a project must pass.

Shared by the bounded property tests (``tests/test_fuzz.py``) and the long
run (``tools/fuzz.py``); it holds no test of its own. A generated
:class:`Project` is written into a scratch folder (``root/`` and an empty
``sentinel/`` beside it) and driven through ``rebuild``, an identity
translation (``build``), another ``rebuild`` and, when it carries hostile
catalogs, ``build`` and ``rebuild`` again. :func:`check_project` asserts that

* nothing but :class:`~pipeline.errors.PipelineError` escapes a front door
  (which stops the project), and after a first ``rebuild`` that went
  through, the identity ``build`` and ``rebuild`` raise nothing;
* every file or folder written, changed or removed lies in the build or
  locales folder the settings name, or ``.pipeline-cache/``, inside the
  root: never in ``content/``, beside the root, nor through a link out of it;
* every catalog the pipeline wrote reads back (``po.loads``) and
  passes GNU ``msgfmt --check`` (all of them, or a sample), unless it came
  from a translator's catalog that msgfmt rejected already;
* with every msgstr equal to its msgid, each lesson without an error
  finding is built byte for byte as its source, in every tree, and still is
  after another ``rebuild``;
* a catalog the pipeline cannot read is never overwritten, and, when the
  settings add no notice, hostile translations never change a built
  lesson's block structure.

What triggers a bug still open is left out of the strategies unless asked
for: see "open bugs" below and ``tests/data/fuzz/open/README.txt``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import random
import re
import subprocess
import tempfile
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import polib
from hypothesis import strategies as st

from pipeline import api, catalog
from pipeline import po as po_io
from pipeline import project as pipeline_project
from pipeline.config import Config, load
from pipeline.errors import Finding, PipelineError
from pipeline.report import Report
from pipeline.segments import block_shape, segment
from tests.needs import need_gettext

# -- characters and words -------------------------------------------------------

WORDS = [
    "xin",
    "chào",
    "Học",
    "máy",
    "dữ",
    "liệu",
    "Đúng",
    "ngôn",
    "ngữ",
    "mô",
    "hình",
    "ước",
    "lượng",
    "Nguyễn",
    "thuật",
    "toán",
    "GPT",
    "token",
    "Python",
]
# The same letters decomposed: base letter plus combining marks.
NFD_WORDS = [unicodedata.normalize("NFD", w) for w in WORDS if unicodedata.normalize("NFD", w) != w]
EMOJI = ["🚀", "👩‍💻", "🇻🇳", "❤️", "1️⃣", "🧪"]
# Invisible, control, private-use and line-breaking characters a lesson may hide.
ODD = [
    "\u200b",  # zero-width space
    "\u200c",
    "\u200d",
    "\u2060",  # word joiner
    "\ufeff",  # BOM inside the text
    "\u00ad",  # soft hyphen
    "\u202e",  # right-to-left override
    "\x00",
    "\x0b",
    "\x0c",
    "\x1b",
    "\x7f",
    "\x85",  # NEL: a line break to str.splitlines()
    "\u2028",
    "\u2029",
    "\ue000",  # the private-use character the parser borrows for pipes in math
    "\ufffd",
    "\t",
]
WEIRD_TARGETS = [
    "../../x",
    "../../../etc/passwd",
    "/etc/passwd",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.cookie)",
    "data:text/html,<script>alert(1)</script>",
    "file:///etc/passwd",
    "<a b.md>",
    "a b.md",
    "bài học.md",
    "a(b).md",
    "(x)",
    "a)b",
    "",
    "#",
    "?q=1&r=2",
    "%2e%2e/%2e%2e/x",
    'x.md "tiêu đề"',
    "x.md 'title'",
    "x.md (title)",
    "<>",
    "mailto:a@b.c",
    "\\\\server\\share",
    "https://example.org/a_(b)",
]
MOJIBAKE = "Há»c mÃ¡y vá»›i Python"  # UTF-8 read as Windows-125x

word = st.one_of(st.sampled_from(WORDS), st.sampled_from(WORDS), st.sampled_from(NFD_WORDS))
odd = st.sampled_from(ODD)
target = st.sampled_from(WEIRD_TARGETS)
SMALL = st.characters(codec="utf-8", exclude_categories=("Cs",))
garbage = st.text(alphabet=SMALL, max_size=24)

inline_piece = st.one_of(
    word,
    word,
    word,
    word,
    st.sampled_from(EMOJI),
    odd,
    st.sampled_from(
        [
            "$x^2$",
            "$|z|$",
            "$a | b$",
            "$",
            "$$",
            "$$E=mc^2$$",
            "$ x $",
            "\\(a+b\\)",
            "\\(",
            "\\)",
            "\\[",
            "\\]",
            "`len(x)`",
            "`a|b`",
            "``a`b``",
            "`",
            "```",
            "<script>alert(1)</script>",
            "<b>",
            "</i>",
            '<span class="x"',
            "<img src=x onerror=alert(1)>",
            "<!-- ghi chú -->",
            "<!--",
            "-->",
            "<!-- i18n: skip -->",
            "<https://example.org/Trang>",
            "<javascript:alert(1)>",
            "[^1]",
            "[^nope]",
            "[^]",
            "[xem][ref]",
            "[ref]",
            "&amp;",
            "&#0;",
            "&#x110000;",
            "&nbsp",
            "\\|",
            "\\\\",
            "\\*",
            "\\`",
            "|",
            "||",
            "*",
            "**",
            "_",
            "~~",
            "#",
            "[",
            "]",
            "(",
            ")",
            "<",
            ">",
            "42",
            "1.",
            "-",
            "\\",
            MOJIBAKE,
        ]
    ),
    st.builds(lambda w, t: f"[{w}]({t})", word, target),
    st.builds(lambda w, t: f"![{w}]({t})", word, target),
    st.builds(lambda w: f"**{w}**", word),
    st.builds(lambda w: f"_{w}_", word),
    st.builds(lambda w: f"~~{w}~~", word),
    st.builds(lambda w: f"<kbd>{w}</kbd>", word),
    garbage,
)
line = st.builds(
    lambda pieces, sep: sep.join(pieces),
    st.lists(inline_piece, min_size=1, max_size=7),
    st.sampled_from([" ", " ", ""]),
)
para = st.lists(line, min_size=1, max_size=3).map("\n".join)


def _rare(draw: st.DrawFn, n: int) -> bool:
    """True about once in ``n + 1`` draws, and False once shrunk (Hypothesis
    shrinks integers towards 0), so minimal examples keep only what matters."""
    return draw(st.integers(0, n)) == n


def _indent(text: str, prefix: str, first: str | None = None) -> str:
    lines = text.split("\n")
    head = first if first is not None else prefix
    return "\n".join([head + lines[0]] + [(prefix + ln) if ln else ln for ln in lines[1:]])


# -- blocks ---------------------------------------------------------------------

heading = st.one_of(
    st.builds(
        lambda n, space, t, close: "#" * n + space + t + (" " + "#" * n if close else ""),
        st.integers(1, 7),
        st.sampled_from([" ", " ", "", "\t", "   "]),
        line,
        st.booleans(),
    ),
    st.sampled_from(["#", "# ", "#\t#", "## ##", " ### x", "    # thụt lề"]),
)
# A paragraph over a line that a setext heading, a table or a break could claim.
setext = st.builds(
    lambda t, under: f"{t}\n{under}",
    para,
    st.sampled_from(["===", "---", "-", "=", "  ---  ", "= =", "- - -", "***", "|---|", ":---:", "$$", "```"]),
)
math_block = st.sampled_from(
    [
        "$$\nx = 1\n$$",
        "$$ a + b $$",
        "$$\nkhông đóng",
        "$$\n$$\n$$",
        "$$x$$ chữ sau",
        "\\[\n\\int_0^1 x\\,dx\n\\]",
        "\\[\nkhông đóng",
        "\\]",
        "\\begin{align}\na &= b \\\\\nc &= d\n\\end{align}",
        "\\begin{align}\nkhông đóng",
        "$$\n| a | b |\n$$",
        "$$\n\\begin{aligned}\na &= b\n\\end{aligned}\n$$",
        "  $$\n  x\n  $$",
    ]
)
cell = st.one_of(
    word,
    st.sampled_from(
        ["", " ", "$x^2$", "$|x|$", "$|x|$ và $y$", "$a|b", "`a \\| b`", "`a|b`", "a \\| b", "\\|", "42", "|", "\\"]
    ),
    line.map(lambda s: s.replace("\n", " ")),
)


@st.composite
def table(draw: st.DrawFn) -> str:
    cols = draw(st.integers(1, 4))
    rows = draw(st.integers(0, 3))
    pad = draw(st.booleans())
    edges = draw(st.booleans())

    def row(cells: list[str]) -> str:
        inner = " | ".join(c.ljust(10) if pad else c for c in cells)
        return f"| {inner} |" if edges else inner

    header = [draw(st.one_of(word, cell)) for _ in range(cols)]
    delim = [draw(st.sampled_from(["---", ":---", "---:", ":---:", "-"])) for _ in range(cols)]
    if _rare(draw, 9):
        delim = delim[:-1] or ["---"]  # a delimiter row that does not match
    body = [row([draw(cell) for _ in range(cols + draw(st.integers(-1, 1)))]) for _ in range(rows)]
    return "\n".join([row(header), "|" + "|".join(delim) + "|", *body])


fence = st.builds(
    lambda marker, info, body, close: f"{marker}{info}\n{body}\n{close}".rstrip("\n"),
    st.sampled_from(["```", "~~~", "````", "  ```", "```"]),
    st.sampled_from(["", "python", "md", " {.x}", "`x`", "~~~"]),
    st.one_of(
        para,
        st.sampled_from(["# không phải tiêu đề", "```", "``", "~~~", "````\nlồng\n````", "$$", "<!-- i18n: skip -->"]),
    ),
    st.sampled_from(["```", "~~~", "````", "", "``", " ```", "```python", "~~~~~"]),
)
html_block = st.sampled_from(
    [
        "<script>\nalert('x')\n</script>",
        "<script>alert(1)",
        "<div>\n*md* bên trong\n</div>",
        "<div>\n\n**Đậm** trong div\n\n</div>",
        "<!-- ghi chú\nkhông đóng",
        "<!-- a -->",
        "<details><summary>Tóm tắt</summary>\n\nnội dung\n\n</details>",
        "<pre>\n```\n</pre>",
        "<?php echo 1; ?>",
        "<![CDATA[ x ]]>",
        "<!DOCTYPE html>",
        "</div>",
        "<style>p{color:red}</style>",
        "<textarea>\n# không phải tiêu đề\n</textarea>",
        "<table><tr><td>ô</td></tr></table>",
        "<p\nclass=x>chữ</p>",
    ]
)
directive = st.sampled_from(
    [
        "<!-- i18n: skip -->",
        "<!-- i18n: context menu -->",
        "<!-- i18n: note Dịch ngắn gọn -->",
        "<!-- i18n: bogus -->",
        "<!-- i18n: -->",
        "<!-- i18n: context -->",
        "<!-- i18n: note\nhai dòng -->",
        "<!-- I18N: SKIP -->",
        "<!-- Aero-Navigation-Start -->",
        "<!-- Aero-Navigation-End -->",
        "<!-- Aero-Footer-Start -->",
        "<!-- Aero-Footer-End -->",
        "<!-- Aero-Navigation-Start -->\n[Bài trước](../a.md) | [Bài sau](b.md)\n<!-- Aero-Navigation-End -->",
    ]
)
other = st.sampled_from(
    [
        "---",
        "***",
        "___",
        "- - -",
        "[ref]: https://example.org",
        "[ref]: <javascript:alert(1)> 'x'",
        "[REF]: ../../x",
        "[ref]:",
        "[^1]: Ghi chú.",
        "[^x]:\n    nhiều\n    dòng",
        "[^]: rỗng",
        "    mã thụt lề",
        "\tmã với tab",
        "",
        " ",
        "\\",
        "+++\ntoml = 1\n+++",
    ]
)
front_matter = st.sampled_from(
    [
        "---\ntitle: bài\n---",
        "---\ntitle: [không đóng\n",
        "---\n---",
        "---\n: : :\n---",
        "---\ntitle: 'a'\nlayout: x\n...",
        "---\r\ntitle: crlf\r\n---",
        "--- \ntitle: x\n---",
    ]
)
# Long lines and deep nesting.
extreme = st.one_of(
    st.builds(lambda w, n: (w + " ") * n, word, st.integers(500, 4000)),
    st.integers(2000, 20000).map(lambda n: "x" * n),
    st.integers(10, 60).map(lambda n: "> " * n + "trích sâu"),
    st.integers(10, 40).map(lambda n: "\n".join("  " * i + "- mục" for i in range(n))),
    st.integers(20, 200).map(lambda n: "[" * n + "a" + "]" * n),
    st.integers(20, 200).map(lambda n: "*" * n + "chữ" + "*" * n),
    st.integers(10, 60).map(lambda n: "<div>" * n + "\nchữ\n" + "</div>" * n),
    st.integers(5, 50).map(lambda n: "| " + " | ".join(["ô"] * n) + " |\n|" + "---|" * n),
)


def _block_leaf() -> st.SearchStrategy[str]:
    return st.one_of(
        para, para, para, heading, setext, table(), fence, math_block, html_block, directive, other, garbage
    )


def _nest(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """A list item or a quote around a few blocks (themselves maybe nested)."""

    @st.composite
    def item_list(draw: st.DrawFn) -> str:
        kind = draw(st.sampled_from(["- ", "* ", "+ ", "1. ", "1) ", "99999999999. ", "-\t", "- [ ] "]))
        items = []
        for i in range(draw(st.integers(1, 3))):
            marker = kind.replace("1", str(i + 1), 1) if kind[0].isdigit() and kind != "99999999999. " else kind
            inner = draw(st.lists(children, min_size=1, max_size=2))
            sep = draw(st.sampled_from(["\n", "\n\n"]))
            items.append(_indent(sep.join(inner), " " * len(marker), marker))
        return "\n".join(items)

    @st.composite
    def quote(draw: st.DrawFn) -> str:
        inner = draw(st.lists(children, min_size=1, max_size=2))
        text = _indent("\n\n".join(inner), "> ").replace("\n\n", "\n>\n")
        if draw(st.booleans()):
            text += "\n" + draw(line)  # a lazy continuation line
        return text

    return st.one_of(item_list(), quote())


block = st.recursive(_block_leaf(), _nest, max_leaves=6)
NEWLINES = ["\n\n", "\n\n", "\n", "\r\n\r\n", "\r\r", "\r\n", "\n\r\n", "\n\n\n"]


@st.composite
def lesson_text(draw: st.DrawFn) -> str:
    """One hostile lesson, as text (any line ends, BOM, NUL and all)."""
    blocks = draw(st.lists(block, min_size=1, max_size=7))
    if _rare(draw, 5):
        blocks.insert(draw(st.integers(0, len(blocks))), draw(extreme))
    if _rare(draw, 3):
        blocks.insert(0, draw(front_matter))
    seps = [draw(st.sampled_from(NEWLINES)) for _ in blocks]
    text = "".join(b + s for b, s in zip(blocks, seps, strict=True))
    ends = draw(st.sampled_from(["keep", "keep", "keep", "strip", "crlf", "cr", "mixed"]))
    if ends == "strip":
        text = text.rstrip("\r\n")
    elif ends == "crlf":
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    elif ends == "cr":
        text = text.replace("\r\n", "\n").replace("\n", "\r")
    elif ends == "mixed":
        parts = text.split("\n")
        text = "".join(p + draw(st.sampled_from(["\n", "\r\n", "\r"])) for p in parts[:-1]) + parts[-1]
    if _rare(draw, 5):
        text = "\ufeff" + text
    if _rare(draw, 7):
        text = unicodedata.normalize("NFD", text)
    return text


@st.composite
def lesson_bytes(draw: st.DrawFn) -> bytes:
    """A lesson's bytes: mostly UTF-8, now and then broken."""
    data = draw(lesson_text()).encode("utf-8")
    if _rare(draw, 15):
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.sampled_from([b"\xff", b"\xc3", b"\xe1\xbb", b"\xed\xa0\x80", b"\x80"])) + data[at:]
    return data


CACHE = ".pipeline-cache"
SHARED = "_shared"  # Project.catalogs key of the shared (boilerplate) catalog
ORPHAN = "mất/bài cũ.md"  # Project.catalogs key of a catalog of no lesson
FIXTURE_LESSON = "lesson.md"  # the name of a fixture's one lesson

# -- file names -----------------------------------------------------------------

NAME_PARTS = [
    "bai",
    "bài 1",
    "Bài học",
    unicodedata.normalize("NFD", "bài học"),
    "a..b",
    "..a",
    ".an",
    "x",
    "-rf",
    "#1",
    "100%",
    "a'b",
    'a"b',
    "🚀 tên",
    "tab\tname",
    "back\\slash",
    "con",
    "a b  c ",
    " lead",
    "e\u0301",
    "\u00e9",
    "\u200bzw",
    "$x$",
    "[link](x)",
    "*",
    "?",
    "a:b",
    "index",
    "templates",
    "en",
    "vi",
    "build",
]
SUFFIXES = [".md", ".md", ".md", ".MD", ".markdown", ".Md", ".md.md", ".txt.md"]
FOLDERS = ["", "", "", "m 1/", "..m/", "ả/", "a/b/", "en/", "templates/", ".x/", "build/", "locales/"]


@st.composite
def lesson_name(draw: st.DrawFn) -> str:
    stem = draw(st.sampled_from(NAME_PARTS))
    if _rare(draw, 4):
        stem += draw(st.sampled_from(NAME_PARTS))
    if _rare(draw, 30):
        stem = "d" * draw(st.integers(200, 240))  # near the 255-byte limit
    return draw(st.sampled_from(FOLDERS)) + stem + draw(st.sampled_from(SUFFIXES))


def _clashes(names: Iterable[str]) -> bool:
    """True if a name is another's folder (cannot be both file and folder)."""
    names = list(names)
    folders = {"/".join(n.split("/")[:k]) for n in names for k in range(1, n.count("/") + 1)}
    return bool(folders & set(names))


# -- catalogs -------------------------------------------------------------------

HOSTILE_MSGSTR = [
    "",
    " ",
    "\n",
    "a\nb",
    "\n\n# Tiêu đề chen vào",
    "# Tiêu đề",
    "- mục",
    "1. mục",
    "> trích",
    "```",
    "```python\nprint(1)",
    "~~~",
    "$",
    "$$",
    "$x$",
    "$$\nx\n$$",
    "\\[",
    "|",
    "a | b",
    "\\|",
    "---",
    "===",
    "    mã",
    "<script>alert(1)</script>",
    "<!-- i18n: skip -->",
    "<!--",
    "[x](javascript:alert(1))",
    "![x](/etc/passwd)",
    "[x](../../../etc/passwd)",
    "<javascript:alert(1)>",
    "[^1]",
    "&amp;",
    "\x00",
    "\u2028",
    "\x85",
    "\r",
    "\ue000",
    "\ufeff",
    "\u200b",
    "🚀",
    MOJIBAKE,
    "Đây là tiếng Việt",
]


@st.composite
def hostile_msgstr(draw: st.DrawFn, msgid: str = "") -> str:
    """What a careless or malicious translator may type for ``msgid``."""
    base = draw(
        st.one_of(
            st.sampled_from(HOSTILE_MSGSTR),
            st.just(msgid),
            st.just(msgid.swapcase()),
            garbage,
            st.integers(1000, 60000).map(lambda n: "dịch " * n),  # a huge entry
        )
    )
    extra = draw(st.lists(st.sampled_from(HOSTILE_MSGSTR), max_size=2))
    joiner = draw(st.sampled_from(["\n", " ", ""]))
    return joiner.join([base, *extra]) if extra else base


def po_string(text: str) -> str:
    """``text`` as a PO string literal, split after each newline like gettext
    (escaped as polib does: other control characters stay raw)."""

    def esc(part: str) -> str:
        return polib.escape(part)

    parts = text.split("\n")
    pieces = [esc(p) + "\\n" for p in parts[:-1]] + [esc(parts[-1])]
    pieces = [p for p in pieces if p]
    if len(pieces) <= 1:
        return f'"{pieces[0] if pieces else ""}"'
    return '""\n' + "\n".join(f'"{p}"' for p in pieces)


HEADERS = [
    # A normal one.
    'msgid ""\nmsgstr ""\n"Language: en\\n"\n"MIME-Version: 1.0\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    '"Content-Transfer-Encoding: 8bit\\n"\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n',
    # None at all.
    "",
    # Odd ones.
    'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=ISO-8859-1\\n"\n',
    'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=banana;\\n"\n"Language: xx_YY@odd\\n"\n',
    'msgid ""\nmsgstr "not a header at all"\n',
    'msgid ""\nmsgstr ""\n"no colon here\\n"\n": empty key\\n"\n"X-Dup: 1\\n"\n"X-Dup: 2\\n"\n',
    'msgid ""\nmsgstr ""\n"Language: en\\n"\n\nmsgid ""\nmsgstr ""\n"Language: fr\\n"\n',  # two headers
    '# translator comment\n#, fuzzy\nmsgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=CHARSET\\n"\n',
]
# Lines that break a catalog's syntax one way or another.
BROKEN_LINES = [
    'msgid "không đóng',
    'msgstr "không đóng',
    '"continuation without keyword"',
    "garbage line",
    'msgstr[0] "x"',
    'msgid_plural "xs"',
    '#~ msgid "obsolete only"',
    "#~",
    '#| msgid "trước"',
    'msgctxt "ngữ cảnh"',
    'msgid "\\q"',
    'msgid "\\777"',
    'msgid "a" "b"',
    'msgid ""',
    'msgstr ""',
    "msgid",
    '"',
    '\\"',
    "#, fuzzy, c-format",
    "#: ../../etc/passwd:1",
    "\x00",
]


@st.composite
def po_entry(draw: st.DrawFn, msgid: str) -> str:
    lines = []
    if _rare(draw, 4):
        lines.append("# " + draw(st.sampled_from(["ghi chú", "<script>", "#"])))
    flags = draw(st.lists(st.sampled_from(["fuzzy", "copied", "c-format", "no-wrap", "python-format"]), max_size=2))
    if flags:
        lines.append("#, " + ", ".join(flags))
    if _rare(draw, 5):
        lines.append("#| msgid " + po_string(draw(word)))
    if _rare(draw, 5):
        lines.append("msgctxt " + po_string(draw(st.sampled_from(["menu", "", "ngữ cảnh"]))))
    lines.append("msgid " + po_string(msgid))
    if _rare(draw, 8):
        lines.append("msgid_plural " + po_string(msgid + "s"))
        lines.append("msgstr[0] " + po_string(draw(hostile_msgstr(msgid))))
        lines.append("msgstr[1] " + po_string(draw(hostile_msgstr(msgid))))
    else:
        lines.append("msgstr " + po_string(draw(hostile_msgstr(msgid))))
    text = "\n".join(lines)
    if _rare(draw, 6):  # obsolete: keywords and strings behind #~, comments as they are
        text = "\n".join(
            "#~| " + ln[3:] if ln.startswith("#| ") else ln if ln.startswith("#") else "#~ " + ln
            for ln in text.split("\n")
        )
    return text


@st.composite
def po_text(draw: st.DrawFn, msgids: list[str]) -> str:
    """A hostile catalog for a lesson whose msgids are ``msgids``."""
    if _rare(draw, 12):
        return draw(st.text(alphabet=SMALL, max_size=200))  # not a catalog at all
    ids = list(msgids)
    ids += draw(st.lists(st.one_of(word, para), max_size=2))  # entries of no unit
    if _rare(draw, 5):
        ids += draw(st.lists(st.sampled_from(msgids or ["x"]), min_size=1, max_size=2))  # duplicates
    if ids and draw(st.booleans()):
        ids = draw(st.permutations(ids))
    entries = [draw(po_entry(m)) for m in ids]
    text = draw(st.sampled_from(HEADERS)) + "\n" + "\n\n".join(entries) + "\n"
    for _ in range(draw(st.integers(1, 2)) if _rare(draw, 4) else 0):
        lines = text.split("\n")
        at = draw(st.integers(0, len(lines)))
        lines.insert(at, draw(st.sampled_from(BROKEN_LINES)))
        text = "\n".join(lines)
    mutation = draw(st.sampled_from(["none"] * 8 + ["drop-char", "truncate", "crlf", "bom", "cr"]))
    if mutation == "drop-char" and text:
        at = draw(st.integers(0, len(text) - 1))
        text = text[:at] + text[at + 1 :]
    elif mutation == "truncate":
        text = text[: draw(st.integers(0, len(text)))]
    elif mutation == "crlf":
        text = text.replace("\n", "\r\n")
    elif mutation == "bom":
        text = "\ufeff" + text
    elif mutation == "cr":
        text = text.replace("\n", "\r")
    return text


# -- projects -------------------------------------------------------------------


@dataclass
class Project:
    """A generated course: lessons by name under content/, and what else to do."""

    lessons: dict[str, bytes]
    # Lesson name (or SHARED, ORPHAN) -> catalog text put at
    # locales/<first language>/<lesson>.po after the first rebuild.
    catalogs: dict[str, str] = field(default_factory=dict)
    pyproject: str | None = None
    # Lessons that are symbolic links to a file outside the root.
    linked: dict[str, bytes] = field(default_factory=dict)
    # Folders of the root made symbolic links to the sentinel beside it
    # before the first run ("build/en", "locales/templates"...).
    traps: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        def enc(data: bytes) -> str | dict[str, str]:
            try:
                return data.decode("utf-8")
            except UnicodeDecodeError:
                return {"base64": base64.b64encode(data).decode("ascii")}

        data = {
            "lessons": {k: enc(v) for k, v in self.lessons.items()},
            "catalogs": self.catalogs,
            "pyproject": self.pyproject,
            "linked": {k: enc(v) for k, v in self.linked.items()},
            "traps": self.traps,
        }
        return json.dumps(data, ensure_ascii=True, indent=1) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Project:
        def dec(value: str | dict[str, str]) -> bytes:
            return base64.b64decode(value["base64"]) if isinstance(value, dict) else value.encode("utf-8")

        data = json.loads(text)
        return cls(
            {k: dec(v) for k, v in data["lessons"].items()},
            dict(data.get("catalogs") or {}),
            data.get("pyproject"),
            {k: dec(v) for k, v in (data.get("linked") or {}).items()},
            list(data.get("traps") or []),
        )


# Settings under which a build adds no notice: lessons keep their exact shape.
QUIET = '[tool.pipeline]\nmin_lesson_coverage = 0\nnotices = {en = {partial = "", source = ""}}\n'
PYPROJECTS = [
    None,
    None,
    None,
    '[tool.pipeline]\nlanguages = ["en"]\n',
    '[tool.pipeline]\nlanguages = ["en", "fr"]\nline_numbers = true\n',
    QUIET,
    '[tool.pipeline]\nboilerplate = [["<!-- a -->", "<!-- b -->"]]\n',
    '[tool.pipeline]\nbuild_dir = "out dir"\ncontent_dir = "content"\n',
    '[tool.pipeline]\nlocales_dir = "content"\n',
    '[tool.pipeline]\nbuild_dir = "../escape"\n',  # points outside the root: must be refused
    '[tool.pipeline]\nlocales_dir = "../escape-locales"\n',
    "[tool.pipeline\nbroken",
    "[tool.pipeline]\nunknown = 1\n",
]
TRAPS = ["build", "build/en", "build/vi", "locales", "locales/en", "locales/templates", CACHE]

# -- open bugs ------------------------------------------------------------------
# Inputs that trigger a bug still open (see tests/data/fuzz/open/ and its
# README) are left out of what `project()` draws unless ``known_bugs=True``:
# the suite stays green and a long run looks for new bugs. Drop an entry
# once its bug is fixed, and move its fixture up into tests/data/fuzz/.

# None open today. Characters to leave out go here, with the fixture's name.
LINE_BREAKERS = ""
# Fixed since, their fixtures up in tests/data/fuzz/: eot-in-lesson,
# suffix-clash, cache-link, edge-newline-revived, plural-empty-singular,
# nel-in-lesson (U+2028 and kin in a msgid: polib split lines at them).


def without_known_bugs(proj: Project) -> Project:
    """``proj`` less what triggers an open bug (names must already be apart)."""

    def clean(data: bytes) -> bytes:
        for ch in LINE_BREAKERS:
            data = data.replace(ch.encode("utf-8"), b"")
        return data

    def name(text: str) -> str:
        return "".join(ch for ch in text if ch not in LINE_BREAKERS)

    return Project(
        {name(k): clean(v) for k, v in proj.lessons.items()},
        {name(k): v for k, v in proj.catalogs.items()},
        proj.pyproject,
        {name(k): clean(v) for k, v in proj.linked.items()},
        list(proj.traps),
    )


def _lesson_msgids(data: bytes) -> list[str]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return []
    return [catalog.nfc(u.text) for u in segment(text).units]


@st.composite
def project(draw: st.DrawFn, catalogs: bool = True, settings: bool = True, known_bugs: bool = False) -> Project:
    """A hostile course: 1-3 lessons with hostile names and text, now and then
    hostile catalogs, settings, linked lessons and trapped folders."""
    names = draw(st.lists(lesson_name(), min_size=1, max_size=3, unique=True).filter(lambda n: not _clashes(n)))
    lessons = {name: draw(lesson_bytes()) for name in names}
    if not known_bugs:
        lessons = without_known_bugs(Project(lessons)).lessons
    chosen: dict[str, str] = {}
    if catalogs and draw(st.booleans()):
        for name in draw(st.lists(st.sampled_from(sorted(lessons)), min_size=1, max_size=2, unique=True)):
            chosen[name] = draw(po_text(_lesson_msgids(lessons[name])))
    every = [m for data in lessons.values() for m in _lesson_msgids(data)]
    if catalogs and _rare(draw, 5):
        chosen[SHARED] = draw(po_text(every))  # the boilerplate's catalog
    if catalogs and _rare(draw, 5):
        chosen[ORPHAN] = draw(po_text(every))  # a catalog whose lesson is gone (renamed?)
    pyproject = draw(st.sampled_from(PYPROJECTS)) if settings else None
    linked = {}
    if _rare(draw, 9):
        linked["dẫn/liên kết.md"] = draw(lesson_bytes())
    traps = draw(st.lists(st.sampled_from(TRAPS), max_size=2, unique=True)) if _rare(draw, 7) else []
    proj = Project(lessons, chosen, pyproject, linked, traps)
    return proj if known_bugs else without_known_bugs(proj)


plain_lesson = st.lists(st.one_of(para, heading, table(), st.builds("- {}".format, line)), min_size=1, max_size=5).map(
    lambda blocks: ("\n\n".join(blocks) + "\n").encode("utf-8")
)


@st.composite
def hostile_catalog_project(draw: st.DrawFn, known_bugs: bool = False) -> Project:
    """One plainly named lesson (hostile or plain) and a hostile catalog for it."""
    data = draw(st.one_of(plain_lesson, lesson_bytes()))
    if not known_bugs:
        data = without_known_bugs(Project({FIXTURE_LESSON: data})).lessons[FIXTURE_LESSON]
    catalogs = {FIXTURE_LESSON: draw(po_text(_lesson_msgids(data)))}
    return Project({FIXTURE_LESSON: data}, catalogs, draw(st.sampled_from([None, QUIET])))


# -- the checks -----------------------------------------------------------------


def write_project(base: Path, proj: Project) -> Path:
    """``base/root`` holding the project, ``base/sentinel`` empty beside it,
    and ``base/shelf`` holding the targets of linked lessons."""
    root = base / "root"
    (root / "content").mkdir(parents=True)
    (base / "sentinel").mkdir()
    for name, data in proj.lessons.items():
        path = root / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    for k, (name, data) in enumerate(sorted(proj.linked.items())):
        shelf = base / "shelf" / f"{k}.md"
        shelf.parent.mkdir(parents=True, exist_ok=True)
        shelf.write_bytes(data)
        path = root / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(os.path.relpath(shelf, path.parent), path)
    if proj.pyproject is not None:
        (root / "pyproject.toml").write_text(proj.pyproject, encoding="utf-8")
    traps = sorted(proj.traps, key=len)
    for k, rel in enumerate(traps):
        if any(rel.startswith(other + "/") for other in traps):
            continue  # inside a folder trapped already
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        target = base / "sentinel" / str(k)
        target.mkdir()
        os.symlink(os.path.relpath(target, path.parent), path, target_is_directory=True)
    return root


def snapshot(base: Path) -> dict[str, str]:
    """Every entry under ``base`` (links not followed): path -> what it is."""
    found: dict[str, str] = {}
    for folder, dirs, files in os.walk(base, followlinks=False):
        for name in dirs + files:
            path = Path(folder, name)
            rel = path.relative_to(base).as_posix()
            if path.is_symlink():
                found[rel] = "link:" + os.readlink(path)
            elif path.is_dir():
                found[rel] = "dir"
            else:
                found[rel] = _digest(path.read_bytes())
    return found


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _folders(root: Path) -> tuple[Path, Path]:
    """The build and locales folders the settings name (the defaults if unreadable)."""
    try:
        config = load(root)
    except PipelineError:
        return root / "build", root / "locales"
    return config.build, config.locales


def _inside(path: Path, root: Path) -> bool:
    """True if ``path`` (links resolved) lies inside ``root``."""
    return path.resolve().is_relative_to(root.resolve())


def writable(base: Path, root: Path) -> list[str]:
    """Folders (relative to ``base``) a run may write in: the configured build
    and locales folders, and the cache, as long as they lie inside the root.
    A trapped folder (a link out of the root) is none of them: snapshots do
    not follow links, so a write through one shows up where it landed."""
    allowed = [os.path.normpath(f) for f in [*_folders(root), root / CACHE] if _inside(f, root)]
    return [Path(f).relative_to(base).as_posix() for f in allowed]


def assert_confined(before: dict[str, str], after: dict[str, str], allowed: list[str], what: str) -> list[str]:
    """Every change lies in an ``allowed`` folder; the list of changes."""
    moved = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    outside = [p for p in moved if not any(p == a or p.startswith(a + "/") for a in allowed)]
    assert not outside, f"wrote outside the folders it may write in ({what}): {outside[:5]}, not in {allowed}"
    return moved


def msgfmt_problem(path: Path) -> str:
    """GNU msgfmt's complaint about a catalog, or "" when it accepts it."""
    need_gettext()
    proc = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True, check=False
    )
    return "" if proc.returncode == 0 else proc.stderr.strip() or f"exit {proc.returncode}"


def _msgfmt_rejects(text: str) -> bool:
    """msgfmt's verdict on a catalog as the pipeline reads it: line ends made
    \\n first (msgfmt takes a file of bare \\r for one long line, and passes it)."""
    with tempfile.NamedTemporaryFile("wb", suffix=".po", delete=False) as probe:
        probe.write(re.sub(r"\r\n?", "\n", text).encode("utf-8"))
    try:
        return bool(msgfmt_problem(Path(probe.name)))
    finally:
        os.unlink(probe.name)


@dataclass
class Outcome:
    """What a check saw: for the long run's figures and for debugging."""

    error: PipelineError | None = None
    reports: list[Report] = field(default_factory=list)
    msgfmt_checked: int = 0
    identical: int = 0  # lessons proven byte-identical under identity translation


def _catalogs_written(base: Path, moved: list[str], ours: dict[str, str]) -> list[Path]:
    """Catalogs and templates the pipeline wrote in its locales folder (not
    those we put there and it left alone, nor copies of assets in build/)."""
    locales = Path(os.path.normpath(_folders(base / "root")[1]))
    return [
        base / rel
        for rel in moved
        if Path(rel).suffix in (".po", ".pot")
        and (base / rel).is_relative_to(locales)
        and (base / rel).is_file()
        and not (base / rel).is_symlink()
        and ours.get(rel) != _digest((base / rel).read_bytes())
    ]


def _assert_catalogs_sound(
    paths: list[Path], msgfmt: int, rng: random.Random, outcome: Outcome, lax: set[Path]
) -> None:
    for path in paths:
        text = path.read_bytes().decode("utf-8")  # the pipeline writes UTF-8
        try:
            po_io.loads(text, path.name)
        except PipelineError as exc:
            raise AssertionError(f"the pipeline wrote a catalog it cannot read back: {exc}") from None
    judged = [p for p in paths if p not in lax]
    sample = judged if msgfmt < 0 else rng.sample(judged, min(msgfmt, len(judged)))
    for path in sample:
        outcome.msgfmt_checked += 1
        problem = msgfmt_problem(path)
        kind = re.sub(r"^.*?:\d+: ", "", problem.split("\n")[0]).replace(str(path), "")
        assert not problem, f"msgfmt --check rejects a written catalog, {kind} ({path.name}): {problem}"


def _lesson_names(root: Path) -> list[str]:
    """The lessons a run sees (hidden files and links out of content/ are not
    lessons: the pipeline's own listing, which reports those it leaves out)."""
    return list(pipeline_project.Project(root, dry=True).lessons)


def _errors_for(findings: Iterable[Finding], lesson: str, config: Config) -> list[Finding]:
    """Error findings that may concern ``lesson``: its own, its catalogs',
    the shared catalog's, and those about no lesson or catalog in particular."""
    root = config.root

    def shown(path: Path) -> str:
        return path.relative_to(root).as_posix()

    stem = Path(lesson).with_suffix("")
    mine = {shown(config.content / lesson)}
    for folder in ["templates", *config.languages]:
        suffix = ".pot" if folder == "templates" else ".po"
        mine |= {shown(config.locales / folder / stem) + suffix, shown(config.locales / folder / "_shared") + suffix}
    general = (shown(config.content) + "/", shown(config.locales) + "/")
    return [f for f in findings if f.severity == "error" and (f.path in mine or not f.path.startswith(general))]


def _fill_identity(config: Config) -> None:
    """msgstr = msgid in every catalog (as pipeline.verify does)."""
    for lang in config.languages:
        folder = config.locales / lang
        if not (folder.is_dir() and _inside(folder, config.root)):
            continue  # a trap: nothing of ours goes through it
        for path in sorted(folder.rglob("*.po")):
            po = po_io.loads(path.read_text(encoding="utf-8"), path.name)
            catalog.fill(po, lambda msgid: msgid)
            path.write_text(po_io.dumps(po), encoding="utf-8")


def check_project(base: Path, proj: Project, msgfmt: int = 2, rng: random.Random | None = None) -> Outcome:
    """Drive ``proj`` through the pipeline in ``base`` (an empty folder) and
    assert every property of the module docstring. ``msgfmt`` is how many
    written catalogs per step ``msgfmt --check`` sees (-1: all of them)."""
    rng = rng or random.Random(0)
    base = base.resolve()
    outcome = Outcome()
    root = write_project(base, proj)
    allowed = writable(base, root)
    state = snapshot(base)
    ours: dict[str, str] = {}  # catalogs we wrote ourselves: relative path -> digest
    lax: set[Path] = set()  # catalogs of ours msgfmt rejects: garbage in, no msgfmt verdict out

    def step(what: str, fn: Callable[[], Report]) -> Report | None:
        """One front door: only PipelineError may escape, only allowed files move."""
        nonlocal state
        try:
            report: Report | None = fn()
        except PipelineError as exc:
            outcome.error, report = exc, None
        else:
            outcome.reports.append(report)
        after = snapshot(base)
        moved = assert_confined(state, after, allowed, what)
        _assert_catalogs_sound(_catalogs_written(base, moved, ours), msgfmt, rng, outcome, lax)
        state = after
        return report

    first = step("rebuild", lambda: api.rebuild(root))
    if first is None:
        return outcome
    config = load(root)
    # Identity: every msgstr its msgid; each lesson without an error comes back byte for byte.
    _fill_identity(config)
    state = snapshot(base)
    built = step("build (identity)", lambda: api.build(root))
    assert built is not None, f"build raised after a successful rebuild: {outcome.error}"
    identity = _assert_identity(config, [first, built], outcome)
    again = step("rebuild (identity)", lambda: api.rebuild(root))
    assert again is not None, f"rebuild raised after a successful rebuild: {outcome.error}"
    # A rebuild merges the identity catalogs again: the lessons must stay as they were.
    _assert_identity(config, [first, built, again], outcome, identity)
    if proj.catalogs:
        _hostile_catalogs(base, config, proj, ours, lax, step)
    return outcome


def _assert_identity(
    config: Config, reports: list[Report], outcome: Outcome, only: list[str] | None = None
) -> list[str]:
    """Each lesson (of ``only``) with no error finding is its source, byte for
    byte, in every build tree; the lessons so proven."""
    proven = []
    findings = [f for report in reports for f in report.findings]
    for lesson in _lesson_names(config.root) if only is None else only:
        source = (config.content / lesson).read_bytes()
        if _errors_for(findings, lesson, config):
            continue
        copy = config.build / config.source_lang / lesson
        assert copy.is_file() and copy.read_bytes() == source, f"the source tree holds no copy of a lesson ({lesson!r})"
        for lang in config.languages:
            out = config.build / lang / lesson
            assert out.is_file(), f"a lesson without error was not built ({lesson!r}, {lang})"
            built = out.read_bytes()
            assert built == source, (
                f"identity translation does not rebuild a lesson byte for byte ({lesson!r}, {lang}): "
                f"{_first_difference(source, built)}"
            )
        proven.append(lesson)
    if only is None:
        outcome.identical += len(proven)
    return proven


def _hostile_catalogs(
    base: Path,
    config: Config,
    proj: Project,
    ours: dict[str, str],
    lax: set[Path],
    step: Callable[..., Report | None],
) -> None:
    """Whatever a translator saved, nothing crashes, nothing escapes, and a
    catalog the pipeline cannot read is left as it is. A catalog msgfmt
    accepts stays one msgfmt accepts."""
    unreadable: dict[Path, bytes] = {}
    lessons = _lesson_names(config.root)
    for lesson, text in proj.catalogs.items():
        path = config.locales / config.languages[0] / Path(lesson).with_suffix(".po")
        if (lesson in proj.lessons and lesson not in lessons) or not _inside(path.parent, config.root):
            continue  # a file the pipeline takes for no lesson (hidden, a link out), or a trap
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        path.write_bytes(data)
        ours[path.relative_to(base).as_posix()] = _digest(data)
        if _msgfmt_rejects(text):
            lax.add(path)  # msgfmt rejects it already: its rewrite is not judged by msgfmt
        try:
            po_io.loads(text, path.name)
        except PipelineError:
            unreadable[path] = data
    built = step("build (hostile catalogs)", lambda: api.build(config.root))
    if built is None:
        return
    _assert_same_shape(config, lessons)
    step("rebuild (hostile catalogs)", lambda: api.rebuild(config.root))
    for path, data in unreadable.items():
        assert path.read_bytes() == data, f"an unreadable catalog was overwritten ({path.name})"


def _assert_same_shape(config: Config, lessons: list[str]) -> None:
    """With no notice to add, whatever the translations, every built lesson
    has its source's block structure."""
    quiet = config.min_lesson_coverage == 0 and all(
        config.notices.get(lang, {}).get(kind) == "" for lang in config.languages for kind in ("partial", "source")
    )
    if not quiet:
        return
    for lesson in lessons:
        try:
            source = (config.content / lesson).read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            continue
        for lang in config.languages:
            out = config.build / lang / lesson
            if out.is_file():
                built = out.read_bytes().decode("utf-8")
                assert block_shape(built) == block_shape(source), (
                    f"a translation changed a lesson's block structure ({lesson!r}, {lang}): "
                    f"{_first_difference(source.encode(), built.encode())}"
                )


def _first_difference(a: bytes, b: bytes) -> str:
    at = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    return f"at byte {at}: source {a[max(0, at - 30) : at + 30]!r} vs built {b[max(0, at - 30) : at + 30]!r}"


# -- fixtures -------------------------------------------------------------------


def load_fixture(path: Path) -> Project:
    """A regression fixture: ``x.md`` (one lesson, run as ``content/lesson.md``),
    ``x.md`` with ``x.po`` beside it (the lesson and a translator's catalog
    for it), or ``x.json`` (a whole project, see :meth:`Project.to_json`)."""
    if path.suffix == ".json":
        return Project.from_json(path.read_text(encoding="utf-8"))
    lesson = path.with_suffix(".md")
    proj = Project({FIXTURE_LESSON: lesson.read_bytes()})
    po = path.with_suffix(".po")
    if po.is_file():
        proj.catalogs[FIXTURE_LESSON] = po.read_bytes().decode("utf-8")
    return proj


def fixtures(folder: Path) -> list[Path]:
    """One path per fixture of ``folder`` (``x.md`` stands for ``x.po`` too)."""
    if not folder.is_dir():
        return []
    found = {p.with_suffix(".md") if p.suffix == ".po" else p for p in folder.iterdir() if p.is_file()}
    return sorted(p for p in found if p.suffix in (".md", ".json"))


def save_fixture(folder: Path, name: str, proj: Project) -> Path:
    """Save ``proj`` as simply as it goes: ``name.md`` (+ ``name.po``) for one
    plainly named lesson, else ``name.json``."""
    folder.mkdir(parents=True, exist_ok=True)
    simple = (
        len(proj.lessons) == 1
        and not proj.linked
        and not proj.traps
        and proj.pyproject is None
        and set(proj.catalogs) <= set(proj.lessons)
        and next(iter(proj.lessons)) == FIXTURE_LESSON
    )
    if simple:
        (folder / f"{name}.md").write_bytes(proj.lessons[FIXTURE_LESSON])
        if FIXTURE_LESSON in proj.catalogs:
            (folder / f"{name}.po").write_bytes(proj.catalogs[FIXTURE_LESSON].encode("utf-8"))
        return folder / f"{name}.md"
    (folder / f"{name}.json").write_text(proj.to_json(), encoding="utf-8")
    return folder / f"{name}.json"


def simplified(proj: Project) -> Project:
    """``proj`` with its one lesson renamed to the fixture's plain name, if it has one."""
    if len(proj.lessons) != 1 or proj.linked or proj.traps or proj.pyproject is not None:
        return proj
    ((name, data),) = proj.lessons.items()
    cats = {FIXTURE_LESSON: proj.catalogs[name]} if name in proj.catalogs else {}
    return Project({FIXTURE_LESSON: data}, cats)
