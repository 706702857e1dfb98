"""PO files <-> the catalog model: the one module that imports polib.

Reading turns every complaint polib (or GNU msgfmt) would have into a
file:line error, and mends what polib reads wrong; writing goes through
polib so that the same catalog is the same bytes every time. Nothing here
decides what a catalog holds: that is catalog.py's merge policy.
"""

from __future__ import annotations

import re
from typing import Any

import polib  # no stubs (ignored in pyproject.toml): what it returns is typed where it leaves this module

from . import escapes
from .errors import PipelineError
from .model import Catalog, Entry

WRAP = 78  # as xgettext and msgmerge wrap


def dumps(catalog: Catalog) -> str:
    """The file's text, the same bytes for the same catalog every time."""
    text: str = _to_polib(catalog).__unicode__()
    if "\a" in text:
        text = _bells(text)
    return text if text.endswith("\n") else text + "\n"


def _bells(text: str) -> str:
    """BEL written ``\\a`` in strings, as a translator writes it and GNU
    msgcat writes it back (polib would write the character itself)."""
    return "\n".join(
        line.replace("\a", "\\a") if not line.startswith("#") or line.startswith(("#~", "#|")) else line
        for line in text.split("\n")
    )


class _InOrder(polib.POFile):  # type: ignore[misc]  # polib is untyped
    """polib's writer, writing header fields in the catalog's order (polib
    sorts them: a translator's or Weblate's order would be lost)."""

    def ordered_metadata(self) -> list[tuple[str, str]]:
        return list(self.metadata.items())


def _to_polib(catalog: Catalog) -> Any:
    po = _InOrder(wrapwidth=WRAP)
    po.header = catalog.header
    po.metadata = catalog.metadata
    po.metadata_is_fuzzy = catalog.fuzzy_header
    po.extend(_polib_entry(e) for e in catalog.entries)
    return po


def _polib_entry(e: Entry) -> Any:
    """A polib entry for writing only: its documented attributes set at once
    (skipping its constructor halves the cost of the conversion)."""
    entry = _NEW_ENTRY(polib.POEntry)
    entry.__dict__ = {
        "msgid": e.msgid,
        "msgstr": e.msgstr,
        "msgctxt": e.msgctxt,
        "msgid_plural": e.msgid_plural,
        "msgstr_plural": e.msgstr_plural,
        "flags": e.flags,
        "comment": e.comment,
        "tcomment": e.tcomment,
        "occurrences": e.occurrences,
        "previous_msgid": e.previous_msgid,
        "previous_msgctxt": e.previous_msgctxt,
        "previous_msgid_plural": e.previous_msgid_plural,
        "obsolete": e.obsolete,
        "linenum": None,
        "encoding": polib.default_encoding,
    }
    return entry


_NEW_ENTRY = object.__new__


def _from_polib(po: Any) -> Catalog:
    """The model of a parsed file (polib's objects are dropped: no copies)."""
    return Catalog(
        header=po.header,
        metadata=po.metadata,
        entries=[
            Entry(
                msgid=e.msgid,
                msgstr=e.msgstr,
                msgctxt=e.msgctxt,
                msgid_plural=e.msgid_plural,
                msgstr_plural=e.msgstr_plural,
                flags=e.flags,
                comment=e.comment,
                tcomment=e.tcomment,
                occurrences=e.occurrences,
                previous_msgid=e.previous_msgid,
                previous_msgctxt=e.previous_msgctxt,
                previous_msgid_plural=e.previous_msgid_plural,
                obsolete=bool(e.obsolete),
                linenum=e.linenum or 0,
            )
            for e in po
        ],
        # polib keeps the header's flags there; it writes "fuzzy" if there are any
        fuzzy_header=bool(po.metadata_is_fuzzy),
    )


_LINE_IN_ERROR = re.compile(r"line (\d+)")
# One PO line: a keyword and a string, a continued string, or a comment.
# polib reads some broken strings without complaint (an unterminated string
# loses its last character), so each line is checked before polib sees it.
_STRING = r'"(?:[^"\\]|\\.)*"'
_PO_LINE = re.compile(rf"^(?:#(?:~\||~|\|)\s*)?(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?{_STRING}\s*$")


