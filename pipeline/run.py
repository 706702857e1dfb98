"""One command's work on a project: reading, the extract/update/build steps.

A :class:`Run` reads the settings of a root, parses each lesson at most
once, writes only what changed (atomically), collects findings instead of
raising them, and, for a rebuild, skips what the last run left unchanged.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import catalog, glossary, lessons, stats
from . import incremental as inc
from . import po as po_io
from .assemble import splice
from .cold import Cold, Key, _Prepared
from .config import Config, load
from .errors import Finding, PipelineError
from .files import Writer, read_text, tree, unchanged
from .formatting import repad_tables
from .lessons import SHARED
from .memory import Memory, Record
from .report import Coverage, Progress, Report, Silent
from .segments import Document, Unit
from .text import nfc

# A catalog whose lesson is gone is taken for a renamed lesson's when at least
# this share of the new lesson's text has translations in it.
RENAME_OVERLAP = 0.5


@dataclass(slots=True)
class _Context:
    """What update merges one language's catalogs with (see Run._context)."""

    olds: dict[Path, catalog.Catalog] | None = None  # None: unchanged since the last run, read one by one
    broken: set[Path] = field(default_factory=set)
    helpers: catalog.Helpers = field(default_factory=catalog.Helpers)
    renamed: dict[str, Path] | None = None  # None until update first asks
    # Made ahead (see Run.prepare): findings held until update asks, so that
    # they come out where one process would report them.
    held_old: list[Finding] = field(default_factory=list)
    held_glossary: list[Finding] = field(default_factory=list)
    ahead: bool = False


