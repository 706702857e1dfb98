"""Errors and findings: what went wrong, where, and how bad.

Library code collects :class:`Finding` objects instead of printing or raising
one at a time; the CLI turns them into messages and exit codes in one place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum


class Exit(IntEnum):
    OK = 0
    FAILED = 1  # a check or threshold failed
    BAD_INPUT = 2  # unusable input or usage


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in one file, at one line (1-based; 0 when not known)."""

    path: str
    line: int
    rule: str
    message: str
    severity: str = "error"  # error | warning

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity}: {self.message} [{self.rule}]"


def in_lesson(lesson: str, line: int, others: int = 0) -> str:
    """The lesson line a translation finding adds to its message: the
    finding itself names the catalog entry, which is what the translator
    opens (``others``: more lessons using a shared entry)."""
    more = f", and {others} more lesson{'' if others == 1 else 's'}" if others else ""
    return f" (lesson {lesson}:{line}{more})"


_IN_LESSON = re.compile(r" \(lesson (.+):(\d+)(?:, and \d+ more lessons?)?\)$")


def lesson_of(message: str) -> tuple[str, int] | None:
    """The lesson and line :func:`in_lesson` wrote at the end of a message."""
    m = _IN_LESSON.search(message)
    return (m.group(1), int(m.group(2))) if m else None


def at_entry(found: Finding, catalog: str, line: int) -> Finding:
    """A finding made at a lesson's unit, named at the catalog entry to fix
    (``line``: its msgid's; 0 when not known) with the lesson's line."""
    return Finding(catalog, line, found.rule, found.message + in_lesson(found.path, found.line), found.severity)


class PipelineError(Exception):
    """Unusable input or settings: the run cannot go on."""

    def __init__(self, path: str, line: int, message: str, rule: str = "input") -> None:
        super().__init__(message)
        self.finding = Finding(path, line, rule, message)

    def __str__(self) -> str:
        return str(self.finding)
