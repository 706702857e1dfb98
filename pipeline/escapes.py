"""Escapes in PO strings: what GNU gettext reads, where polib reads otherwise.

polib knows ``\\\\ \\" \\n \\t \\r \\v \\b \\f``; any other backslash it keeps
as a backslash, and writes back doubled: a translator's ``\\0`` became
``\\\\0`` in the next update. GNU gettext (po-lex.c) also reads ``\\a``,
octal (one to three digits) and hex (``\\x`` and every hex digit after it)
as bytes, and refuses every other escape ("invalid control sequence").

:func:`for_polib` gives a string body polib reads as gettext does: the
escapes it knows are left in place (they come back as written); ``\\a``,
octal and hex become the characters they stand for (as ``msgcat`` writes
them; BEL goes back as ``\\a``, see po.dumps). What gettext would read
wrongly or not at all is refused (:class:`ValueError`, the message for a
``po-escape`` finding): the catalog is then never rewritten.
"""

from __future__ import annotations

import re

# polib's own, read as gettext reads them.
POLIB = frozenset('\\"ntrvbf')
# One escape: octal, hex, or any other character (re.S: even a raw newline
# cannot follow, but a control character may).
_ESCAPE = re.compile(r"\\(?:([0-7]{1,3})|x([0-9A-Fa-f]*)|(.))", re.DOTALL)
# What polib's unescape undoes, for a decoded character that must stay one.
_AS_POLIB = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\v": "\\v", "\b": "\\b", "\f": "\\f"}
_SHOWN = 12  # characters of an escape a message quotes (a hex run may be long)


def for_polib(body: str) -> str | None:
    """``body`` (a PO string between its quotes) as polib must see it to read
    what GNU gettext reads; None when polib reads it right as it is."""
    runs: list[tuple[int, int, bytearray]] = []  # adjacent byte escapes: (start, end, bytes)
    for m in _ESCAPE.finditer(body):
        octal, hexa, char = m.groups()
        if char is not None and char in POLIB:
            continue
        value = _byte(m.group(), octal, hexa, char)
        if runs and runs[-1][1] == m.start():
            runs[-1] = (runs[-1][0], m.end(), runs[-1][2])
            runs[-1][2].append(value)
        else:
            runs.append((m.start(), m.end(), bytearray([value])))
    if not runs:
        return None
    out, at = [], 0
    for start, end, data in runs:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise ValueError(
                f"{_quoted(body[start:end])}: bytes that make no UTF-8 text: write the characters themselves"
            ) from None
        out += [body[at:start], "".join(_AS_POLIB.get(c, c) for c in text)]
        at = end
    out.append(body[at:])
    return "".join(out)


def _byte(escape: str, octal: str | None, hexa: str | None, char: str | None) -> int:
    """The byte an escape stands for in gettext, or ValueError saying why it is refused."""
    shown = _quoted(escape)
    if char is not None:
        if char == "a":
            return 7
        raise ValueError(
            f"{shown} is no escape GNU gettext knows (msgfmt: invalid control sequence): write \\\\ for a backslash"
        )
    if hexa is not None and not hexa:
        raise ValueError(f"{shown} without hex digits is no escape GNU gettext knows: write \\\\x for a backslash")
    if hexa is not None and len(hexa) > 2:
        raise ValueError(
            f"{shown}: gettext reads every hex digit after \\x and keeps only the last byte: "
            "write the characters themselves"
        )
    value = int(octal, 8) if octal is not None else int(hexa or "0", 16)
    if value == 0:
        raise ValueError(f"{shown} is a NUL, where gettext ends the string (the rest would be lost): remove it")
    if value == 4:
        raise ValueError(f"{shown} is U+0004, which gettext keeps to part a context from its text: remove it")
    if value > 0xFF:
        raise ValueError(f"{shown} is more than a byte: write the character itself")
    return value


def _quoted(escape: str) -> str:
    """An escape as a message shows it: short, in backquotes, nothing invisible."""
    short = escape[:_SHOWN] + ("…" if len(escape) > _SHOWN else "")
    return "`" + "".join(c if c.isprintable() else f"<U+{ord(c):04X}>" for c in short) + "`"
