"""A course's lessons: which files they are, and reading them.

Discovery refuses what must not be read (a link out of ``content/``, a name
clash); loading reads and segments one lesson, and :func:`load_many` does it
for many on every core.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import TypeVar

from . import pool
from .errors import Finding
from .files import entries, is_file, read_text
from .segments import Document, segment
from .text import looks_damaged

MARKDOWN_SUFFIXES = {".md", ".markdown"}
# The catalog of boilerplate text shared by all lessons (navigation, footer).
SHARED = "_shared"
T = TypeVar("T")
R = TypeVar("R")


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


# Below this many lessons to parse, worker processes cost more than they save.
PARALLEL_MIN = 24


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
    text, problem = read_text(path, shown)
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


def _load_chunk(
    items: list[tuple[str, Path, str]], regions: Sequence[tuple[str, str]], allow_mojibake: bool
) -> list[tuple[str, tuple[Document | None, list[Finding]]]]:
    return [(lesson, load(path, shown, regions, allow_mojibake)) for lesson, path, shown in items]


def workers(count: int) -> int:
    """How many forked worker processes ``count`` lessons are worth: 0 when
    they cost more than they save (few lessons, one core, no fork)."""
    cores = min(os.cpu_count() or 1, 8)
    # Forking a process that runs threads may copy a held lock: only from a
    # single-threaded one (no write is in flight between steps).
    if cores < 2 or count < PARALLEL_MIN or threading.active_count() > 1:
        return 0
    if "fork" not in multiprocessing.get_all_start_methods():
        return 0
    return cores


def fork_map(job: Callable[[list[T]], list[R]], items: list[T], count: int) -> Iterator[list[R]]:
    """``job`` on chunks of ``items`` in ``count`` forked worker processes
    (see :func:`pipeline.pool.ordered_map`: they die with the run), each
    chunk's results in turn. The workers inherit the caller's memory: what
    a job needs beyond its items it may read from there."""
    chunks = [c for c in (items[i :: count * 4] for i in range(count * 4)) if c]
    yield from pool.ordered_map(job, chunks, count)


def load_many(
    items: list[tuple[str, Path, str]], regions: Sequence[tuple[str, str]], allow_mojibake: bool
) -> dict[str, tuple[Document | None, list[Finding]]]:
    """Lessons (name, path, shown path) loaded in forked worker processes,
    when there are enough of them and cores to share: segmenting is most of
    a cold run's work, and each lesson is independent. Fewer, or no second
    core: nothing (the caller loads them one by one)."""
    count = workers(len(items))
    if not count:
        return {}
    job = partial(_load_chunk, regions=regions, allow_mojibake=allow_mojibake)
    loaded: dict[str, tuple[Document | None, list[Finding]]] = {}
    for results in fork_map(job, items, count):
        loaded.update(results)
    return loaded
