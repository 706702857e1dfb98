"""Where a translation finding points: the catalog entry to open.

A refusal is found at a lesson's unit, but the translator fixes a catalog
entry. So every translation finding (a build's refusal, a `check` of a
catalog entry, a glossary miss) is named at the catalog and the line of
the entry's ``msgid`` (as GNU msgfmt names an entry; polib's ``linenum``
is the entry's first comment line), and says the lesson's line in its
message (:func:`pipeline.errors.in_lesson`)::

    locales/en/a.po:12: error: translation of the paragraph ...; source kept (lesson content/a.md:3) [protected-span]

The lines are found only when a finding asks: a build scans no catalog
text for them otherwise.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import catalog, files, rules
from . import po as po_io
from .errors import Finding, PipelineError, in_lesson, lesson_of
from .lessons import SHARED
from .model import Catalog
from .text import nfc

if TYPE_CHECKING:
    from .project import Project

Key = tuple[str | None, str]
Source = Callable[[], tuple[str, Catalog] | None]  # the catalog's text and model, or None
_REFUSALS = rules.known("active-content", "protected-span", "structure")  # a build's refusals
_MSGID = re.compile(r'^msgid "', re.MULTILINE)  # an active entry's msgid (never "#~ msgid", "msgid_plural")


def msgid_lines(text: str, po: Catalog) -> dict[Key, int]:
    """The line of each active entry's msgid in ``text``: the file ``po``
    was read from (its entries know where they start) or dumped to."""
    starts: list[int] = []
    line, pos = 1, 0
    for m in _MSGID.finditer(text):
        line += text.count("\n", pos, m.start())
        pos = m.start()
        starts.append(line)
    active = [e for e in po if not e.obsolete]
    if active and all(e.linenum for e in active):
        # read from this text: an entry's msgid is the first at or after its start
        out: dict[Key, int] = {}
        for e in active:
            at = bisect_left(starts, e.linenum)
            out[e.key] = starts[at] if at < len(starts) else e.linenum
        return out
    skip = len(starts) - len(active)  # made: dumped header first, then the active entries in order
    return {e.key: starts[skip + k] for k, e in enumerate(active)} if skip >= 0 else {}


def read(path: Path, shown: str) -> tuple[str, Catalog] | None:
    """A catalog's text and model, or None (its problem is reported where it is read for its translations)."""
    try:
        text, _ = files.read_text(path, shown)
        return (text, po_io.loads(text, shown)) if text is not None else None
    except (OSError, PipelineError):
        return None


class Lines:
    """Where a catalog's entries are, found when a finding first asks."""

    __slots__ = ("_lines", "_source", "path")

    def __init__(self, path: str, source: Source) -> None:
        self.path = path
        self._source: Source | None = source
        self._lines: dict[Key, int] | None = None

    def line(self, key: Key) -> int:
        """The line of the entry's msgid (0: not in the catalog)."""
        if self._lines is None:
            assert self._source is not None
            found = self._source()
            self._lines, self._source = (msgid_lines(*found) if found is not None else {}), None
        return self._lines.get(key, 0)


def in_file(path: Path, shown: str) -> Lines:
    """The lines of a catalog read as it is (read again only if a finding asks)."""
    return Lines(shown, lambda: read(path, shown))


def in_dump(shown: str, data: bytes, po: Catalog) -> Lines:
    """The lines of ``po`` as dumped to ``data``, the catalog a merge writes."""
    return Lines(shown, lambda: (data.decode("utf-8"), po))


class Published(dict[Key, str]):
    """A catalog's published translations by (context, msgid), as
    :func:`pipeline.catalog.translations` gives them, and where they are."""

    __slots__ = ("lines",)

    def __init__(self, po: Catalog, lang: str, source_lang: str, lines: Lines) -> None:
        super().__init__(catalog.translations(po, lang, source_lang))
        self.lines = lines

    def __reduce__(self) -> tuple[Any, ...]:
        return dict, (dict(self),)  # sent to another process: the translations only