# A message quotes at most this much of a bad line, escaped: the file may
# be anything (a link's target, a secret), and a CI log is public.
EXCERPT = 24
_PO_LIKE = re.compile(r'^[ \t]*(?:#~[ \t]*)?msgid[ \t]+"', re.MULTILINE)


def _excerpt(line: str) -> str:
    """The start of a bad line as a message quotes it: short, every
    control or invisible character escaped (repr)."""
    return repr(line[:EXCERPT]) + ("…" if len(line) > EXCERPT else "")


def _scan(text: str, path: str) -> str:
    """The text as polib must read it (escapes gettext defines and polib
    does not, decoded: see :mod:`pipeline.escapes`); PipelineError at the
    first line polib would misread."""

    def refuse(line: int, why: str) -> PipelineError:
        return PipelineError(path, line, f"cannot read catalog: {why}", "catalog-syntax")

    if "\0" in text:
        raise refuse(text.count("\n", 0, text.index("\0")) + 1, "a NUL byte (is the file UTF-16?)")
    if text.startswith("\ufeff"):
        raise refuse(1, "a byte order mark (U+FEFF) starts the file: save it as UTF-8 without one")
    # Lines as polib reads them: split on line feeds only (str.splitlines
    # would also split on U+2028, U+0085... that a msgid may hold raw).
    lines = text.split("\n")
    rewritten = False
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if not stripped or (stripped.startswith("#") and not stripped.startswith(("#~", "#|"))):
            continue
        if stripped.startswith("#~") and not stripped[2:].strip():
            continue
        if not _PO_LINE.match(stripped):
            if _PO_LIKE.search(text) is None:  # not a catalog at all: nothing of it is quoted
                raise refuse(0, "not a PO file (no msgid line at all); its content is not shown")
            raise refuse(number, f"syntax error: {_excerpt(stripped)}")
        if "\\" in line:
            start, end = line.index('"') + 1, line.rindex('"')
            try:
                body = escapes.for_polib(line[start:end])
            except ValueError as exc:
                raise PipelineError(path, number, f"cannot read catalog: {exc}", "po-escape") from None
            if body is not None:
                lines[number - 1], rewritten = line[:start] + body + line[end:], True
    return "\n".join(lines) if rewritten else text


class _LineFeeds(str):
    """Catalog text that polib splits into lines at line feeds only.

    polib splits text given as a string with ``str.splitlines()``, which
    also breaks at U+2028, U+0085, U+001C... that a msgid may hold raw (and
    that polib itself writes raw): the entry would read back mangled.
    """

    __slots__ = ()

    def splitlines(self, keepends: bool = False) -> list[str]:
        lines = self.split("\n")
        return [line + "\n" for line in lines] if keepends else [line.removesuffix("\r") for line in lines]


def loads(text: str, path: str) -> Catalog:
    """Parse a catalog, turning every complaint into a file:line error."""
    text = _scan(text, path)
    try:
        # The blank tail makes the text no file name polib could open: given
        # a string that names a file (a catalog holding just "#x", a file
        # "#x" linked to a secret), polib reads that file instead.
        catalog = _from_polib(polib.pofile(_LineFeeds(text + _NO_FILE), wrapwidth=WRAP))
    except (OSError, ValueError, UnicodeError) as exc:
        m = _LINE_IN_ERROR.search(str(exc))
        raise PipelineError(
            path, int(m.group(1)) if m else 0, f"cannot read catalog: {exc}", "catalog-syntax"
        ) from None
    seen: dict[tuple[str | None, str], int] = {}
    for entry in catalog:
        if entry.obsolete:
            continue
        key = (entry.msgctxt, entry.msgid)
        if key in seen:
            raise PipelineError(
                path,
                entry.linenum,
                f"duplicate entry {entry.msgid[:40]!r} (first at line {seen[key]}): merge the two",
                "catalog-duplicate",
            )
        seen[key] = entry.linenum
    _check_header(text, catalog, path)
    _obsolete_previous(text, catalog)
    return catalog


