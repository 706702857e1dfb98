"""Errors and findings: what went wrong, where, and how bad.

Library code collects :class:`Finding` objects instead of printing or raising
one at a time; the CLI turns them into messages and exit codes in one place.
"""

from __future__ import annotations

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


class PipelineError(Exception):
    """Unusable input or settings: the run cannot go on."""

    def __init__(self, path: str, line: int, message: str, rule: str = "input") -> None:
        super().__init__(message)
        self.finding = Finding(path, line, rule, message)

    def __str__(self) -> str:
        return str(self.finding)
