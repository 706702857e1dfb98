"""Canonical Markdown from mdformat, used only where it provably changes nothing else.

Two uses: re-padding a translated table whose source columns lined up, and
`pipeline fmt` for authors. Each mdformat result is compared with what it
replaces through our own parser, and refused if a cell, a formula, a code
block or the structure would change.
"""

from __future__ import annotations

import re
from typing import Any

from .markdown import normalize_newlines, parse
from .structure import structure_problems

_PIPE = re.compile(r"(?<!\\)\|")
_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def _mdformat(text: str, extensions: set[str]) -> str:
    import mdformat  # imported on demand: most runs never need it

    return str(mdformat.text(text, extensions=extensions))


def _tables(text: str) -> list[tuple[int, int]]:
    """Line ranges of the top-level tables of a text."""
    return [
        (tok.map[0], tok.map[1])
        for tok in parse(normalize_newlines(text), {}, inline=False)
        if tok.type == "table_open" and tok.level == 0 and tok.map
    ]


def _aligned(rows: list[str]) -> bool:
    """True if every row's cell borders stand in the same columns."""
    columns = {tuple(m.start() for m in _PIPE.finditer(row.rstrip("\r\n"))) for row in rows}
    return len(columns) == 1 and len(next(iter(columns))) >= 2


def _cells(text: str) -> list[str]:
    tokens = parse(normalize_newlines(text))
    return [tok.content for tok in tokens if tok.type == "inline"]


def repad_tables(source: str, built: str) -> str:
    """Re-pad the translated tables of ``built`` whose source lined up.

    A table whose cells are unchanged keeps its bytes; a table is re-padded
    only if mdformat leaves every cell's text as it was.
    """
    if "|" not in built or built == source:
        return built
    src_lines = _LINES.findall(source)
    out_lines = _LINES.findall(built)
    replaced: dict[tuple[int, int], list[str]] = {}
    for (s0, s1), (o0, o1) in zip(_tables(source), _tables(built), strict=False):
        old, new = src_lines[s0:s1], out_lines[o0:o1]
        if old == new or not _aligned(old) or any(not line.strip() for line in new):
            continue
        newline = "\r\n" if new[0].endswith("\r\n") else "\n"
        block = "".join(line.rstrip("\r\n") + "\n" for line in new)
        shield, restore = _shield_math(block)
        try:
            formatted = restore(_mdformat(shield, {"gfm"}))
        except Exception:  # noqa: BLE001 - a table we cannot format keeps its layout
            continue
        if _cells(formatted) != _cells(block) or formatted.count("\n") != len(new):
            continue
        lines = [line + newline for line in formatted.split("\n")[:-1]]
        if not new[-1].endswith(("\n", "\r")):
            lines[-1] = lines[-1].rstrip("\r\n")
        replaced[(o0, o1)] = lines
    for (o0, o1), lines in sorted(replaced.items(), reverse=True):
        out_lines[o0:o1] = lines
    return "".join(out_lines)


def format_lesson(text: str, extensions: set[str] | None = None) -> tuple[str, list[str]]:
    """mdformat's canonical form of a lesson, or the lesson and why not.

    Refused when the result would parse to another structure, or change a
    formula, a code block, HTML, a link destination or any text.
    """
    exts = extensions if extensions is not None else {"gfm", "frontmatter", "footnote"}
    shield, restore = _shield_math(text)
    try:
        formatted = restore(_mdformat(shield, exts))
    except Exception as exc:  # noqa: BLE001 - reported as a refusal
        return text, [f"mdformat failed: {exc}"]
    if formatted == text:
        return text, []
    problems = structure_problems(text, formatted, swapped=False)
    return (text, problems) if problems else (formatted, [])


_INLINE_MATH = re.compile(r"(?<![\\$])\$(?!\$)[^$\n]+?(?<![\\$])\$(?!\$)|\\\(.+?\\\)")
_SHIELD_HEAD, _SHIELD_BODY = "\ue001", "\ue002"


_OPEN_CLOSE = (("$$", "$$"), ("\\[", "\\]"), ("\\begin{", "\\end{"))


def _display_ranges(text: str) -> list[tuple[int, int]]:
    """Offsets of each display-math line's text (indentation excluded)."""
    ranges: list[tuple[int, int]] = []
    closing: str | None = None
    indent = 0  # the opening line's: deeper indentation inside is content
    pos = 0
    for line in _LINES.findall(text):
        body = line.rstrip("\r\n")
        stripped = body.strip()
        lead = len(body) - len(body.lstrip())
        line_start = pos
        pos += len(line)
        if not stripped:
            continue
        if closing is None:
            closing = next((c for o, c in _OPEN_CLOSE if stripped.startswith(o)), None)
            if closing is None:
                continue
            indent = lead
            rest = stripped[2:] if closing != "\\end{" else stripped
            done = closing in rest
        else:
            done = closing in stripped
        start = line_start + min(lead, indent)
        ranges.append((start, line_start + lead + len(stripped)))
        if done:
            closing = None
    return ranges


def _shield_math(text: str) -> tuple[str, Any]:
    """Replace math by same-length placeholders mdformat leaves alone.

    Display math goes line by line, inline math span by span; the same
    length keeps padded columns right, and restoring goes in order.
    """
    ranges = _display_ranges(text)
    taken = [False] * (len(text) + 1)
    for a, b in ranges:
        for k in range(a, b):
            taken[k] = True
    ranges += [(m.start(), m.end()) for m in _INLINE_MATH.finditer(text) if not taken[m.start()]]
    found: list[str] = []
    out: list[str] = []
    pos = 0
    for a, b in sorted(ranges):
        out.append(text[pos:a])
        found.append(text[a:b])
        out.append(_SHIELD_HEAD + _SHIELD_BODY * (b - a - 1))
        pos = b
    out.append(text[pos:])
    pattern = re.compile(f"{_SHIELD_HEAD}{_SHIELD_BODY}*")

    def restore(formatted: str) -> str:
        pieces = iter(found)
        return pattern.sub(lambda m: next(pieces), formatted)

    return "".join(out), restore