class Run(Cold):
    """One command's view of a project: its lessons, parsed at most once."""

    def __init__(
        self,
        root: Path | str,
        progress: Progress | None,
        dry: bool = False,
        allow_mojibake: bool = False,
        incremental: tuple[dict[str, Any] | None, dict[str, str]] | None = None,
    ) -> None:
        self.config: Config = load(Path(root))
        self.allow_mojibake = allow_mojibake
        # What the last complete rebuild left, and the files' hashes now
        # (see pipeline.incremental).
        last, now = incremental if incremental is not None else (None, None)
        self.records = inc.Records.from_state(self.config.root, last, now)
        self.new_records = inc.Records(self.config.root)
        self._replayed: set[str] = set()
        # A replayed lesson's boilerplate units, as its record holds them:
        # made into units only if the shared template is made again.
        self._cached_shared: dict[str, list[Any]] = {}
        self._replayable: dict[str, bool] = {}  # see _can_replay()
        # A dry run writes and removes nothing: it records what it would do,
        # and keeps what it would write in `outputs`.
        self.dry = dry
        self.outputs: dict[Path, bytes] = {}
        self._writer = Writer()
        self._real_root = self.config.root.resolve()  # see _escapes()
        self._resolved: dict[Path, Path] = {}
        self._shown: dict[Path, str] = {}
        self._paths: dict[tuple[str, str | None], Path] = {}
        self.report = Report(dry=dry)
        self.progress: Progress = progress or Silent()
        self.settings = catalog.Settings(
            project=self.config.project,
            source_lang=self.config.source_lang,
            line_numbers=self.config.line_numbers,
            fuzzy_threshold=self.config.fuzzy_threshold,
        )
        content = self.config.content
        if not content.is_dir():
            raise PipelineError(self.shown(content), 0, "no content folder: lessons go in content/")
        self.lessons, self.assets, found = lessons.discover(content, self.shown)
        self.report.findings.extend(found)
        self.report.lessons = len(self.lessons)
        self._docs: dict[str, Document | None] = {}
        self._loaded: dict[str, tuple[Document | None, list[Finding]]] = {}  # see prefetch()
        self._templates: dict[str, catalog.Catalog | None] = {}
        self._contexts: dict[str, _Context] = {}  # see _context()
        self._prepared: dict[str, _Prepared] = {}  # see prepare()
        # Catalogs whose bytes on disk are those a worker made or read.
        self._settled: set[Path] = set()

    # -- paths ---------------------------------------------------------------

    # Each path is made once: a rebuild with little to do asks for the
    # paths of a thousand lessons several times, and Path is slow to make.

    def shown(self, path: Path) -> str:
        found = self._shown.get(path)
        if found is None:
            try:
                found = path.relative_to(self.config.root).as_posix()
            except ValueError:
                found = str(path)
            self._shown[path] = found
        return found

    def template_path(self, lesson: str) -> Path:
        found = self._paths.get((lesson, None))
        if found is None:
            found = self._paths[lesson, None] = self.config.locales / "templates" / Path(lesson).with_suffix(".pot")
        return found

    def catalog_path(self, lesson: str, lang: str) -> Path:
        found = self._paths.get((lesson, lang))
        if found is None:
            found = self._paths[lesson, lang] = self.config.locales / lang / Path(lesson).with_suffix(".po")
        return found

    def langs(self, only: Iterable[str] | None) -> list[str]:
        chosen = list(only) if only else list(self.config.languages)
        for lang in chosen:
            if lang not in self.config.languages:
                raise PipelineError(
                    "pyproject.toml", 0, f"unknown language {lang!r}; configured: {', '.join(self.config.languages)}"
                )
        return chosen

    # -- reading -------------------------------------------------------------

    def _escapes(self, path: Path) -> str | None:
        """Why writing or removing ``path`` would leave the project, or None.

        A symlink (build/en -> /somewhere) or a setting (build_dir =
        "../x") must never carry output out of the root.
        """
        root = self._real_root
        parent = self._resolved.get(path.parent)
        if parent is None:  # each folder resolved once a step: a step writes many files to few folders
            parent = self._resolved[path.parent] = path.parent.resolve()
        real = parent / path.name
        if real.is_relative_to(root):
            return None
        folder = next(
            (f for f in (self.config.build, self.config.locales, self.config.content) if path.is_relative_to(f)),
            None,
        )
        if folder is not None and folder.resolve().is_relative_to(root):
            return f"refusing to write outside {self.shown(folder)}/: the path resolves to {real} (through a symlink)"
        return f"refusing to write outside the project root: the path resolves to {real} (check the settings)"

    def write(self, path: Path, text: str | bytes, digest: str | None = None) -> bool:
        """Write ``text`` to ``path`` unless it holds it already; False if it
        is refused (out of the root) or only recorded (a dry run). ``digest``
        is its content hash when already known (a worker made it)."""
        data = text.encode("utf-8") if isinstance(text, str) else text
        escape = self._escapes(path)
        if escape is not None:
            self.report.findings.append(Finding(self.shown(path), 0, "outside-root", escape))
            return False
        if self.dry:
            self.outputs[path] = data
            if not path.is_file() or path.read_bytes() != data:
                self.report.written.append(self.shown(path))
            return False
        if not unchanged(path, data):
            self._writer.submit(path, data)
            self.report.written.append(self.shown(path))
            self.records.wrote(self.shown(path), data, digest)
        return True

    def settle(self) -> None:
        """Wait for every write in flight; a failed one becomes a finding.

        Called at the end of each step (a step may read what the one before
        wrote) and before removing stale files.
        """
        self._resolved.clear()
        for path, exc in self._writer.settle():
            self._settled.discard(path)
            self.report.findings.append(Finding(self.shown(path), 0, "write-failed", f"cannot write the file: {exc}"))

    def document(self, lesson: str) -> Document | None:
        if lesson not in self._docs:
            path = self.config.content / lesson
            loaded = self._loaded.pop(lesson, None)
            if loaded is None:
                loaded = lessons.load(path, self.shown(path), self.config.boilerplate, self.allow_mojibake)
            doc, problems = loaded
            self.report.findings.extend(problems)
            if doc is not None and lesson not in self._replayed:
                self.report.findings.extend(doc.findings)
            self._docs[lesson] = doc
        return self._docs[lesson]

    def prefetch(self, names: list[str]) -> None:
        """Parse many lessons on every core before the steps ask for them
        (see :func:`pipeline.lessons.load_many`); :meth:`document` takes
        them in the usual order, so findings come out as in one process."""
        todo = [x for x in names if x not in self._docs and x not in self._loaded and x not in self._prepared]
        content = self.config.content
        items = [(x, content / x, self.shown(content / x)) for x in todo]
        self._loaded.update(lessons.load_many(items, self.config.boilerplate, self.allow_mojibake))

    def read_catalog(self, path: Path) -> catalog.Catalog | None:
        """An existing catalog, or None if there is none; raises if unreadable."""
        if not path.is_file():
            return None
        text, problem = read_text(path, self.shown(path))
        if problem is not None:
            raise PipelineError(problem.path, problem.line, problem.message, problem.rule)
        assert text is not None
        return po_io.loads(text, self.shown(path))

    def units(self, lesson: str) -> list[tuple[Unit, str]]:
        """The units of a lesson's own catalog, or of the shared one."""
        if lesson == SHARED:
            found: list[tuple[Unit, str]] = []
            for name in self.lessons:
                if name in self._cached_shared:
                    found += [(inc.unit_from_json(unit), name) for unit in self._cached_shared[name]]
                elif name in self._prepared:
                    found += [(unit, name) for unit in self._prepared[name].shared]
                elif (doc := self.document(name)) is not None:
                    found += [(unit, name) for unit in doc.units if unit.shared]
            return found
        doc = self.document(lesson)
        return [(unit, lesson) for unit in doc.units if not unit.shared] if doc is not None else []

    # -- extract -------------------------------------------------------------

    def extract(self) -> None:
        self.prefetch([x for x in self.lessons if not self._can_replay(x)])
        self.progress.start(len(self.lessons) + 1, "extract")
        for lesson in [*self.lessons, SHARED]:
            self.progress.advance()
            if self._replay_extract(lesson) if lesson != SHARED else self._replay_shared():
                continue
            if lesson in self._prepared:
                self._extracted(lesson, self._prepared[lesson])
                continue
            units = self.units(lesson)
            if lesson == SHARED and not units:
                continue
            if lesson != SHARED and self.document(lesson) is None:
                continue
            path = self.template_path(lesson)
            try:
                old = self.read_catalog(path)
            except PipelineError:
                old = None  # a template is ours to regenerate
            name = "the boilerplate shared by all lessons" if lesson == SHARED else lesson
            pot = catalog.template(units, name, self.settings, old)
            self._templates[lesson] = pot
            self.report.entries += len(pot)
            self.write(path, po_io.dumps(pot))
            doc = self.document(lesson) if lesson != SHARED else None
            if lesson == SHARED:
                self.new_records.lessons[SHARED] = {"shared": [], "findings": [], "entries": len(pot), "build": {}}
            if doc is not None:
                self.new_records.lessons[lesson] = {
                    "shared": [inc.unit_to_json(u) for u in doc.units if u.shared],
                    "findings": [inc.finding_to_json(f) for f in doc.findings],
                    "entries": len(pot),
                    "build": {},
                }
        # A lesson unreadable this run keeps its template: it is back when the lesson is.
        unreadable = [
            x for x in self.lessons if x not in self._replayed and x not in self._prepared and self.document(x) is None
        ]
        keep = {self.template_path(x) for x in [*self._templates, *self._replayed, *self._prepared, *unreadable]}
        self._remove_stale(self.config.locales / "templates", keep, ".pot")

    def _replay_shared(self) -> bool:
        """Skip the shared template when no lesson's boilerplate changed."""
        record = self.records.lessons.get(SHARED)
        if record is None or not self.records.same(self.template_path(SHARED)):
            return False
        for lesson in self.lessons:
            new, old = self.new_records.lessons.get(lesson), self.records.lessons.get(lesson)
            if new is None or old is None or new["shared"] != old["shared"]:
                return False
        gone = set(self.records.lessons) - set(self.lessons) - {SHARED}
        if any(self.records.lessons[x]["shared"] for x in gone):
            return False
        self._replayed.add(SHARED)
        self.report.entries += int(record["entries"])
        self.new_records.lessons[SHARED] = record
        return True

    def _can_replay(self, lesson: str) -> bool:
        """True if the lesson and its template are as the last run left them
        (asked once: both are read before this run writes either)."""
        found = self._replayable.get(lesson)
        if found is None:
            path = self.config.content / lesson
            found = self._replayable[lesson] = (
                lesson in self.records.lessons
                and self.records.same(path)
                and self.records.same(self.template_path(lesson))
            )
        return found

    def _replay_extract(self, lesson: str) -> bool:
        """Skip a lesson whose text and template are as the last run left them."""
        record = self.records.lessons.get(lesson)
        if record is None or not self._can_replay(lesson):
            return False
        self._replayed.add(lesson)
        self._cached_shared[lesson] = record["shared"]
        self.report.findings += [inc.finding_from_json(f) for f in record["findings"]]
        self.report.entries += int(record["entries"])
        self.new_records.lessons[lesson] = {**record, "build": {}}
        return True

    def template(self, lesson: str) -> catalog.Catalog | None:
        if lesson in self._templates:
            return self._templates[lesson]
        path = self.template_path(lesson)
        pot = None
        try:
            pot = self.read_catalog(path)
        except PipelineError as exc:
            self.report.findings.append(exc.finding)
        else:
            if pot is None and lesson != SHARED and self.document(lesson) is not None:
                self.report.findings.append(
                    Finding(
                        self.shown(self.config.content / lesson),
                        1,
                        "no-template",
                        f"no template for this lesson ({self.shown(path)}): run `pipeline extract` first",
                    )
                )
        self._templates[lesson] = pot
        # A replayed or prepared lesson's entries are counted already.
        if lesson not in self._replayed and lesson not in self._prepared:
            self.report.entries += len(pot) if pot is not None else 0
        return pot

    # -- update --------------------------------------------------------------

    def update(self, langs: list[str], purge: bool = False) -> None:
        names = [*self.lessons, SHARED]
        self.progress.start(len(names) * len(langs), "update")
        for lang in langs:
            fast = self._catalogs_unchanged(lang)
            for name in names:
                self.progress.advance()
                path = self.catalog_path(name, lang)
                rel = self.shown(path)
                record = self.records.catalogs.get(rel)
                if fast and not purge and record is not None and self.records.same(self.template_path(name)):
                    self._count_cached(lang, record["counts"])
                    self.new_records.catalogs[rel] = record
                    continue
                prepared = self._prepared.get(name)
                made = prepared.catalogs.pop(lang, None) if prepared is not None else None
                if made is not None:
                    self._context(lang, fast, purge)  # reports what it found, as in one process
                    self._merged(lang, path, made)
                    continue
                pot = self.template(name)
                if pot is None:
                    continue
                context = self._context(lang, fast, purge)
                olds, broken, helpers, renamed = context.olds, context.broken, context.helpers, context.renamed
                assert renamed is not None
                if olds is None:
                    try:
                        old = self.read_catalog(path)
                    except PipelineError as exc:
                        self.report.findings.append(exc.finding)
                        continue  # never overwrite a catalog we cannot read: it holds work
                else:
                    if path in broken:
                        continue
                    old = olds.get(path)
                    if old is None and name in renamed:
                        old = olds[renamed[name]]
                po = catalog.merge(pot, old, lang, self.settings, helpers)
                if lang == langs[-1]:
                    self._templates.pop(name, None)  # done with it: keep memory flat
                counts = self._count(lang, po)
                self.write(path, po_io.dumps(po))
                self.new_records.catalogs[rel] = {
                    "counts": counts,
                    "records": inc.records_to_json(catalog.records(po, rel)),
                }
                if name in renamed:
                    # The old file's every translation now lives in the new one.
                    if not self.dry:
                        renamed[name].unlink()
                        self.records.wrote(self.shown(renamed[name]), None)
                    self.report.removed.append(self.shown(renamed[name]))
                    self.report.findings.append(
                        Finding(
                            self.shown(path),
                            1,
                            "renamed",
                            f"lesson renamed: catalog migrated from {self.shown(renamed[name])}",
                            "info",
                        )
                    )
            self._contexts.pop(lang, None)
            self._report_orphans(lang)
        self.settle()  # build reads these catalogs

    def _context(self, lang: str, fast: bool, purge: bool) -> _Context:
        """What update merges a language's catalogs with, made when it first
        needs it (or ahead, by prepare(): then its findings are reported now)."""
        context = self._contexts.get(lang)
        if context is None:
            context = self._contexts[lang] = self._make_context(lang, fast, purge, ahead=False)
        elif context.ahead:
            context.ahead = False
            self.report.findings.extend(context.held_old)
            if context.renamed is None:
                context.renamed = self._renames(lang, context.olds) if context.olds is not None else {}
            self.report.findings.extend(context.held_glossary)
            context.held_old, context.held_glossary = [], []
        return context

    def _make_context(self, lang: str, fast: bool, purge: bool, ahead: bool) -> _Context:
        """The old catalogs (or, when none changed, the memory the records
        hold), renamed lessons and the glossary. Made ``ahead``, its findings
        are held and renamed lessons left to find (they need the templates)."""
        context = _Context(ahead=ahead)
        with self._holding(context.held_old if ahead else None):
            if fast and not self._orphans(lang):
                context.renamed = {}
                memory = Memory.build(
                    [
                        r
                        for rel, record in self.records.catalogs.items()
                        if rel.startswith(f"{self.shown(self.config.locales / lang)}/")
                        for r in inc.records_from_json(record["records"])
                    ]
                )
            else:
                context.olds, context.broken = self._old_catalogs(lang)
                memory = self._memory(context.olds)
                if not ahead:
                    context.renamed = self._renames(lang, context.olds)
        with self._holding(context.held_glossary if ahead else None):
            context.helpers = catalog.Helpers(
                memory=memory,
                glossary=self._glossary(lang),
                copy_untranslatable=self.config.source_lang == "vi" and lang != "vi",
                tm_threshold=self.config.tm_threshold,
                purge=purge,
            )
        return context

    @contextmanager
    def _holding(self, held: list[Finding] | None) -> Iterator[None]:
        """Findings made in the block go to ``held`` (if not None), not the report."""
        if held is None:
            yield
            return
        kept, self.report.findings = self.report.findings, held
        try:
            yield
        finally:
            self.report.findings = kept

    def _catalogs_unchanged(self, lang: str) -> bool:
        """True if every catalog of a language (and its glossary) is as the
        last run left it, none added or removed."""
        if not self.records.usable:
            return False
        folder = self.config.locales / lang
        now = {self.shown(p) for p in folder.rglob("*.po")} if folder.is_dir() else set()
        prefix = f"{self.shown(folder)}/"
        before = {k for k in self.records.files if k.startswith(prefix) and k.endswith(".po")}
        return (
            now == before
            and all(self.records.same(self.config.root / k) for k in now)
            and self.records.same(folder / "glossary.csv")
        )

    def _orphans(self, lang: str) -> bool:
        """True if a renamed lesson might want an orphaned catalog."""
        folder = self.config.locales / lang
        expected = {self.catalog_path(x, lang) for x in [*self.lessons, SHARED]}
        existing = set(folder.rglob("*.po")) if folder.is_dir() else set()
        return bool(existing - expected) and any(not p.exists() for p in expected)

    def _old_catalogs(self, lang: str) -> tuple[dict[Path, catalog.Catalog], set[Path]]:
        """Every readable catalog of a language, and the unreadable ones."""
        folder = self.config.locales / lang
        olds: dict[Path, catalog.Catalog] = {}
        broken: set[Path] = set()
        for path in sorted(folder.rglob("*.po")) if folder.is_dir() else []:
            try:
                po = self.read_catalog(path)
            except PipelineError as exc:
                self.report.findings.append(exc.finding)
                broken.add(path)
                continue
            if po is not None:
                olds[path] = po
        return olds, broken

    def _memory(self, olds: dict[Path, catalog.Catalog]) -> Memory:
        records: list[Record] = []
        for path, po in olds.items():
            records.extend(catalog.records(po, self.shown(path)))
        return Memory.build(records)

    def _glossary(self, lang: str) -> list[glossary.Term]:
        path = self.config.locales / lang / "glossary.csv"
        if not path.is_file():
            return []
        text, problem = read_text(path, self.shown(path))
        if problem is not None:
            self.report.findings.append(problem)
            return []
        assert text is not None
        terms, findings = glossary.parse(text, self.shown(path))
        self.report.findings.extend(findings)
        return terms

    def _renames(self, lang: str, olds: dict[Path, catalog.Catalog]) -> dict[str, Path]:
        """Lessons without a catalog whose text an orphan catalog holds."""
        expected = {self.catalog_path(x, lang) for x in [*self.lessons, SHARED]}
        orphans = {path: catalog.msgids(po) for path, po in olds.items() if path not in expected}
        found: dict[str, Path] = {}
        for lesson in self.lessons:
            if lesson in self._prepared:
                continue  # not renamed: prepare() runs only when no catalog is orphaned
            pot = self.template(lesson)
            if not orphans or pot is None or len(pot) == 0 or self.catalog_path(lesson, lang) in olds:
                continue
            wanted = {e.msgid for e in pot}
            best = max(orphans, key=lambda p: len(wanted & orphans[p]))
            if len(wanted & orphans[best]) >= RENAME_OVERLAP * len(wanted):
                found[lesson] = best
                del orphans[best]
        return found

    def _count(self, lang: str, po: catalog.Catalog) -> list[int]:
        c = catalog.counts(po)
        counts = [c.translated, c.fuzzy, c.copied, c.total]
        self._count_cached(lang, counts)
        return counts

    def _count_cached(self, lang: str, counts: list[int]) -> None:
        cov = self.report.coverage.setdefault(lang, Coverage())
        cov.translated += counts[0]
        cov.fuzzy += counts[1]
        cov.copied += counts[2]
        cov.total += counts[3]

    def _report_orphans(self, lang: str) -> None:
        folder = self.config.locales / lang
        expected = {self.catalog_path(x, lang) for x in [*self.lessons, SHARED]}
        for path in sorted(folder.rglob("*.po")) if folder.is_dir() else []:
            if path not in expected:
                self.report.findings.append(
                    Finding(
                        self.shown(path),
                        1,
                        "orphan-catalog",
                        "catalog whose lesson is gone; kept with its translations (move or delete it yourself)",
                        "warning",
                    )
                )

    # -- stats ---------------------------------------------------------------

    def tallies(self, langs: list[str]) -> dict[tuple[str, str], stats.Tally]:
        """Per (language, catalog name): fresh units counted by catalog status."""
        out: dict[tuple[str, str], stats.Tally] = {}
        for lang in langs:
            for name in [*self.lessons, SHARED]:
                fresh: dict[tuple[str | None, str], Unit] = {}
                for unit, _ in self.units(name):
                    fresh.setdefault((unit.context, nfc(unit.text)), unit)
                try:
                    po = self.read_catalog(self.catalog_path(name, lang))
                except PipelineError as exc:
                    self.report.findings.append(exc.finding)
                    po = None
                if name == SHARED and not fresh and po is None:
                    continue
                known = catalog.states(po)
                tally = stats.Tally(obsolete=catalog.stale_count(po, set(fresh)))
                for key, unit in fresh.items():
                    status = known.get(key, "untranslated")
                    tally.add("copied" if status == catalog.COPIED else status, stats.words(unit.text, unit.spans))
                out[(lang, name)] = tally
        return out

    # -- build ---------------------------------------------------------------

    def build(self, langs: list[str]) -> None:
        out_root = self.config.build
        self.progress.start(len(self.lessons) * (len(langs) + 1), "build")
        source_dir = out_root / self.config.source_lang
        produced: dict[Path, set[Path]] = {source_dir: set()}
        for rel in self.lessons + self.assets:
            target = source_dir / rel
            self._copy(self.config.content / rel, target)
            produced[source_dir].add(target)
        for _ in self.lessons:
            self.progress.advance()
        for lang in langs:
            lang_dir = out_root / lang
            produced[lang_dir] = set()
            for rel in self.assets:
                self._copy(self.config.content / rel, lang_dir / rel)
                produced[lang_dir].add(lang_dir / rel)
            shared_path = self.catalog_path(SHARED, lang)
            shared_same = self.records.same(shared_path)
            shared_table: list[dict[Key, str]] = []

            def shared(lang: str = lang, table: list[dict[Key, str]] = shared_table) -> dict[Key, str]:
                if not table:
                    table.append(self._translations(SHARED, lang))
                return table[0]

            for lesson in self.lessons:
                self.progress.advance()
                target = lang_dir / lesson
                produced[lang_dir].add(target)
                if shared_same and self._replay_build(lesson, lang, target):
                    continue
                self._build_lesson(lesson, lang, target, shared)
                if lang == langs[-1] and not self.dry:
                    self._docs.pop(lesson, None)  # done with it: keep memory flat
            kept = self.records.shared.get(lang)
            if lang not in self.new_records.shared and kept is not None and self.records.same(shared_path):
                self.new_records.shared[lang] = kept  # not asked this run, still true
        for folder, keep in produced.items():
            self._remove_stale(folder, keep, None)

    def _copy(self, source: Path, target: Path) -> None:
        """A file of content/ into a build tree, untouched: not even read
        when both are as the last run left them (it made the one of the other)."""
        if self.records.same(source) and self.records.same(target):
            return
        self.write(target, source.read_bytes(), self.records.current.get(self.shown(source)))

    def _translations(self, name: str, lang: str) -> dict[Key, str]:
        if name == SHARED:
            return self._shared_translations(lang)
        table, problem = self._read_translations(name, lang)
        if problem is not None:
            self.report.findings.append(problem)
        return table

    def _shared_translations(self, lang: str) -> dict[Key, str]:
        """The shared catalog's translations: kept in the records while the
        catalog's bytes are those the last run read them from, since its
        references to every lesson make it slow to parse for a few entries."""
        path = self.catalog_path(SHARED, lang)
        kept = self.records.shared.get(lang)
        if kept is not None and self.records.same(path):
            self.new_records.shared[lang] = kept
            return {(ctx, msgid): msgstr for ctx, msgid, msgstr in kept}
        table, problem = self._read_translations(SHARED, lang)
        if problem is not None:
            self.report.findings.append(problem)
        else:
            self.new_records.shared[lang] = [[ctx, msgid, msgstr] for (ctx, msgid), msgstr in table.items()]
        return table

    def _read_translations(self, name: str, lang: str) -> tuple[dict[Key, str], Finding | None]:
        try:
            po = self.read_catalog(self.catalog_path(name, lang))
        except PipelineError as exc:
            return {}, exc.finding
        return (catalog.translations(po) if po is not None else {}), None

    def _replay_build(self, lesson: str, lang: str, target: Path) -> bool:
        """Skip a built lesson whose text, catalog and output are unchanged."""
        record = self.records.lessons.get(lesson)
        built = record.get("build", {}).get(lang) if record else None
        if built is None or lesson not in self._replayed:
            return False
        if not (self.records.same(self.catalog_path(lesson, lang)) and self.records.same(target)):
            return False
        self.report.findings += [inc.finding_from_json(f) for f in built]
        self.new_records.lessons[lesson]["build"][lang] = built
        return True

    def _build_lesson(
        self,
        lesson: str,
        lang: str,
        target: Path,
        shared: Callable[[], dict[Key, str]],
    ) -> None:
        prepared = self._prepared.get(lesson)
        page = prepared.pages.pop(lang, None) if prepared is not None else None
        if page is not None and self._built(lesson, lang, target, page, shared):
            return
        doc = self.document(lesson)
        source = self.config.content / lesson
        if doc is None:
            data = source.read_bytes()
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                return  # not text: nothing to publish (the page built from it before, if any, stays)
            if lessons.unpublishable(text) is None:
                self.write(target, data)  # refused at extract (mojibake): shown as it is
            return
        own = self._translations(lesson, lang)
        text, findings = self._page(doc, lesson, lang, lambda unit, key: (shared() if unit.shared else own).get(key))
        self.report.findings.extend(findings)
        if lesson in self.new_records.lessons:
            self.new_records.lessons[lesson]["build"][lang] = [inc.finding_to_json(f) for f in findings]
        self.write(target, text)

    def _page(
        self, doc: Document, lesson: str, lang: str, find: Callable[[Unit, Key], str | None]
    ) -> tuple[str, list[Finding]]:
        """A lesson's page in ``lang``, with ``find(unit, key)`` its units'
        translations, and what splicing them found."""

        def lookup(unit: Unit) -> str | None:
            key = (unit.context, nfc(unit.text))
            found = find(unit, key)
            # translations are used in NFC; an identity one keeps the source bytes
            return unit.text if found is not None and nfc(found) == key[1] else found and nfc(found)

        result = splice(doc, lookup, self.shown(self.config.content / lesson))
        text = repad_tables(doc.text, result.text)
        return self._with_notice(doc, text, result.translated, result.total, lang), result.findings

    def _with_notice(self, doc: Document, text: str, translated: int, total: int, lang: str) -> str:
        """A partly translated lesson says so at its top; a barely translated
        one is shown whole in the source language, saying so."""
        percent = 100.0 * translated / total if total else 100.0
        if percent >= 100.0:
            return text
        source_name = catalog.LANGUAGE_NAMES.get(self.config.source_lang, self.config.source_lang)
        wording = {
            "partial": f"> ⚠️ This lesson is partly translated; untranslated passages are shown in {source_name}.",
            "source": f"> ⚠️ This lesson is not translated yet; it is shown in {source_name}.",
        }
        wording.update(self.config.notices.get(lang, {}))
        if percent < self.config.min_lesson_coverage:
            text = doc.text
            notice = wording["source"]
        else:
            notice = wording["partial"]
        if not notice:
            return text
        at = doc.body_start
        newline = "\r\n" if "\r\n" in doc.text[:200] else "\n"
        return text[:at] + notice + newline + newline + text[at:]

    def _remove_stale(self, folder: Path, keep: set[Path], suffix: str | None) -> None:
        self.settle()
        if not folder.is_dir():
            return
        kept = {os.fspath(p) for p in keep}  # compared as strings: thousands of files, few to remove
        stale = sorted(
            Path(full)
            for full, _ in tree(folder)
            if full not in kept and (suffix is None or os.path.splitext(full)[1] == suffix)
        )
        for path in stale:
            if self._escapes(path) is not None:
                continue  # never remove a file out of the project
            if not self.dry:
                path.unlink()
                self.records.wrote(self.shown(path), None)
            self.report.removed.append(self.shown(path))
        if self.dry:
            return
        for here, _, _ in os.walk(folder, topdown=False):  # the deepest first; linked folders not entered
            if here != os.fspath(folder) and not os.listdir(here):
                os.rmdir(here)
