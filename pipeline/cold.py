"""A cold rebuild's per-lesson work on every core.

:class:`Cold` is the part of :class:`pipeline.run.Run` that, before the
steps, has forked workers parse each lesson, make its template, merge each
language's catalog and build its pages, and that then hands the steps the
bytes and findings to write and report in one process's order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import catalog, lessons
from . import incremental as inc
from . import po as po_io
from .errors import Finding, PipelineError
from .files import content_hash
from .lessons import SHARED
from .segments import Unit
from .text import nfc

if TYPE_CHECKING:
    from pathlib import Path

    from .run import Run

Key = tuple[str | None, str]  # (msgctxt, msgid): what a catalog knows a unit by


@dataclass(slots=True)
class _Catalog:
    """One lesson's catalog in one language, merged in a worker."""

    data: bytes | None = None  # None: not written (unreadable: see finding)
    digest: str = ""  # content_hash(data), made in the worker
    finding: Finding | None = None
    counts: list[int] = field(default_factory=list)
    records: list[list[Any]] = field(default_factory=list)


@dataclass(slots=True)
class _Page:
    """One lesson's page in one language, built in a worker."""

    data: bytes = b""
    digest: str = ""  # content_hash(data), made in the worker
    own: list[Finding] = field(default_factory=list)  # reading the catalog, when update could not write it
    # What the lesson's boilerplate units found in the worker's idea of the
    # shared catalog, checked against the real one before the page is used.
    shared: dict[Key, str | None] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)  # splicing


@dataclass(slots=True)
class _Prepared:
    """A lesson's cold work done in a worker (see Run.prepare): plain data
    and the bytes to write, used by the steps in their usual order."""

    findings: list[Finding]
    shared: list[Unit]
    entries: int
    template: bytes
    template_digest: str
    catalogs: dict[str, _Catalog] = field(default_factory=dict)
    pages: dict[str, _Page] = field(default_factory=dict)


@dataclass(slots=True)
class _Job:
    """What the workers of Run.prepare read, beyond the Run they inherit."""

    langs: list[str]
    shared_olds: dict[str, catalog.Catalog | None]
    guesses: dict[str, dict[Key, str | None]] = field(default_factory=dict)


# The run (and its job) the forked workers of Run.prepare inherit.
_FORKED: tuple[Run, _Job] | None = None


def _prepare_chunk(names: list[str]) -> list[tuple[str, _Prepared | None, list[Finding]]]:
    assert _FORKED is not None
    run, job = _FORKED
    return [(name, *run._prepare_lesson(name, job)) for name in names]


