"""The front matter's `title:` and `description:`: the text site generators
(Hugo, Jekyll, MkDocs) show in page titles, menus and search results.

Only a top-level key written on one line is a unit, as a plain, single- or
double-quoted scalar; everything else (other keys, nested `seo: title:`,
block scalars `|` and `>`, flow collections, aliases, tags, a plain scalar
continued on the next line) stays verbatim, as does every byte around the
value. The msgid is the scalar's value (quotes and escapes undone), so a
translator sees plain text.

A translation is untrusted text that lands inside YAML: :func:`encode`
keeps the source's style when the translation is safe in it (a plain
scalar that YAML would read back as the same string, a single-quoted one
without line breaks), and otherwise writes a double-quoted scalar whose
every quote, backslash and control character is escaped, so no translation
can end the scalar, start a comment or a key, or close the front matter.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

KEYS = ("title", "description")
_KEY = re.compile(r"(?P<key>title|description):[ \t]+(?P<raw>\S.*)\Z")  # raw: trailing blanks stripped after
_DOUBLE = re.compile(r'"(?P<body>(?:[^"\\]|\\.)*)"(?P<rest>[ \t]+#.*)?\Z')
_SINGLE = re.compile(r"'(?P<body>(?:[^']|'')*)'(?P<rest>[ \t]+#.*)?\Z")
_DECODE = {'"': '"', "\\": "\\", "/": "/", "n": "\n", "t": "\t", " ": " ", "0": "\0"}
_ESCAPE = re.compile(r"\\(?:u(?P<u>[0-9A-Fa-f]{4})|x(?P<x>[0-9A-Fa-f]{2})|(?P<c>.))", re.S)
# What a plain scalar may not start with, hold or be (YAML 1.1 and 1.2 readers).
_INDICATORS = set("-?:,[]{}#&*!|>'\"%@`")
_SPECIAL = re.compile(
    r"(?i:y|n|yes|no|on|off|true|false|null|~|[-+]?(\.inf|\.nan)|[-+]?[0-9][0-9_.,:eE+-]*|0x[0-9a-f_]+|0o?[0-7_]+)\Z"
)


@dataclass(frozen=True, slots=True)
class Scalar:
    """A translatable value: where its raw text is in its line, and what it says."""

    key: str
    start: int  # offset in the line of the raw scalar (its quotes included)
    end: int
    value: str
    style: str  # plain | single | double


def _decode_double(body: str) -> str | None:
    """A double-quoted scalar's value, or None for an escape we leave be."""
    out: list[str] = []
    pos = 0
    for m in _ESCAPE.finditer(body):
        out.append(body[pos : m.start()])
        if m["u"] or m["x"]:
            out.append(chr(int(m["u"] or m["x"], 16)))
        elif m["c"] in _DECODE:
            out.append(_DECODE[m["c"]])
        else:
            return None
        pos = m.end()
    out.append(body[pos:])
    return "".join(out)


def scalar(line: str, next_line: str | None) -> Scalar | None:
    """The translatable scalar of one front-matter line, if it has one."""
    m = _KEY.match(line)
    if m is None:
        return None
    raw, start = m["raw"].rstrip(" \t"), m.start("raw")
    if (d := _DOUBLE.match(raw)) is not None:
        value = _decode_double(d["body"])
        end = start + len(raw) - len(d["rest"] or "")
        return Scalar(m["key"], start, end, value, "double") if value is not None else None
    if (s := _SINGLE.match(raw)) is not None:
        end = start + len(raw) - len(s["rest"] or "")
        return Scalar(m["key"], start, end, s["body"].replace("''", "'"), "single")
    if raw[0] in _INDICATORS or ": " in raw or raw.endswith(":"):
        return None  # a block scalar, a flow collection, an alias, a tag... or not valid YAML
    if next_line is not None and next_line[:1] in (" ", "\t") and next_line.strip():
        return None  # continued on the next line: a multi-line plain scalar
    value = re.split(r"[ \t]#", raw, maxsplit=1)[0].rstrip()
    return Scalar(m["key"], start, start + len(value), value, "plain")


_VALUE = re.compile(r"^\s*(?:-\s+)?(?:[^\s#'\"][^#]*?:[ \t]+|-[ \t]+)(?P<v>\S.*)$")


def _spills(line: str) -> bool:
    """A value that goes on past its line: a quoted scalar left open, or a
    flow collection not closed (a later `title:` line may be inside it)."""
    m = _VALUE.match(line)
    if m is None:
        return False
    v = m["v"]
    if v[0] == '"':
        return _DOUBLE.match(v) is None
    if v[0] == "'":
        return _SINGLE.match(v) is None
    if v[0] in "[{":
        return v.count("[") + v.count("{") != v.count("]") + v.count("}")
    return False


def scalars(lines: list[str], first: int) -> list[tuple[int, Scalar]]:
    """The translatable scalars of the front matter's lines (numbered from
    ``first``); none at all when a value spills over its line, since what
    looks like a `title:` line may then be inside another value."""
    if any(_spills(line) for line in lines):
        return []
    found = []
    for k, line in enumerate(lines):
        s = scalar(line, lines[k + 1] if k + 1 < len(lines) else None)
        if s is not None and s.value.strip():
            found.append((first + k, s))
    return found


def masked(content: str) -> tuple[list[str], list[str]]:
    """The front matter's lines with each translatable scalar masked, and
    the scalars' values: two front matters differing only in those values
    have the same structure."""
    lines = content.split("\n")
    values: list[str] = []
    out = list(lines)
    for k, found in scalars(lines, 0):
        out[k] = f"{lines[k][: found.start]}\0{lines[k][found.end :]}"
        values.append(found.value)
    return out, values


def _plain_safe(text: str) -> bool:
    return (
        bool(text)
        and text == text.strip()
        and text[0] not in _INDICATORS
        and ": " not in text
        and " #" not in text
        and not text.endswith(":")
        and "\t" not in text
        and all(unicodedata.category(c)[0] != "C" and c not in "\u2028\u2029\u0085" for c in text)
        and not _SPECIAL.match(text)
    )


def _escape(c: str) -> str:
    if c in ('"', "\\"):
        return "\\" + c
    if c == "\n":
        return "\\n"
    if c == "\t":
        return "\\t"
    if unicodedata.category(c)[0] == "C" or c in "\u2028\u2029\u0085\ufeff":
        return f"\\U{ord(c):08x}" if ord(c) > 0xFFFF else f"\\u{ord(c):04x}" if ord(c) > 0xFF else f"\\x{ord(c):02x}"
    return c


def encode(text: str, style: str) -> str:
    """``text`` as a YAML scalar that reads back as exactly ``text`` (its
    lines joined: a title is one line)."""
    text = " ".join(line.strip() for line in text.split("\n"))
    if style == "plain" and _plain_safe(text):
        return text
    if style == "single" and all(unicodedata.category(c)[0] != "C" and c not in "\u2028\u2029\u0085" for c in text):
        return "'" + text.replace("'", "''") + "'"
    return '"' + "".join(_escape(c) for c in text) + '"'
