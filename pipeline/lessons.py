"""A course's lessons: which files they are, and reading them.

Discovery refuses what must not be read (a link out of ``content/``, a name
clash); loading segments one lesson's bytes.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from .errors import Finding
from .files import decode, entries, is_file, read_bytes
from .segments import Document, segment
from .text import looks_damaged

MARKDOWN_SUFFIXES = {".md", ".markdown"}
# The catalog of boilerplate text shared by all lessons (navigation, footer).
SHARED = "_shared"


def discover(content: Path, shown: Callable[[Path], str]) -> tuple[list[str], list[str], list[Finding]]:
    """The lessons and other files (assets) under ``content``, as sorted
    POSIX paths relative to it, and what was refused."""
    findings: list[Finding] = []
    # Linked folders are not entered (see files.entries); a link is followed
    # only when it resolves inside content/ (a file outside is never read).
    inside = content.resolve()
    files: list[str] = []
    for entry, rel in entries(content):
        if entry.is_symlink():
            path = Path(entry.path)
            try:
                target = path.resolve(strict=True)
            except (OSError, RuntimeError):
                # a missing target or a loop: no lesson to read
                findings.append(
                    Finding(shown(path), 0, "symlink", "symbolic link to nothing (broken or a loop): fix it")
                )
                continue
            if not target.is_relative_to(inside):
                what = "folder" if target.is_dir() else "file"
                findings.append(
                    Finding(
                        shown(path),
                        0,
                        "symlink",
                        f"symbolic link to a {what} outside {shown(content)}/ ({target}): refused, not "
                        f"read (copy the {what} into {shown(content)}/ instead)",
                    )
                )
                continue
        if not is_file(entry):
            continue
        stem, suffix = os.path.splitext(rel)
        if stem == SHARED and suffix.lower() in MARKDOWN_SUFFIXES:
            findings.append(
                Finding(
                    shown(Path(entry.path)), 0, "input", f"{SHARED} is the shared catalog's name: rename the lesson"
                )
            )
            continue
        files.append(rel)
    files.sort()
    lessons: list[str] = []
    # bai.md and bai.markdown would share one template and one catalog.
    named: dict[str, str] = {}
    for rel in (f for f in files if Path(f).suffix.lower() in MARKDOWN_SUFFIXES):
        stem = Path(rel).with_suffix("").as_posix()
        if stem in named:
            findings.append(
                Finding(
                    shown(content / rel),
                    0,
                    "input",
                    f"same name as {shown(content / named[stem])} but for its suffix: the two would share "
                    "one catalog; rename one (this one is not processed)",
                )
            )
            continue
        named[stem] = rel
        lessons.append(rel)
    assets = [f for f in files if Path(f).suffix.lower() not in MARKDOWN_SUFFIXES]
    return lessons, assets, findings


# Characters no catalog can carry: a lesson holding one is not text to translate.
_UNPUBLISHABLE = {
    "\0": "holds a NUL byte: the file is binary, or UTF-16 without a byte order mark; save it as UTF-8 text",
    # EOT separates context from text in a compiled catalog: GNU msgfmt refuses it in a msgid.
    "\x04": "holds the control character U+0004 (end of transmission), which no catalog can carry: remove it",
}


def unpublishable(text: str) -> tuple[str, str] | None:
    """The first character of ``text`` that no catalog can carry, and why."""
    return next(((char, why) for char, why in _UNPUBLISHABLE.items() if char in text), None)


def load(
    path: Path, shown: str, regions: Sequence[tuple[str, str]], allow_mojibake: bool
) -> tuple[Document | None, list[Finding]]:
    """A lesson read and segmented, or None and why it cannot be."""
    return load_bytes(read_bytes(path), shown, regions, allow_mojibake)


def load_bytes(
    data: bytes, shown: str, regions: Sequence[tuple[str, str]], allow_mojibake: bool
) -> tuple[Document | None, list[Finding]]:
    """A lesson's bytes segmented, or None and why they cannot be."""
    text, problem = decode(data, shown)
    if problem is None and text is not None and (bad := unpublishable(text)) is not None:
        char, why = bad
        problem = Finding(shown, text.count("\n", 0, text.index(char)) + 1, "encoding", why)
    if problem is not None:
        return None, [problem]
    assert text is not None
    if not allow_mojibake:
        damaged = next((n for n, line in enumerate(text.split("\n"), 1) if looks_damaged(line)), None)
        if damaged is not None:
            # Garbage in the catalogs would reach translators and readers.
            return None, [
                Finding(
                    shown,
                    damaged,
                    "mojibake",
                    "lesson looks like mojibake (UTF-8 read as Windows-1254): run `pipeline doctor --fix` "
                    "(or pass --allow-mojibake)",
                )
            ]
    return segment(text, shown, regions), []