def shared_entries(project: Project, langs: Iterable[str], findings: list[Finding]) -> list[Finding]:
    """Refusals of boilerplate units named at their entry's line in the
    shared catalog as the run leaves it: a page names only the catalog
    (the shared one is made after every page, and a replayed page's
    findings are older than it). Lessons are read again only for these."""
    shared = {project.shown(project.catalog_path(SHARED, lang)): project.catalog_path(SHARED, lang) for lang in langs}
    if not any(f.path in shared and not f.line and f.rule in _REFUSALS for f in findings):
        return findings
    sources = {project.shown(project.source(x)): x for x in project.lessons}
    lines: dict[str, Lines] = {}
    out: list[Finding] = []
    for f in findings:
        used = lesson_of(f.message) if f.path in shared and not f.line and f.rule in _REFUSALS else None
        key = _shared_key(project, sources.get(used[0]), used[1], f.message) if used is not None else None
        if key is None:
            out.append(f)
            continue
        at = lines.setdefault(f.path, in_file(shared[f.path], f.path))
        out.append(replace(f, line=at.line(key)))
    return out


def _shared_key(project: Project, lesson: str | None, line: int, message: str) -> Key | None:
    """The key of the boilerplate unit at ``line`` of a lesson that a refusal names."""
    doc, _ = project.document(lesson, True) if lesson is not None else (None, [])
    for unit in doc.units if doc is not None else ():
        lines = range(unit.line, unit.line + unit.text.count("\n") + 1)  # a refusal names the line at fault
        if unit.shared and line in lines and message.startswith(f"translation of the {unit.element} "):
            return unit.context, nfc(unit.text)
    return None


def uses(project: Project, name: str) -> dict[Key, tuple[str, int, int]]:
    """Per key of a catalog's units, the lesson and line using it first and
    how many other lessons use it (a shared entry's)."""
    found: dict[Key, tuple[str, int, int]] = {}
    for lesson in project.lessons if name == SHARED else [name]:
        doc, _ = project.document(lesson)
        if doc is None:
            continue
        shown = project.shown(project.source(lesson))
        seen: set[Key] = set()
        for unit in doc.units:
            key = (unit.context, nfc(unit.text))
            if unit.shared != (name == SHARED) or key in seen:
                continue
            seen.add(key)
            first = found.get(key)
            found[key] = (shown, unit.line, 0) if first is None else (first[0], first[1], first[2] + 1)
    return found


def at_entries(
    findings: Iterable[Finding], found: tuple[str, Catalog] | None, used: Callable[[], dict[Key, tuple[str, int, int]]]
) -> list[Finding]:
    """Findings a catalog check named at an entry's first line, named at its
    msgid's line instead, with the lesson line that uses it."""
    findings = list(findings)
    if not findings or found is None:
        return findings
    text, po = found
    keys = {e.linenum: e.key for e in po if not e.obsolete}
    lines = msgid_lines(text, po)
    where = used()
    out = []
    for f in findings:
        key = keys.get(f.line)
        if key is None:
            out.append(f)
            continue
        lesson = where.get(key)
        message = f.message + (in_lesson(*lesson) if lesson is not None else "")
        out.append(replace(f, line=lines.get(key, f.line), message=message))
    return out


def folded(findings: Iterable[Finding]) -> list[Finding]:
    """A build's refusals of one catalog entry on several pages, reported
    once: at the entry, with the first lesson using it and how many more."""
    first: dict[tuple[str, int, str, str], tuple[int, str, int]] = {}
    counts: dict[tuple[str, int, str, str], int] = {}
    out: list[Finding] = []
    for f in findings:
        used = lesson_of(f.message) if f.rule in _REFUSALS and f.line else None
        if used is None:
            out.append(f)
            continue
        key = (f.path, f.line, f.rule, f.message[: f.message.rindex(" (lesson ")])
        if key in first:
            counts[key] += 1
            continue
        first[key], counts[key] = (len(out), *used), 0
        out.append(f)
    for key, (index, lesson, line) in first.items():
        if counts[key]:
            out[index] = replace(out[index], message=key[3] + in_lesson(lesson, line, counts[key]))
    return out
