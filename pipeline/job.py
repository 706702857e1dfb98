"""One lesson's work: its inputs in, a typed result out.

:func:`run_lesson` reads a lesson, makes its template, merges it into each
language's catalog and splices each page, writing what it makes (through
:meth:`pipeline.project.Project.put`) and returning only hashes, figures,
records and findings, in the order one process reports them. The same
function runs in this process, on every core (forked workers inherit the
:class:`Context`), or not at all when the cache says its result stands.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import catalog, files, glossary, lessons, locate
from . import po as po_io
from .cache import CatalogRecord, Key, LessonRecord, PageRecord, SharedUnit
from .errors import Finding, PipelineError
from .files import content_hash, decode
from .memory import Record
from .pages import Where, page
from .project import Conflict, Project, Wrote, read_failed
from .sameness import same_content, same_structure
from .segments import Document, Unit
from .text import nfc

SHARED = lessons.SHARED
ATTEMPTS = 3  # merges of a catalog a translator keeps saving before the run leaves it be


@dataclass(frozen=True, slots=True)
class Steps:
    """Which of extract, update and build a run does (a rebuild: all three)."""

    extract: bool = True
    update: bool = True
    build: bool = True


class SharedTable:
    """The shared catalog's published translations in one language, as this
    run's update will make them, fixed before any lesson is built.

    A merge decides each entry's published translation from its own key,
    the old catalog and the memory alone (tests/test_merge_property.py), so
    merging a template of just the keys a page needs gives what the whole
    shared catalog will say. ``fixed``: the translations of a catalog as it
    is (a build that does not update).
    """

    def __init__(
        self,
        old: Callable[[], catalog.Catalog | None],
        lang: str,
        settings: catalog.Settings,
        helpers: catalog.Helpers,
        fixed: dict[Key, str] | None = None,
    ) -> None:
        self._load, self.lang, self.settings, self.helpers, self.fixed = old, lang, settings, helpers, fixed
        self._old: list[catalog.Catalog | None] = []  # loaded when first asked
        self.known: dict[Key, str | None] = {}  # computed, or as the last run's pages had them

    def values(self, units: Iterable[Unit | SharedUnit]) -> dict[Key, str | None]:
        wanted = {(u.context, nfc(u.text)): u for u in units}
        if self.fixed is not None:
            return {key: self.fixed.get(key) for key in wanted}
        new = [u for key, u in wanted.items() if key not in self.known]
        if new:
            pot = catalog.template([(u, SHARED) for u in new], SHARED, self.settings, None)
            if not self._old:
                self._old.append(self._load())
            merged = catalog.merge(pot, self._old[0], self.lang, self.settings, self.helpers)
            found = catalog.translations(merged, self.lang, self.settings.source_lang)
            for u in new:
                key = (u.context, nfc(u.text))
                self.known[key] = found.get(key)
        return {key: self.known[key] for key in wanted}


@dataclass(slots=True)
class Lang:
    """What every lesson's catalog in one language merges with, made once
    before any lesson: memory and glossary (in ``helpers``), the shared
    table, old catalogs the parent parsed already, the unreadable ones, and
    lessons whose catalog is migrated from a renamed lesson's."""

    code: str
    helpers: catalog.Helpers
    shared: SharedTable
    preloaded: dict[Path, tuple[str, catalog.Catalog]] = field(default_factory=dict)
    broken: set[Path] = field(default_factory=set)
    renamed: dict[str, Path] = field(default_factory=dict)


@dataclass(slots=True)
class Context:
    project: Project
    settings: catalog.Settings
    steps: Steps
    langs: list[Lang]
    allow_mojibake: bool = False


@dataclass(frozen=True, slots=True)
class LessonResult:
    """What one lesson's job made: records for the cache, findings in order,
    and the files it left (written or already right)."""

    lesson: str
    lesson_record: LessonRecord | None
    catalogs: dict[str, tuple[str, CatalogRecord]]  # lang -> (catalog path shown, record)
    pages: dict[str, tuple[str, PageRecord]]  # lang -> (page path shown, record)
    findings: tuple[Finding, ...]
    wrote: tuple[Wrote, ...]
    entries: int = 0


def read_catalog(path: Path, shown: str) -> tuple[str, catalog.Catalog | None, Finding | None]:
    """A catalog's hash ("" if there is none), the catalog, or why it is unusable."""
    try:
        data = files.read_bytes(path)
    except (FileNotFoundError, NotADirectoryError):
        return "", None, None
    except OSError as exc:
        return "", None, read_failed(shown, exc)
    digest = content_hash(data)
    text, problem = decode(data, shown)
    if text is None:
        return digest, None, problem
    try:
        return digest, po_io.loads(text, shown), None
    except PipelineError as exc:
        return digest, None, exc.finding


def pending(po: catalog.Catalog) -> list[str]:
    """The msgids a later merge would look up in the memory: active entries
    with neither a translation nor a translator's comment."""
    return [
        e.msgid for e in po if not e.obsolete and not e.msgstr and not any(e.msgstr_plural.values()) and not e.tcomment
    ]


