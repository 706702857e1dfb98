"""What a rebuild may skip: per-lesson records of the last complete run.

Plain data kept in `.pipeline-cache/state.json` beside the file hashes
(:mod:`pipeline.state`): each lesson's boilerplate units and findings, each
catalog's counts and approved translations. A step is skipped only when
every file it reads and writes hashes as the last run left it; the records
then stand in for what the step would have computed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import state
from .errors import Finding
from .files import UNREADABLE, content_hash
from .memory import Record
from .segments import Unit


def unit_to_json(unit: Unit) -> list[Any]:
    return [unit.text, unit.element, unit.line, unit.context, list(unit.notes)]


def unit_from_json(data: list[Any]) -> Unit:
    text, element, line, context, notes = data
    return Unit(text, element, line, (), (), context=context, notes=tuple(notes), shared=True)


def finding_to_json(f: Finding) -> list[Any]:
    return [f.path, f.line, f.rule, f.message, f.severity]


def finding_from_json(data: list[Any]) -> Finding:
    return Finding(*data)


@dataclass
class Records:
    """The last run's records, and this run's, to be saved."""

    root: Path
    files: dict[str, str] = field(default_factory=dict)  # hashes the last run left
    lessons: dict[str, dict[str, Any]] = field(default_factory=dict)
    catalogs: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Each language's shared translations, as [msgctxt, msgid, msgstr] rows.
    shared: dict[str, list[list[Any]]] = field(default_factory=dict)
    usable: bool = False

    # Hashes of the files now: as found at the start, updated by each write.
    current: dict[str, str] = field(default_factory=dict)
    _rels: dict[Path, str] = field(default_factory=dict, repr=False)  # see same()

    @classmethod
    def from_state(cls, root: Path, data: dict[str, Any] | None, now: dict[str, str] | None = None) -> Records:
        records = cls(root)
        records.current = dict(now or {})
        if not data or now is None:
            return records
        records.files = dict(data.get("files", {}))
        extra = state.load_records(root, data)
        records.lessons = dict(extra.get("lessons", {}))
        records.catalogs = dict(extra.get("catalogs", {}))
        records.shared = dict(extra.get("shared", {}))
        # The snapshot hashed the settings: records made under others are no use.
        settings = records.current.get("pyproject.toml")
        records.usable = bool(records.files) and records.files.get("pyproject.toml") == settings != UNREADABLE
        return records

    def same(self, path: Path) -> bool:
        """True if ``path`` is as the last run left it (absent both times counts)."""
        if not self.usable:
            return False
        rel = self._rels.get(path)
        if rel is None:
            rel = self._rels[path] = path.relative_to(self.root).as_posix()
        now = self.current.get(rel)
        return self.files.get(rel) == now and now != UNREADABLE

    def wrote(self, rel: str, data: bytes | None, digest: str | None = None) -> None:
        """Keep ``current`` true to the files: ``data`` written (its hash
        ``digest``, if known), or removed."""
        if data is None:
            self.current.pop(rel, None)
        else:
            self.current[rel] = digest or content_hash(data)

    def to_json(self) -> dict[str, Any]:
        return {"lessons": self.lessons, "catalogs": self.catalogs, "shared": self.shared}


def records_to_json(records: list[Record]) -> list[list[Any]]:
    return [[r.msgid, r.msgstr, r.origin, r.obsolete] for r in records]


def records_from_json(data: list[list[Any]]) -> list[Record]:
    return [Record(*row) for row in data]


__all__ = ["Records"]
