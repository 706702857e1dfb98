"""Canonical Markdown from mdformat, used only where it provably changes nothing else.

Two uses: re-padding a translated table whose source columns lined up, and
`pipeline fmt` for authors. Each mdformat result is compared with what it
replaces through our own parser, and refused if a cell, a formula, a code
block or the structure would change. For `fmt`, every translatable unit
must also keep its msgid byte for byte (a changed msgid is a lost
translation): where mdformat rewrote a unit's text (escapes, encoded link
destinations, a hard break's style), the source's text is put back.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any, ClassVar, cast

from . import rendered
from .config import DEFAULT_REGIONS
from .markdown import normalize_newlines, parse
from .segments import Document, Unit, segment
from .structure import structure_problems

_PIPE = re.compile(r"(?<!\\)\|")
_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def _mdformat(text: str, extensions: set[str], options: Mapping[str, Any] | None = None) -> str:
    import mdformat  # imported on demand: most runs never need it
    import mdformat.plugins

    cast(dict[str, Any], mdformat.plugins.PARSER_EXTENSIONS).setdefault(_STYLE, _CourseStyle)
    return str(mdformat.text(text, extensions=sorted(extensions), options=options or {}))


_STYLE = "pipeline_course_style"
# The course's style: ordered lists numbered 1. 2. 3., tables unpadded.
_OPTIONS = {"number": True, "compact_tables": True}
_DELIMITER = re.compile(r"(?<=[| ])(:?)-+(:?)(?=[ |])")


def _hr(node: Any, context: Any) -> str:
    """`---`, as the course writes it (mdformat writes 70 `_`); right under
    a paragraph of a list item (a tight list: no blank line between them)
    the source's character, since `---` there would underline a heading."""
    prev = node.previous_sibling
    if prev is not None and prev.type == "paragraph" and node.parent.type == "list_item":
        return str(node.markup[:1] or "*") * 3
    return "---"


def _table(text: str, node: Any, context: Any) -> str:
    """Delimiter cells as `---` (`:---`, `---:`), not compact mode's `-`."""
    lines = text.split("\n")
    if len(lines) > 1:
        lines[1] = _DELIMITER.sub(lambda m: f"{m[1]}---{m[2]}", lines[1])
    return "\n".join(lines)


class _CourseStyle:
    """An mdformat plugin (registered by name, not as an entry point)."""

    CHANGES_AST = False
    RENDERERS: ClassVar[Mapping[str, Any]] = MappingProxyType({"hr": _hr})
    POSTPROCESSORS: ClassVar[Mapping[str, Any]] = MappingProxyType({"table": _table})

    @staticmethod
    def update_mdit(mdit: Any) -> None:
        """Destinations as written: markdown-it percent-encodes them
        (`#1-định-nghĩa` -> `#1-%C4%91...`), and mdformat writes what it parsed."""
        mdit.normalizeLink = _as_written


_UNSAFE_IN_URL = re.compile(r"[\x00-\x20\x7f<>]")


def _as_written(url: str) -> str:
    """Only what cannot stand in a bare destination is encoded (a space)."""
    return _UNSAFE_IN_URL.sub(lambda m: f"%{ord(m.group()):02X}", url)


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