def run_lesson(lesson: str, ctx: Context) -> LessonResult:
    project = ctx.project
    source = project.source(lesson)
    shown = project.shown(source)
    findings: list[Finding] = []
    wrote: list[Wrote] = []

    def put(path: Path, data: bytes, **how: object) -> Wrote | None:
        done, problem = project.put(path, data, **how)  # type: ignore[arg-type]
        if problem is not None:
            findings.append(problem)
        if done is not None:
            wrote.append(done)
        return done

    try:
        raw: bytes | None = files.read_bytes(source)
    except OSError as exc:
        raw = None
        findings.append(read_failed(shown, exc))
    doc: Document | None = None
    if raw is not None:
        doc, problems = lessons.load_bytes(raw, shown, project.config.boilerplate, ctx.allow_mojibake)
        findings += problems
        if project.dry:
            project.docs[lesson] = (doc, problems)  # a check asks again
    if doc is not None:
        findings += doc.findings
    read_findings = tuple(findings)
    steps = ctx.steps
    pot: catalog.Catalog | None = None
    template_digest = ""
    tpath = project.template_path(lesson)
    if steps.extract and doc is not None:
        own_units = [(u, lesson) for u in doc.units if not u.shared]
        pot, done = template_file(project, tpath, own_units, lesson, ctx.settings)
        if done is None:
            done = put(tpath, po_io.dumps(pot).encode("utf-8"))
        template_digest = done.digest if done is not None else ""
    elif steps.update and not steps.extract:
        template_digest, pot, problem = read_catalog(tpath, project.shown(tpath))
        if problem is not None:
            findings.append(problem)
        elif pot is None and doc is not None:
            message = f"no template for this lesson ({project.shown(tpath)}): run `pipeline extract` first"
            findings.append(Finding(shown, 1, "no-template", message))
    catalogs: dict[str, tuple[str, CatalogRecord]] = {}
    pages: dict[str, tuple[str, PageRecord]] = {}
    if steps.build and raw is not None:
        put(project.config.build / project.config.source_lang / lesson, raw)
    for lang in ctx.langs:
        cpath = project.catalog_path(lesson, lang.code)
        own: dict[Key, str] = {}
        digest = ""
        if steps.update and pot is not None:
            made = update_catalog(lesson, lang, pot, template_digest, ctx, findings, wrote)
            if made is not None:
                record, own = made
                catalogs[lang.code] = (project.shown(cpath), record)
                digest = record.digest
        elif steps.build and doc is not None:
            digest, po, problem = read_catalog(cpath, project.shown(cpath))
            if problem is not None:
                findings.append(problem)
            own = (
                locate.Published(po, lang.code, ctx.settings.source_lang, locate.in_file(cpath, project.shown(cpath)))
                if po is not None
                else {}
            )
        if not steps.build:
            continue
        target = project.page_path(lesson, lang.code)
        if doc is None:
            if raw is not None and _publishable_as_is(raw):
                put(target, raw)  # refused at extract (mojibake): shown as it is
            continue
        shared = lang.shared.values(u for u in doc.units if u.shared)
        text, spliced = page(doc, shown, project.config, lang.code, finder(own, shared), _where(project, lang, own))
        findings += spliced
        done = put(target, text.encode("utf-8"))
        if done is not None:
            used = tuple((k[0], k[1], v) for k, v in shared.items())
            pages[lang.code] = (done.rel, PageRecord(done.digest, digest, used, tuple(spliced)))
    lesson_record = None
    if doc is not None and template_digest:
        shared_units = tuple(SharedUnit(u.text, u.element, u.line, u.context, u.notes) for u in doc.units if u.shared)
        lesson_record = LessonRecord(
            content_hash(raw or b""), template_digest, len(pot or ()), read_findings, shared_units
        )
    entries = len(pot) if pot is not None else 0
    return LessonResult(lesson, lesson_record, catalogs, pages, tuple(findings), tuple(wrote), entries)


def template_file(
    project: Project,
    tpath: Path,
    units: list[tuple[Unit, str]] | list[tuple[SharedUnit, str]],
    name: str,
    settings: catalog.Settings,
) -> tuple[catalog.Catalog, Wrote | None]:
    """The template of ``units``, and the file left as it is (not None)
    when it holds those entries already, whatever its layout (GNU msgcat
    rewraps it, msgmerge rewrites its header): a template is ours to
    regenerate, but never only to rewrap it."""
    digest, old, _ = read_catalog(tpath, project.shown(tpath))
    pot = catalog.template(units, name, settings, old)
    if old is not None and same_structure(pot, old):
        return old, Wrote(project.shown(tpath), digest, None, False)
    return pot, None


def finder(own: dict[Key, str], shared: dict[Key, str | None]) -> Callable[[Unit, Key], str | None]:
    """A unit's translation: from the shared table if it is boilerplate
    (the build's lookup, which `stats` judges refusals with too)."""

    def find(unit: Unit, key: Key) -> str | None:
        return shared.get(key) if unit.shared else own.get(key)

    return find