_NO_FILE = "\n" + " " * 256  # a name longer than any file system allows (NAME_MAX)


_OBSOLETE_FIELD = re.compile(r'^#~(\|)? ?(msgctxt|msgid) (".*")$')
_OBSOLETE_MORE = re.compile(r'^#~(\|)? ?(".*")$')
_BLANK_LINE = re.compile(r"\n[ \t\r]*\n")


def _unescape(quoted: str) -> str:
    text: str = polib.unescape(quoted[1:-1])
    return text


def _obsolete_previous(text: str, catalog: Catalog) -> None:
    """Give obsolete entries back their ``#~| msgid``: polib writes it but
    does not read it, and a fuzzy translation revived without it could no
    longer show the translator what changed."""
    if "#~|" not in text:
        return
    found: dict[tuple[str | None, str], tuple[str | None, str]] = {}
    for block in _BLANK_LINE.split(text):
        fields: dict[tuple[bool, str], str] = {}
        current: tuple[bool, str] | None = None
        for line in block.split("\n"):
            line = line.rstrip("\r")
            if m := _OBSOLETE_FIELD.match(line):
                current = (bool(m.group(1)), m.group(2))
                fields[current] = _unescape(m.group(3))
            elif current is not None and (m := _OBSOLETE_MORE.match(line)) and bool(m.group(1)) == current[0]:
                fields[current] += _unescape(m.group(2))
            else:
                current = None
        if (True, "msgid") in fields and (False, "msgid") in fields:
            key = (fields.get((False, "msgctxt")), fields[(False, "msgid")])
            found[key] = (fields.get((True, "msgctxt")), fields[(True, "msgid")])
    for entry in catalog:
        if entry.obsolete and (previous := found.get((entry.msgctxt, entry.msgid))) is not None:
            entry.previous_msgctxt, entry.previous_msgid = previous


_CHARSET = re.compile(r"charset\s*=\s*([^\s;]+)", re.IGNORECASE)
_NPLURALS = re.compile(r"nplurals\s*=\s*(\d+)\s*;\s*plural\s*=")


def _header_line(text: str, field: str) -> int:
    """Line of a header field in the file (1 if it is not found)."""
    for number, line in enumerate(text.split("\n"), 1):
        if line.lstrip().startswith(f'"{field}:'):
            return number
    return 1


def _check_header(text: str, catalog: Catalog, path: str) -> None:
    """What makes a parsed catalog unusable: a charset other than the UTF-8
    it was read as, or plural forms that disagree with its Plural-Forms
    (GNU msgfmt refuses both)."""
    m = _CHARSET.search(catalog.metadata.get("Content-Type", ""))
    if m and m.group(1).lower() not in ("utf-8", "utf8"):
        raise PipelineError(
            path,
            _header_line(text, "Content-Type"),
            f"catalog says charset={m.group(1)}, but catalogs are read and written as UTF-8: convert it "
            "(msgconv --to-code=UTF-8) or, if it is UTF-8 already, correct the header",
            "bad-header",
        )
    plural = [e for e in catalog if e.msgid_plural and not e.obsolete]
    if not plural:
        return
    forms = _NPLURALS.search(catalog.metadata.get("Plural-Forms", ""))
    if forms is None:
        raise PipelineError(
            path,
            plural[0].linenum,
            f"entry {plural[0].msgid[:40]!r} has plural forms, but the header has no valid Plural-Forms",
            "bad-header",
        )
    wanted = int(forms.group(1))
    header = _header_line(text, "Plural-Forms")
    for entry in plural:
        have = sorted(entry.msgstr_plural)
        if have != list(range(wanted)):
            counted = f"{len(have)} plural form{'' if len(have) == 1 else 's'}"
            raise PipelineError(
                path,
                entry.linenum,
                f"entry {entry.msgid[:40]!r} has {counted}, but Plural-Forms (line {header}) says "
                f"nplurals={wanted}: give it exactly {wanted}",
                "plural-forms",
            )