def format_lesson(
    text: str, extensions: set[str] | None = None, regions: Sequence[tuple[str, str]] = DEFAULT_REGIONS
) -> tuple[str, list[str]]:
    """mdformat's canonical form of a lesson, or the lesson and why not.

    Every unit keeps its msgid (``regions`` as the project segments it);
    refused when that cannot be, when the result would parse to another
    structure, or change a formula, a code block, HTML, a link destination,
    a definition or any text.
    """
    exts = extensions if extensions is not None else {"gfm", "frontmatter", "footnote"}
    shield, restore = _shield_math(text)
    try:
        formatted = _line_ends(restore(_mdformat(shield, exts | {_STYLE}, _OPTIONS)), text)
        formatted = repad_tables(text, formatted)  # a table whose columns lined up stays padded
    except Exception as exc:  # noqa: BLE001 - reported as a refusal
        return text, [f"mdformat failed: {exc}"]
    if formatted == text:
        return text, []
    formatted, problems = _keep_units(text, formatted, regions)
    if not problems:
        problems = structure_problems(_ended(text), formatted, swapped=False)
    if not problems:
        added, dropped = rendered.difference(rendered.facts(text), rendered.facts(formatted))
        problems = [f"would drop {rendered.describe(f)}" for f in dropped[:1]]
        problems += [f"would add {rendered.describe(f)}" for f in added[:1]]
    return (text, problems) if problems else (formatted, [])


def _ended(text: str) -> str:
    """The lesson with a final line end, as mdformat writes every file
    (else a last HTML comment would compare unequal for its line end)."""
    return text if not text or text.endswith(("\n", "\r")) else text + _newline(text)


def _newline(text: str) -> str:
    m = re.search(r"\r\n|\r|\n", text)
    return m.group() if m else "\n"


def _line_ends(formatted: str, source: str) -> str:
    """mdformat writes LF; a lesson keeps its own line end."""
    newline = _newline(source)
    return formatted if newline == "\n" else formatted.replace("\n", newline)


def _kind(unit: Unit) -> tuple[str, str | None, bool]:
    return unit.element, unit.context, unit.shared


def _keep_units(source: str, formatted: str, regions: Sequence[tuple[str, str]]) -> tuple[str, list[str]]:
    """``formatted`` with each unit's source text put back where mdformat
    changed it, or why that cannot be. Units pair by position: the same
    kinds in the same order, and the same lines for a unit put back."""
    old, new = segment(source, regions=regions), segment(formatted, regions=regions)
    if [_kind(u) for u in old.units] != [_kind(u) for u in new.units]:
        return formatted, [_first_change(old.units, new.units)]
    back = {i: o for i, (o, n) in enumerate(zip(old.units, new.units, strict=True)) if o.text != n.text}
    for i, unit in back.items():
        if unit.quoting or len(unit.pieces) != len(new.units[i].pieces):
            return formatted, [f"the text of the {unit.element} on line {unit.line} would change"]
    kept = _put_back(new, old, back)
    again = segment(kept, regions=regions)
    if [(_kind(u), u.text) for u in again.units] != [(_kind(u), u.text) for u in old.units]:
        first = next((u for u, v in zip(old.units, again.units, strict=False) if u.text != v.text), old.units[-1])
        return formatted, [f"the text of the {first.element} on line {first.line} would change"]
    return kept, []


def _first_change(old: list[Unit], new: list[Unit]) -> str:
    """The first unit that formatting would lose or add, for the finding."""

    def key(u: Unit) -> tuple[tuple[str, str | None, bool], str]:
        return _kind(u), u.text.replace("\\", "")  # mdformat's escapes aside

    matcher = difflib.SequenceMatcher(None, [key(u) for u in old], [key(u) for u in new], autojunk=False)
    tag, i, _, j, _ = next(op for op in matcher.get_opcodes() if op[0] != "equal")
    if tag == "insert":
        return f"it would make a new {new[j].element} (line {new[j].line} of the result)"
    return f"the {old[i].element} on line {old[i].line} would not stay the same unit"


def _put_back(new: Document, old: Document, back: Mapping[int, Unit]) -> str:
    """``new``'s text with the units ``back`` (index -> source unit) holding
    the source's text again, line by line in the new layout."""
    out: list[str] = []
    pos = 0
    for i in sorted(back):
        for piece, was in zip(new.units[i].pieces, back[i].pieces, strict=True):
            out.append(new.text[pos : piece.start])
            out.append(old.text[was.start : was.end])
            pos = piece.end
    out.append(new.text[pos:])
    return "".join(out)


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
