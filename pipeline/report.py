"""What a run reports: figures, findings, and the exit code they make.

Kept apart from the steps so the CLI and the library agree on one meaning
of success: 0, 1 for a failed check, 2 for unusable input.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol, Self

from . import rules
from .errors import Exit, Finding


class Progress(Protocol):
    def start(self, total: int, label: str) -> None: ...
    def advance(self) -> None: ...


class Silent:
    def start(self, total: int, label: str) -> None:
        pass

    def advance(self) -> None:
        pass


@dataclass
class Coverage:
    translated: int = 0
    fuzzy: int = 0
    copied: int = 0
    total: int = 0

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.total if self.total else 100.0


class Findings(list[Finding]):
    """Findings, each kept once: a problem that two steps of a run meet (a
    broken catalog read by update and by build) is one message."""

    def __init__(self, items: Iterable[Finding] = ()) -> None:
        super().__init__()
        self._seen: set[Finding] = set()
        self.extend(items)

    def append(self, finding: Finding) -> None:
        if finding not in self._seen:
            self._seen.add(finding)
            super().append(finding)

    def extend(self, findings: Iterable[Finding]) -> None:
        for finding in findings:
            self.append(finding)

    # list's own __iadd__ (typeshed) needs the same ignore: += takes any
    # iterable, + only a list. Overridden because list's skips extend().
    def __iadd__(self, findings: Iterable[Finding], /) -> Self:  # type: ignore[override, misc]
        self.extend(findings)
        return self


@dataclass
class Report:
    lessons: int = 0
    entries: int = 0
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=Findings)
    coverage: dict[str, Coverage] = field(default_factory=dict)
    dry: bool = False  # nothing was written: the files listed would change

    @property
    def exit_code(self) -> Exit:
        """The worst exit its error findings' rules make (rules.py); an
        unknown rule counts as unusable input."""
        return max((rules.exit_for(f.rule) for f in self.findings if f.severity == "error"), default=Exit.OK)

    def summary(self) -> str:
        parts = [f"{self.lessons} lessons", f"{self.entries} entries"]
        for lang, cov in sorted(self.coverage.items()):
            copied = f", {cov.copied} copied as already {lang}" if cov.copied else ""
            parts.append(f"{lang} {cov.percent:.1f}% translated ({cov.translated}/{cov.total}{copied})")
        changed = len(self.written) + len(self.removed)
        verb = "would change" if self.dry else "changed"
        parts.append(f"{changed} files {verb}" if changed else f"nothing {verb}")
        return ", ".join(parts)
