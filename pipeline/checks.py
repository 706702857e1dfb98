"""Quality checks: small functions that return findings, never raise.

Each takes plain data (a catalog's entries, a lesson's text and units, a
built lesson's links) and says what is wrong, where, and what to do.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from .errors import Finding
from .langid import has_vietnamese, prose
from .markdown import normalize_newlines, parse
from .segments import Unit, unbalanced_dollars
from .text import looks_bad


@dataclass(frozen=True, slots=True)
class Entry:
    """What the checks need of a catalog entry."""

    msgid: str
    msgstr: str
    line: int
    fuzzy: bool = False
    source_left: bool = False  # the Vietnamese source as its own translation (catalog.source_left)


def entry_findings(path: str, entries: Iterable[Entry], lang: str, source_lang: str) -> list[Finding]:
    """Translated entries still in the source language. Whether a build
    refuses a translation is the build's own judgement (:func:`pipeline.assemble.splice`),
    which `check` reports as it is: one judgement, not two."""
    findings: list[Finding] = []
    for e in entries:
        if e.source_left:
            findings.append(
                Finding(
                    path,
                    e.line,
                    "vietnamese-left",
                    f"the translation is the Vietnamese source, unchanged: translate it into {lang} "
                    "(or flag the entry `#, ignore-same` if it must stay as it is, a name say)",
                )
            )
            continue
        if e.fuzzy or not e.msgstr or e.msgstr == e.msgid:
            continue
        if source_lang == "vi" and lang != "vi" and has_vietnamese(prose(e.msgstr)):
            findings.append(
                Finding(
                    path, e.line, "vietnamese-left", f"Vietnamese text left in the {lang} translation: translate it"
                )
            )
    return findings


_PLURALS = re.compile(r"nplurals\s*=\s*(\d+)\s*;\s*plural\s*=")


def header_findings(path: str, metadata: dict[str, str], lang: str, plural_forms: str | None) -> list[Finding]:
    """A catalog header that names another language, charset or plural rule."""
    findings = []
    if metadata.get("Language", "") != lang:
        findings.append(
            Finding(path, 1, "bad-header", f"Language is {metadata.get('Language', '')!r}, expected {lang!r}")
        )
    content_type = metadata.get("Content-Type", "")
    if "charset=utf-8" not in content_type.lower().replace(" ", ""):
        findings.append(Finding(path, 1, "bad-header", f"Content-Type must say charset=UTF-8, not {content_type!r}"))
    forms = metadata.get("Plural-Forms", "")
    m = _PLURALS.search(forms)
    if not m:
        findings.append(Finding(path, 1, "bad-header", "Plural-Forms is missing or malformed"))
    elif plural_forms is not None and (want := _PLURALS.search(plural_forms)) and want.group(1) != m.group(1):
        findings.append(
            Finding(path, 1, "bad-header", f"Plural-Forms says nplurals={m.group(1)}; {lang} has {want.group(1)}")
        )
    return findings


def source_findings(path: str, text: str, units: Iterable[Unit], mojibake: str = "warning") -> list[Finding]:
    """Lint of a source lesson: unbalanced `$` and mojibake."""
    findings = unbalanced_dollars(path, units)
    for number, line in enumerate(text.splitlines(), 1):
        if looks_bad(line):
            findings.append(
                Finding(
                    path,
                    number,
                    "mojibake",
                    "text looks like mojibake (UTF-8 read as another encoding): repair the lesson",
                    mojibake,
                )
            )
    return findings


def link_findings(path: str, text: str, lesson: str, existing: set[str]) -> list[Finding]:
    """Relative links and images of a built lesson that resolve to no file."""
    findings = []
    folder = PurePosixPath(lesson).parent
    for tok in parse(normalize_newlines(text)):
        for child in tok.children or []:
            target = child.attrGet("href") if child.type == "link_open" else child.attrGet("src")
            if child.type not in ("link_open", "image") or not isinstance(target, str):
                continue
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or not parts.path or target.startswith("#"):
                continue
            resolved = _normalize(folder / unquote(parts.path))
            if resolved is None or (resolved not in existing and f"{resolved}/index.md" not in existing):
                line = tok.map[0] + 1 if tok.map else 1
                findings.append(
                    Finding(path, line, "broken-link", f"link to {target!r} resolves to no file: fix the destination")
                )
    return findings


def _normalize(path: PurePosixPath) -> str | None:
    parts: list[str] = []
    for part in path.parts:
        if part == "..":
            if not parts:
                return None  # leaves the tree
            parts.pop()
        elif part not in (".", ""):
            parts.append(part)
    return "/".join(parts).rstrip("/")
