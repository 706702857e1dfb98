"""What a rebuild may skip: the typed record of the last run, in one place.

`.pipeline-cache/` (git-ignored, safe to delete) holds:

- ``state.json``: every file of content/, locales/ and the build trees as
  the last run left it (content hash and ``stat``), and that run's figures.
  A rebuild hashes only the files whose ``stat`` (size, mtime_ns, ctime,
  inode) changed, as git's index does; when every hash is as recorded it has
  nothing to do and says so without parsing anything.
- ``records.json`` (named by hash from state.json): per lesson, catalog and
  page, what the last run made of it, so an unchanged one is not made again.
- ``pending/<hash>``: the untranslated msgids of each catalog, read only
  when the translation memory changed (they are what a change can fill).

Every record is a frozen dataclass; one versioned serialiser writes and
reads them all. A cache of another version, or one that does not parse, is
ignored (the run is cold), never misread.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import files
from .errors import Finding
from .files import UNREADABLE, Stat, content_hash, entries, is_file, write_if_changed
from .report import Coverage

if TYPE_CHECKING:
    from .memory import Record

# 3: typed records, stat in the snapshot, pages and pending msgids; 4: pages say how much is
# translated; 5: front matter titles and descriptions are units
VERSION = 6
FOLDER = ".pipeline-cache"
# A file changed this close to the moment its stat was recorded could change
# again within the same timestamp tick, unseen by stat: it is hashed again.
RACY_NS = 50_000_000
Key = tuple[str | None, str]  # (msgctxt, msgid)


@dataclass(frozen=True, slots=True)
class Known:
    """A file as a run left it (``stat`` None: hash it again next time)."""

    digest: str
    stat: Stat | None = None


@dataclass(frozen=True, slots=True)
class Figures:
    """What a run reports, replayed by a run with nothing to do."""

    lessons: int
    entries: int
    coverage: dict[str, Coverage]
    findings: tuple[Finding, ...]


@dataclass(frozen=True, slots=True)
class SharedUnit:
    """A boilerplate unit, as the shared template needs it."""

    text: str
    element: str
    line: int
    context: str | None
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LessonRecord:
    source: str  # hash of content/<lesson>
    template: str  # hash of its template as left
    entries: int
    findings: tuple[Finding, ...]  # reading and segmenting it
    shared: tuple[SharedUnit, ...]


@dataclass(frozen=True, slots=True)
class CatalogRecord:
    digest: str  # the catalog as left
    template: str  # the template it was merged from
    counts: tuple[int, int, int, int]  # translated, fuzzy, copied, total
    records: tuple[Record, ...]  # its approved translations: the memory
    pending: str  # names its untranslated msgids under pending/ ("" if none)
    terms: tuple[str, ...]  # glossary terms its entries hold


@dataclass(frozen=True, slots=True)
class PageRecord:
    digest: str  # the page as left
    catalog: str  # the catalog it was spliced from
    shared: tuple[tuple[str | None, str, str | None], ...]  # the shared translations it used
    findings: tuple[Finding, ...]


@dataclass(slots=True)
class Records:
    """Per lesson, catalog (by path) and page (by path): the last run's work."""

    lessons: dict[str, LessonRecord] = field(default_factory=dict)
    catalogs: dict[str, CatalogRecord] = field(default_factory=dict)
    pages: dict[str, PageRecord] = field(default_factory=dict)
    # Per language: msgids whose memory entry the last run itself changed
    # (its fills), and the glossary it merged with.
    memory_changed: dict[str, tuple[str, ...]] = field(default_factory=dict)
    glossaries: dict[str, tuple[tuple[str, str, str], ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class State:
    files: dict[str, Known]
    figures: Figures
    saved_ns: int
    records: str  # hash of records.json


# -- one serialiser ------------------------------------------------------------


def _finding(f: Finding) -> list[Any]:
    return [f.path, f.line, f.rule, f.message, f.severity]


def _findings(data: list[Any]) -> tuple[Finding, ...]:
    return tuple(Finding(str(p), int(n), str(r), str(m), str(s)) for p, n, r, m, s in data)


def _stat(s: Stat | None) -> list[int] | None:
    return None if s is None else [s.size, s.mtime_ns, s.ctime_ns, s.ino]


def encode_state(state: State) -> bytes:
    figures = state.figures
    payload = {
        "version": VERSION,
        "saved_ns": state.saved_ns,
        "records": state.records,
        "figures": {
            "lessons": figures.lessons,
            "entries": figures.entries,
            "coverage": {k: [c.translated, c.fuzzy, c.copied, c.total] for k, c in figures.coverage.items()},
            "findings": [_finding(f) for f in figures.findings],
        },
        "files": {rel: [k.digest, _stat(k.stat)] for rel, k in sorted(state.files.items())},
    }
    return (json.dumps(payload, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def decode_state(data: bytes) -> State | None:
    try:
        raw = json.loads(data)
        if not isinstance(raw, dict) or raw.get("version") != VERSION:
            return None
        fig = raw["figures"]
        figures = Figures(
            int(fig["lessons"]),
            int(fig["entries"]),
            {k: Coverage(*map(int, v)) for k, v in fig["coverage"].items()},
            _findings(fig["findings"]),
        )
        known = {str(rel): Known(str(d), Stat(*s) if s else None) for rel, (d, s) in raw["files"].items()}
        return State(known, figures, int(raw["saved_ns"]), str(raw["records"]))
    except (ValueError, KeyError, TypeError):
        return None


class _Table:
    """Distinct values, each stored once and named by its index: every
    lesson repeats the same navigation and footer units (and lessons alike
    the same blocks of them)."""

    def __init__(self) -> None:
        self.rows: list[Any] = []
        self._index: dict[Any, int] = {}

    def __call__(self, value: Any) -> int:
        found = self._index.get(value)
        if found is None:
            found = self._index[value] = len(self.rows)
            self.rows.append(value)
        return found


def encode_records(records: Records) -> bytes:
    units, used, blocks, shared = _Table(), _Table(), _Table(), _Table()
    # Lessons alike share one tuple of units (decode_records makes one per
    # block): each tuple is looked up once, by identity.
    seen_blocks: dict[int, int] = {}
    seen_uses: dict[int, int] = {}

    def block(units_of: tuple[SharedUnit, ...]) -> int:
        found = seen_blocks.get(id(units_of))
        if found is None:
            found = seen_blocks[id(units_of)] = blocks(
                tuple((units((u.text, u.element, u.context, u.notes)), u.line) for u in units_of)
            )
        return found

    def uses(values: tuple[tuple[str | None, str, str | None], ...]) -> int:
        found = seen_uses.get(id(values))
        if found is None:
            found = seen_uses[id(values)] = shared(tuple(used(x) for x in values))
        return found

    payload = {
        "version": VERSION,
        "lessons": {
            k: [
                r.source,
                r.template,
                r.entries,
                [_finding(f) for f in r.findings],
                block(r.shared),
            ]
            for k, r in records.lessons.items()
        },
        "catalogs": {
            k: [
                r.digest,
                r.template,
                list(r.counts),
                [[x.msgid, x.msgstr, x.origin, x.obsolete] for x in r.records],
                r.pending,
                list(r.terms),
            ]
            for k, r in records.catalogs.items()
        },
        "pages": {
            k: [r.digest, r.catalog, uses(r.shared), [_finding(f) for f in r.findings]]
            for k, r in records.pages.items()
        },
        "units": [[t, e, c, list(n)] for t, e, c, n in units.rows],
        "blocks": [[list(x) for x in b] for b in blocks.rows],
        "used": [list(s) for s in used.rows],
        "shared": [list(b) for b in shared.rows],
        "memory_changed": {k: list(v) for k, v in records.memory_changed.items()},
        "glossaries": {k: [list(t) for t in v] for k, v in records.glossaries.items()},
    }
    return (json.dumps(payload, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def decode_records(data: bytes) -> Records | None:
    from .memory import Record

    try:
        raw = json.loads(data)
        if not isinstance(raw, dict) or raw.get("version") != VERSION:
            return None
        bodies = [(str(t), str(e), c, tuple(map(str, n))) for t, e, c, n in raw["units"]]
        blocks = [tuple(SharedUnit(*_at(bodies, i, line)) for i, line in b) for b in raw["blocks"]]
        used = [(c, str(m), v) for c, m, v in raw["used"]]
        shared = [tuple(used[i] for i in b) for b in raw["shared"]]
        return Records(
            lessons={
                str(k): LessonRecord(str(s), str(t), int(n), _findings(f), blocks[u])
                for k, (s, t, n, f, u) in raw["lessons"].items()
            },
            catalogs={
                str(k): CatalogRecord(
                    str(d),
                    str(t),
                    (int(c[0]), int(c[1]), int(c[2]), int(c[3])),
                    tuple(Record(str(a), str(b), str(o), bool(x)) for a, b, o, x in rec),
                    str(p),
                    tuple(map(str, terms)),
                )
                for k, (d, t, c, rec, p, terms) in raw["catalogs"].items()
            },
            pages={
                str(k): PageRecord(str(d), str(c), shared[s], _findings(f)) for k, (d, c, s, f) in raw["pages"].items()
            },
            memory_changed={str(k): tuple(map(str, v)) for k, v in raw["memory_changed"].items()},
            glossaries={str(k): tuple((str(a), str(b), str(c)) for a, b, c in v) for k, v in raw["glossaries"].items()},
        )
    except (ValueError, KeyError, TypeError, IndexError):
        return None


def _at(bodies: list[tuple[str, str, Any, tuple[str, ...]]], index: int, line: int) -> tuple[Any, ...]:
    text, element, context, notes = bodies[index]
    return (text, element, int(line), context, notes)


# -- on disk -------------------------------------------------------------------


def load(root: Path) -> State | None:
    try:
        return decode_state((root / FOLDER / "state.json").read_bytes())
    except OSError:
        return None


def load_records(root: Path, state: State) -> Records | None:
    """The records state.json names; none if the file is missing or is not
    the one it names (a run killed between the two writes)."""
    try:
        data = (root / FOLDER / "records.json").read_bytes()
    except OSError:
        return None
    return decode_records(data) if content_hash(data) == state.records else None


def save(root: Path, files: dict[str, Known], figures: Figures, records: Records) -> None:
    """Record a run: records.json first, so state.json never names records it lacks.

    A file whose stat is as recent as now could still change unseen within
    its timestamp's tick: its stat is not kept, so the next run hashes it.
    """
    extra = encode_records(records)
    folder = root / FOLDER
    write_if_changed(folder / "records.json", extra)
    _write_state(root, files, figures, content_hash(extra))
    ignore = folder / ".gitignore"
    if not ignore.exists():
        write_if_changed(ignore, b"*\n")


def restat(root: Path, state: State, files: dict[str, Known]) -> None:
    """The same record with the files' stat as they are now (a run with
    nothing to do whose files were touched): the next one reads less."""
    _write_state(root, files, state.figures, state.records)


def _write_state(root: Path, files: dict[str, Known], figures: Figures, records: str) -> None:
    now = time.time_ns()
    kept = {
        rel: k if k.stat is None or k.stat.mtime_ns < now - RACY_NS else Known(k.digest) for rel, k in files.items()
    }
    write_if_changed(root / FOLDER / "state.json", encode_state(State(kept, figures, now, records)))


def _hash(path: str) -> str:
    try:
        return content_hash(files.read_bytes(Path(path)))
    except OSError:
        return UNREADABLE  # gone or unreadable since the walk: the run will say


def snapshot(root: Path, folders: list[Path], known: dict[str, Known]) -> dict[str, Known]:
    """Every file under ``folders`` and the settings file, with its hash:
    taken from ``known`` when its stat is as recorded, else read."""
    found: dict[str, Known] = {}

    def add(rel: str, full: str, st: os.stat_result | None) -> None:
        stat = Stat.of(st) if st is not None else None
        last = known.get(rel)
        if stat is not None and last is not None and last.stat == stat:
            found[rel] = last
        else:
            found[rel] = Known(_hash(full), stat)

    for folder in folders:
        try:
            prefix = folder.relative_to(root).as_posix() + "/"
        except ValueError:
            prefix = folder.as_posix() + "/"  # a folder set outside the root: known by its own path
        for entry, rel in entries(folder, hidden=True):
            if entry.is_dir(follow_symlinks=False) or not is_file(entry):
                continue
            try:
                st = entry.stat()
            except OSError:
                st = None
            add(prefix + rel, entry.path, st)
    settings = root / "pyproject.toml"
    with contextlib.suppress(OSError):  # no settings file: defaults
        add("pyproject.toml", os.fspath(settings), os.stat(settings))
    return found


def unchanged(state: State | None, now: dict[str, Known]) -> bool:
    """True if every file hashes as the last run left it, none added or gone."""
    if state is None or len(now) != len(state.files):
        return False
    files = state.files
    for rel, k in now.items():
        last = files.get(rel)
        if last is None or last.digest != k.digest or k.digest == UNREADABLE:
            return False
    return True


# -- pending msgids ------------------------------------------------------------


def pending_name(msgids: list[str]) -> str:
    """The name of a catalog's untranslated msgids under pending/ (by content)."""
    return content_hash("\0".join(msgids).encode("utf-8")) if msgids else ""


def write_pending(root: Path, msgids: list[str]) -> str:
    name = pending_name(msgids)
    if name:
        path = root / FOLDER / "pending" / name
        if not path.exists():
            write_if_changed(path, "\0".join(msgids).encode("utf-8"))
    return name


def read_pending(root: Path, name: str) -> list[str] | None:
    """The msgids a name stands for; None if the file is gone (redo the catalog)."""
    if not name:
        return []
    try:
        return (root / FOLDER / "pending" / name).read_bytes().decode("utf-8").split("\0")
    except (OSError, UnicodeDecodeError):
        return None


def prune_pending(root: Path, used: set[str]) -> None:
    """Delete the pending files no catalog record names any more."""
    folder = root / FOLDER / "pending"
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        if name not in used and not name.startswith("."):
            with contextlib.suppress(OSError):
                (folder / name).unlink()