class Cold:
    """The cold-run half of :class:`pipeline.run.Run` (a mixin: it works on
    the run's own state)."""

    def prepare(self, langs: list[str], purge: bool = False) -> None:
        """A cold rebuild's per-lesson work on every core, before the steps.

        Each lesson is read, segmented, its template made, merged into
        each language's catalog and its pages built in a forked worker
        (see :func:`pipeline.lessons.fork_map`), which sends back only the
        bytes to write and what it found; extract, update and build then
        report and write them in their usual order, through :meth:`write`,
        so files and findings are those of one process. What the workers
        share (old catalogs, translation memory, glossary) is made here,
        before they are forked. A page stands only if its worker read what
        one process would have (see :meth:`_built`); else it is built again.
        Few lessons, one core, a dry run or an orphaned catalog (a renamed
        lesson may want it, and finding which needs every template): the
        steps do it all, as they would anyway.
        """
        global _FORKED
        todo = [x for x in self.lessons if not self._can_replay(x)]
        count = lessons.workers(len(todo))
        if not count or self.dry or self._prepared or any(self._orphaned(lang) for lang in langs):
            return
        shared_olds: dict[str, catalog.Catalog | None] = {}
        for lang in langs:
            context = self._contexts[lang] = self._make_context(lang, self._catalogs_unchanged(lang), purge, True)
            path = self.catalog_path(SHARED, lang)
            if context.olds is not None:
                shared_olds[lang] = context.olds.get(path)
            else:
                try:
                    shared_olds[lang] = self.read_catalog(path)
                except PipelineError:
                    shared_olds[lang] = None  # update will say so
        self.progress.start(len(todo), "extract")
        _FORKED = (self, _Job(list(langs), shared_olds))
        try:
            for results in lessons.fork_map(_prepare_chunk, todo, count):
                for lesson, prepared, problems in results:
                    if prepared is None:
                        self._loaded[lesson] = (None, problems)  # the steps take it from there
                    else:
                        self._prepared[lesson] = prepared
                    self.progress.advance()
        finally:
            _FORKED = None

    def _orphaned(self, lang: str) -> bool:
        """True if a catalog of ``lang`` has no lesson (it may be a renamed one's)."""
        folder = self.config.locales / lang
        expected = {self.catalog_path(x, lang) for x in [*self.lessons, SHARED]}
        return folder.is_dir() and any(p not in expected for p in folder.rglob("*.po"))

    def _prepare_lesson(self, lesson: str, job: _Job) -> tuple[_Prepared | None, list[Finding]]:
        """In a worker: one lesson's extract, update and build, as plain data.

        Mirrors what the steps do with a readable lesson (see extract(),
        update() and _build_lesson()); an unreadable one is left to them.
        """
        source = self.config.content / lesson
        doc, problems = lessons.load(source, self.shown(source), self.config.boilerplate, self.allow_mojibake)
        if doc is None:
            return None, problems
        try:
            old_pot = self.read_catalog(self.template_path(lesson))
        except PipelineError:
            old_pot = None  # a template is ours to regenerate
        pot = catalog.template([(u, lesson) for u in doc.units if not u.shared], lesson, self.settings, old_pot)
        shared_units = [u for u in doc.units if u.shared]
        template = po_io.dumps(pot).encode("utf-8")
        prepared = _Prepared(list(doc.findings), shared_units, len(pot), template, content_hash(template))
        for lang in job.langs:
            context = self._contexts[lang]
            path = self.catalog_path(lesson, lang)
            made = prepared.catalogs[lang] = _Catalog()
            page = prepared.pages[lang] = _Page()
            old: catalog.Catalog | None = None
            if context.olds is None:
                try:
                    old = self.read_catalog(path)
                except PipelineError as exc:
                    made.finding = exc.finding
            else:
                old = context.olds.get(path)
            if made.finding is None and path not in context.broken:
                po = catalog.merge(pot, old, lang, self.settings, context.helpers)
                made.data = po_io.dumps(po).encode("utf-8")
                made.digest = content_hash(made.data)
                c = catalog.counts(po)
                made.counts = [c.translated, c.fuzzy, c.copied, c.total]
                made.records = inc.records_to_json(catalog.records(po, self.shown(path)))
                own = catalog.translations(po)  # what build would read back
            else:
                own, problem = self._read_translations(lesson, lang)
                page.own = [problem] if problem is not None else []
            guessed = self._guess_shared(shared_units, lang, job)

            def find(
                unit: Unit,
                key: Key,
                own: dict[Key, str] = own,
                guessed: dict[Key, str | None] = guessed,
                page: _Page = page,
            ) -> str | None:
                if not unit.shared:
                    return own.get(key)
                page.shared[key] = guessed.get(key)
                return page.shared[key]

            text, page.findings = self._page(doc, lesson, lang, find)
            page.data = text.encode("utf-8")
            page.digest = content_hash(page.data)
        return prepared, []

    def _guess_shared(self, units: list[Unit], lang: str, job: _Job) -> dict[Key, str | None]:
        """In a worker: the shared catalog's translations of ``units``, as
        update will make them (each entry's depends on its text alone),
        before the real catalog exists; checked against it by _built()."""
        known = job.guesses.setdefault(lang, {})
        new = [u for u in units if (u.context, nfc(u.text)) not in known]
        if new:
            pot = catalog.template([(u, SHARED) for u in new], SHARED, self.settings, None)
            po = catalog.merge(pot, job.shared_olds[lang], lang, self.settings, self._contexts[lang].helpers)
            found = catalog.translations(po)
            for unit in new:
                key = (unit.context, nfc(unit.text))
                known[key] = found.get(key)
        return known

    def _extracted(self, lesson: str, prepared: _Prepared) -> None:
        """Extract's work on a lesson, done by a worker: report and write it."""
        self.report.findings.extend(prepared.findings)
        self.report.entries += prepared.entries
        self.write(self.template_path(lesson), prepared.template, prepared.template_digest)
        prepared.template = b""
        self.new_records.lessons[lesson] = {
            "shared": [inc.unit_to_json(u) for u in prepared.shared],
            "findings": [inc.finding_to_json(f) for f in prepared.findings],
            "entries": prepared.entries,
            "build": {},
        }

    def _merged(self, lang: str, path: Path, made: _Catalog) -> None:
        """Update's work on a lesson's catalog, done by a worker: report and write it."""
        if made.finding is not None:
            self.report.findings.append(made.finding)
        if made.data is None:
            self._settled.add(path)  # not written: the worker read what is there
            return
        self._count_cached(lang, made.counts)
        if self.write(path, made.data, made.digest):
            self._settled.add(path)
        self.new_records.catalogs[self.shown(path)] = {"counts": made.counts, "records": made.records}

    def _built(self, lesson: str, lang: str, target: Path, page: _Page, shared: Callable[[], dict[Key, str]]) -> bool:
        """Build's work on a lesson, done by a worker: report and write it,
        if the worker read what one process would have (the catalog as
        update left it, the same shared translations); else False."""
        if self.catalog_path(lesson, lang) not in self._settled:
            return False
        self.report.findings.extend(page.own)
        if page.shared:
            table = shared()
            if any(table.get(key) != found for key, found in page.shared.items()):
                return False
        self.report.findings.extend(page.findings)
        if lesson in self.new_records.lessons:
            self.new_records.lessons[lesson]["build"][lang] = [inc.finding_to_json(f) for f in page.findings]
        self.write(target, page.data, page.digest)
        return True