def _where(project: Project, lang: Lang, own: dict[Key, str]) -> Where:
    """Where a refused unit's translation is: its entry in the lesson's
    catalog, or the shared catalog (made after the pages: the engine names
    the entry's line, :func:`pipeline.locate.shared_entries`)."""

    def where(unit: Unit, key: Key) -> tuple[str, int] | None:
        if unit.shared:
            return project.shown(project.catalog_path(SHARED, lang.code)), 0
        return (own.lines.path, own.lines.line(key)) if isinstance(own, locate.Published) else None

    return where


def _publishable_as_is(raw: bytes) -> bool:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return False  # not text: nothing to publish (the page built from it before, if any, stays)
    return lessons.unpublishable(text) is None


def update_catalog(
    lesson: str,
    lang: Lang,
    pot: catalog.Catalog,
    template_digest: str,
    ctx: Context,
    findings: list[Finding],
    wrote: list[Wrote],
) -> tuple[CatalogRecord, dict[Key, str]] | None:
    """Merge one catalog; never overwrite one that cannot be read, nor one a
    translator saved while we merged (merged again from the new file)."""
    project = ctx.project
    path = project.catalog_path(lesson, lang.code)
    shown = project.shown(path)
    if path in lang.broken:
        return None  # reported when the memory was made
    for _ in range(ATTEMPTS):
        digest, old, problem = read_catalog(path, shown)
        if problem is not None:
            findings.append(problem)
            return None  # never overwrite a catalog we cannot read: it holds work
        pre = lang.preloaded.get(path)
        if pre is not None and pre[0] == digest:
            old = pre[1]
        source = old
        moved = lang.renamed.get(lesson) if old is None else None
        if moved is not None:  # the whole catalog moves: headers, comments, fuzzy and obsolete entries
            _, source, problem = read_catalog(moved, project.shown(moved))
            if problem is not None:
                findings.append(problem)
                return None  # never start afresh beside work we cannot read: it stays, an orphan
        po = catalog.merge(pot, source, lang.code, ctx.settings, lang.helpers)
        done: Wrote | None
        if old is not None and (same_content(po, old) or (project.dry and same_structure(pot, old))):
            # Nothing a tool reads would change (the file keeps its own
            # layout); or a check, which judges the catalog as committed:
            # what an update could fill from the memory is offered, not due.
            po, done, problem = old, Wrote(shown, digest, None, False), None
            lines = locate.in_file(path, shown)
        else:
            data = po_io.dumps(po).encode("utf-8")
            lines = locate.in_dump(shown, data, po)
            try:
                # A migrated catalog holds work whose old file is removed next: fsynced too.
                done, problem = project.put(path, data, durable=source is not None, expect=digest)
            except Conflict:
                findings.append(
                    Finding(
                        shown,
                        0,
                        "concurrent-edit",
                        "saved by someone while this run merged it: merged again from the saved file",
                        "info",
                    )
                )
                continue
            if (filled := _filled(po, old)) and problem is None and not project.dry:
                findings.append(
                    Finding(
                        shown,
                        0,
                        "memory-fill",
                        f"{filled} entr{'y' if filled == 1 else 'ies'} translated from the translation memory "
                        "(marked `# tm: exact match from ...`): review them",
                        "info",
                    )
                )
        if problem is not None:
            findings.append(problem)
            return None
        assert done is not None
        wrote.append(done)
        if moved is not None and source is not None:  # the engine removes the old file on this word
            findings.append(
                Finding(shown, 1, "renamed", f"lesson renamed: catalog migrated from {project.shown(moved)}", "info")
            )
        c = catalog.counts(po, lang.code, ctx.settings.source_lang)
        records: tuple[Record, ...] = tuple(catalog.records(po, shown))
        waiting = pending(po)
        terms = tuple(
            t.term for t in lang.helpers.glossary if any(glossary.hits([t], m) for m in (e.msgid for e in po))
        )
        name = _pending_name(project, waiting)
        record = CatalogRecord(
            done.digest, template_digest, (c.translated, c.fuzzy, c.copied, c.total), records, name, terms
        )
        return record, locate.Published(po, lang.code, ctx.settings.source_lang, lines)
    findings.append(
        Finding(
            shown,
            0,
            "concurrent-edit",
            f"saved {ATTEMPTS} times while this run merged it: kept as saved, the next run merges it",
            "warning",
        )
    )
    return None


def _filled(po: catalog.Catalog, old: catalog.Catalog | None) -> int:
    """Entries the merge translated from the memory that ``old`` had not."""
    before = {e.key for e in old if e.msgstr} if old is not None else set()
    return sum(1 for e in po if not e.obsolete and e.key not in before and catalog.EXACT_TM in e.tcomment)


def _pending_name(project: Project, msgids: list[str]) -> str:
    """Where the catalog's pending msgids are kept; a name that is not there
    (the cache could not be written) makes the next run merge it again."""
    from .cache import pending_name, write_pending

    if project.dry:
        return pending_name(msgids)
    try:
        return write_pending(project.root, msgids)
    except OSError:
        return "unrecorded"
