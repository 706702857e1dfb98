"""A command's run over a project: the lesson job mapped over the lessons,
then the shared catalog, the source copies, stale files and the record.

:func:`run` makes, once and before any lesson, what every lesson merges
with (per language: memory, glossary, the shared table); maps
:func:`pipeline.job.run_lesson` over the lessons whose inputs changed (in
this process or on every core, results streamed back in lesson order);
takes the others' results from the cache (:mod:`pipeline.cache`); and then
only writes and reports. Incremental work is proportional: a lesson is done
again only when its text, template, catalog or page changed, or when a
change of the memory, the glossary or the shared translations touches it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from . import catalog, files, glossary, parallel
from .cache import CatalogRecord, Key, Known, LessonRecord, PageRecord, Records, SharedUnit
from .errors import Finding
from .files import UNREADABLE, content_hash
from .job import (
    SHARED,
    Context,
    Lang,
    LessonResult,
    SharedTable,
    Steps,
    pending,
    read_catalog,
    run_lesson,
    update_catalog,
)
from .memory import Memory, Record, link_text
from .project import Project, Wrote, read_failed
from .report import Coverage, Progress, Report, Silent
from .segments import Unit
from .text import nfc

SHARED_NAME = "the boilerplate shared by all lessons"
# A catalog whose lesson is gone is taken for a renamed lesson's when at least
# this share of the new lesson's text has translations in it.
RENAME_OVERLAP = 0.5


@dataclass(slots=True)
class Cached:
    """What the last run left (for a rebuild): the files as it left them
    and now, and its records."""

    then: dict[str, Known]
    now: dict[str, Known]
    records: Records


@dataclass(slots=True)
class _Run:
    project: Project
    steps: Steps
    langs: list[str]
    purge: bool
    allow_mojibake: bool
    progress: Progress
    cached: Cached | None
    report: Report = field(default_factory=Report)
    records: Records = field(default_factory=Records)
    files: dict[str, Known] = field(default_factory=dict)  # the files as this run leaves them
    contexts: list[Lang] = field(default_factory=list)
    # Per language: the memory's records per catalog as this run read them,
    # and the msgids whose memory entry changed since the last run.
    read_records: dict[str, dict[str, tuple[Record, ...]]] = field(default_factory=dict)
    changed: dict[str, set[str]] = field(default_factory=dict)
    changed_terms: dict[str, set[str]] = field(default_factory=dict)
    added_terms: dict[str, list[glossary.Term]] = field(default_factory=dict)
    _pending: dict[str, list[str] | None] = field(default_factory=dict)
    shared_stable: set[str] = field(default_factory=set)  # languages whose shared translations are the last run's
    shared_asked: set[str] = field(default_factory=set)
    seen: dict[object, Any] = field(default_factory=dict)  # see _take()


def run(
    project: Project,
    langs: list[str],
    steps: Steps,
    *,
    purge: bool = False,
    allow_mojibake: bool = False,
    progress: Progress | None = None,
    cached: Cached | None = None,
) -> tuple[Report, Records, dict[str, Known]]:
    """Do ``steps`` for every lesson; the report, this run's records and the
    files as it leaves them (for the cache)."""
    r = _Run(project, steps, langs, purge, allow_mojibake, progress or Silent(), cached)
    r.report = Report(dry=project.dry, lessons=len(project.lessons))
    r.report.findings.extend(project.found)
    r.files = dict(cached.now) if cached is not None else {}
    for lang in langs if (steps.update or steps.build) else []:
        r.contexts.append(_context(r, lang))
    ctx = Context(project, _settings(project), steps, r.contexts, allow_mojibake)
    todo = [x for x in project.lessons if not _replayable(r, x)]
    r.progress.start(len(project.lessons) + 1, "rebuild" if steps.extract and steps.build else _label(steps))
    results = _results(ctx, todo)
    redo = set(todo)
    shared_units: list[tuple[SharedUnit, str]] = []
    for lesson in project.lessons:
        record = _take(r, next(results)) if lesson in redo else _replay(r, lesson)
        if record is not None:
            shared_units += [(u, lesson) for u in record.shared]
        r.progress.advance()
    _shared(r, ctx, shared_units)
    r.progress.advance()
    _finish(r)
    return r.report, r.records, r.files


def _label(steps: Steps) -> str:
    return "extract" if steps.extract else "update" if steps.update else "build"


def _settings(project: Project) -> catalog.Settings:
    config = project.config
    return catalog.Settings(
        project=config.project,
        source_lang=config.source_lang,
        line_numbers=config.line_numbers,
        fuzzy_threshold=config.fuzzy_threshold,
    )


def _results(ctx: Context, todo: list[str]) -> Iterator[LessonResult]:
    """The job's result for each lesson of ``todo``, in order: on every core
    when there are enough (and not in a dry run, whose writes stay here)."""
    workers = 0 if ctx.project.dry else parallel.workers(len(todo))
    if not workers:
        return (run_lesson(x, ctx) for x in todo)
    return parallel.ordered_map(run_lesson, todo, ctx, workers)


# -- what every lesson merges with ---------------------------------------------


def _now(r: _Run, path: Path) -> str:
    """A file's hash now, as the snapshot took it ("" if absent or not known)."""
    k = r.files.get(r.project.shown(path))
    return k.digest if k is not None else ""


def _context(r: _Run, lang: str) -> Lang:
    """One language's memory, glossary, shared table and renamed lessons."""
    project, config = r.project, r.project.config
    settings = _settings(project)
    paths = project.catalogs(lang)
    preloaded: dict[Path, tuple[str, catalog.polib.POFile]] = {}
    broken: set[Path] = set()
    read: dict[str, tuple[Record, ...]] = {}
    last = r.cached.records.catalogs if r.cached is not None else {}
    if r.steps.update:
        for path in paths:
            rel = project.shown(path)
            record = last.get(rel)
            if record is not None and r.cached is not None and _now(r, path) == record.digest:
                read[rel] = record.records
                continue
            digest, po, problem = read_catalog(path, rel)
            if problem is not None:
                r.report.findings.append(problem)
                broken.add(path)
            elif po is not None:
                preloaded[path] = (digest, po)
                read[rel] = tuple(catalog.records(po, rel))
    terms = _glossary(r, lang)
    if r.steps.update and r.cached is not None:
        _changes(r, lang, read, terms)
    memory = Memory.build([x for rel in sorted(read, key=lambda k: Path(k)) for x in read[rel]])
    helpers = catalog.Helpers(
        memory=memory,
        glossary=terms,
        copy_untranslatable=config.source_lang == "vi" and lang != "vi",
        tm_threshold=config.tm_threshold,
        purge=r.purge,
    )
    shared_path = project.catalog_path(SHARED, lang)
    if r.steps.update and shared_path not in broken:
        pre = preloaded.get(shared_path)
        if pre is not None:
            table = SharedTable(lambda: pre[1], lang, settings, helpers)
        else:  # unchanged since the last run: parsed only if a page asks what no page asked then
            table = SharedTable(
                lambda: read_catalog(shared_path, project.shown(shared_path))[1], lang, settings, helpers
            )
            known = _shared_values(r, lang, shared_path)
            table.known.update(known)
    else:
        _, po, problem = read_catalog(shared_path, project.shown(shared_path))
        if problem is not None:
            r.report.findings.append(problem)
        table = SharedTable(
            lambda: None, lang, settings, helpers, fixed=catalog.translations(po) if po is not None else {}
        )
    context = Lang(lang, helpers, table, preloaded, broken)
    if r.steps.update:
        r.read_records[lang] = read
        context.renamed = _renames(r, lang, paths, preloaded)
    return context


def _shared_values(r: _Run, lang: str, shared_path: Path) -> dict[Key, str | None]:
    """The shared translations the last run's pages used, while they still
    hold: the shared catalog as that run left it, the memory unchanged."""
    if r.cached is None:
        return {}
    last = r.cached.records
    prefix = r.project.shown(r.project.config.build / lang) + "/"
    used = {(x, msgid): v for rel, p in last.pages.items() if rel.startswith(prefix) for x, msgid, v in p.shared}
    c = last.catalogs.get(r.project.shown(shared_path))
    tpath = r.project.template_path(SHARED)
    if c is not None and _now(r, shared_path) == c.digest and not _touched(r, lang, c, tpath):
        r.shared_stable.add(lang)
        return used
    return {}


def _glossary(r: _Run, lang: str) -> list[glossary.Term]:
    path = r.project.config.locales / lang / "glossary.csv"
    shown = r.project.shown(path)
    try:
        data = files.read_bytes(path)
    except FileNotFoundError:
        return []
    except OSError as exc:
        r.report.findings.append(read_failed(shown, exc))
        return []
    from .files import decode

    text, problem = decode(data, shown)
    if problem is not None:
        r.report.findings.append(problem)
        return []
    assert text is not None
    terms, findings = glossary.parse(text, shown)
    r.report.findings.extend(findings)
    return terms


def _renames(
    r: _Run, lang: str, paths: list[Path], olds: dict[Path, tuple[str, catalog.polib.POFile]]
) -> dict[str, Path]:
    """Lessons without a catalog whose text an orphaned catalog holds."""
    project = r.project
    expected = {project.catalog_path(x, lang) for x in [*project.lessons, SHARED]}
    existing = set(paths)
    found: dict[str, Path] = {}
    if all(p in expected for p in paths) or all(project.catalog_path(x, lang) in existing for x in project.lessons):
        return found
    orphans: dict[Path, set[str]] = {}
    for path in (p for p in paths if p not in expected):
        if path not in olds:
            digest, po, _ = read_catalog(path, project.shown(path))
            if po is None:
                continue
            olds[path] = (digest, po)
        orphans[path] = catalog.msgids(olds[path][1])
    for lesson in project.lessons:
        if project.catalog_path(lesson, lang) in existing or not orphans:
            continue
        doc, _ = project.document(lesson, r.allow_mojibake)
        wanted = {nfc(u.text) for u in doc.units if not u.shared} if doc is not None else set()
        if not wanted:
            continue
        best = max(orphans, key=lambda p: len(wanted & orphans[p]))
        if len(wanted & orphans[best]) >= RENAME_OVERLAP * len(wanted):
            found[lesson] = best
            del orphans[best]
    return found


def _changes(r: _Run, lang: str, read: dict[str, tuple[Record, ...]], terms: list[glossary.Term]) -> None:
    """What changed in the memory and the glossary since the last run: the
    msgids whose memory entry may differ (its own fills, then every record
    added, removed or altered since), and the terms."""
    assert r.cached is not None
    last = r.cached.records
    changed = set(last.memory_changed.get(lang, ()))
    prefix = r.project.shown(r.project.config.locales / lang) + "/"
    before = {k: v.records for k, v in last.catalogs.items() if k.startswith(prefix)}
    for rel in set(before) | set(read):
        old, new = before.get(rel, ()), read.get(rel, ())
        if old != new:
            changed |= _keys(set(old) ^ set(new))
    r.changed[lang] = changed
    then = {t[0]: t for t in last.glossaries.get(lang, ())}
    now = {t.term: (t.term, t.translation, t.note) for t in terms}
    r.changed_terms[lang] = {k for k in then.keys() | now.keys() if then.get(k) != now.get(k)}
    r.added_terms[lang] = [t for t in terms if t.term not in then]


def _keys(records: set[Record]) -> set[str]:
    """The memory keys a set of records touches: their msgids and link texts."""
    keys = {x.msgid for x in records}
    return keys | {t for k in keys if (t := link_text(k)) is not None}


# -- replaying the last run's work ---------------------------------------------


def _replayable(r: _Run, lesson: str) -> bool:
    """True if every input and output of the lesson's job is as the last run
    left it, and no change of memory, glossary or shared text touches it."""
    if r.cached is None or not (r.steps.extract and r.steps.update and r.steps.build):
        return False
    project, last = r.project, r.cached.records
    record = last.lessons.get(lesson)
    if record is None or _now(r, project.source(lesson)) != record.source:
        return False
    if _now(r, project.template_path(lesson)) != record.template:
        return False
    if _now(r, project.config.build / project.config.source_lang / lesson) != record.source:
        return False
    for lang in r.contexts:
        cpath = project.catalog_path(lesson, lang.code)
        c = last.catalogs.get(project.shown(cpath))
        if c is None or _now(r, cpath) != c.digest or c.template != record.template or cpath in lang.broken:
            return False
        if _touched(r, lang.code, c, project.template_path(lesson)):
            return False
        ppath = project.page_path(lesson, lang.code)
        p = last.pages.get(project.shown(ppath))
        if p is None or _now(r, ppath) != p.digest or p.catalog != c.digest:
            return False
        if not _shared_same(r, lang, p):
            return False
    return True


def _touched(r: _Run, lang: str, c: CatalogRecord, template: Path) -> bool:
    """True if a merge of an unchanged catalog would now differ: the memory
    changed for a msgid it looks up (exactly, as a link's text, or close
    enough for a suggestion), or a glossary term of its entries changed."""
    if r.changed_terms.get(lang) and (set(c.terms) & r.changed_terms[lang]):
        return True
    added = r.added_terms.get(lang)
    if added and _holds_terms(template, added):
        return True
    changed = r.changed.get(lang)
    if not changed:
        return False
    if c.pending not in r._pending:
        from .cache import read_pending

        r._pending[c.pending] = read_pending(r.project.root, c.pending)
    asked = r._pending[c.pending]
    if asked is None:
        return True  # its pending msgids are gone from the cache: merge it again
    for msgid in asked:
        if msgid in changed or link_text(msgid) in changed:
            return True
    threshold = r.project.config.tm_threshold
    return any(process.extractOne(key, asked, scorer=fuzz.ratio, score_cutoff=threshold) for key in changed)


def _holds_terms(template: Path, terms: list[glossary.Term]) -> bool:
    """True if a template's entries hold one of ``terms`` (or it cannot be read)."""
    _, pot, _ = read_catalog(template, str(template))
    return pot is None or any(glossary.hits(terms, e.msgid) for e in pot)


def _shared_same(r: _Run, lang: Lang, p: PageRecord) -> bool:
    """True if the shared translations a page used are still what the shared
    table gives (not even asked when neither the shared catalog nor the
    memory changed)."""
    if not p.shared or lang.code in r.shared_stable:
        return True
    if lang.code not in r.shared_asked:  # every page's keys in one merge
        r.shared_asked.add(lang.code)
        assert r.cached is not None
        prefix = r.project.shown(r.project.config.build / lang.code) + "/"
        pages = (q for rel, q in r.cached.records.pages.items() if rel.startswith(prefix))
        lang.shared.values({SharedUnit(m, "", 0, x, ()) for q in pages for x, m, _ in q.shared})
    values = lang.shared.values(SharedUnit(msgid, "", 0, ctx, ()) for ctx, msgid, _ in p.shared)
    return all(values.get((ctx, msgid)) == value for ctx, msgid, value in p.shared)


def _replay(r: _Run, lesson: str) -> LessonRecord | None:
    """Report a lesson as the last run did it, and keep its records."""
    assert r.cached is not None
    project, last = r.project, r.cached.records
    record = last.lessons[lesson]
    r.records.lessons[lesson] = record
    r.report.findings.extend(record.findings)
    r.report.entries += record.entries
    for lang in r.contexts:
        crel = project.shown(project.catalog_path(lesson, lang.code))
        c = last.catalogs[crel]
        r.records.catalogs[crel] = c
        _count(r, lang.code, c.counts)
    for lang in r.contexts:
        prel = project.shown(project.page_path(lesson, lang.code))
        p = last.pages[prel]
        r.records.pages[prel] = p
        r.report.findings.extend(p.findings)
    return record


def _take(r: _Run, result: LessonResult) -> LessonRecord | None:
    """Report and record one lesson's result; its lesson record."""
    r.report.findings.extend(result.findings)
    r.report.entries += result.entries
    for done in result.wrote:
        _wrote(r, done)
    record = result.lesson_record
    if record is not None:
        # Every lesson sends the same navigation units: keep one of each.
        record = replace(record, shared=tuple(r.seen.setdefault(u, u) for u in record.shared))
        r.records.lessons[result.lesson] = record
    for lang, (rel, c) in result.catalogs.items():
        r.records.catalogs[rel] = c
        _count(r, lang, c.counts)
        renamed = next((x for x in r.contexts if x.code == lang), None)
        if renamed is not None and result.lesson in renamed.renamed:
            _migrated(r, rel, renamed.renamed[result.lesson])
    for lang, counts in result.counted.items():
        if lang not in result.catalogs:
            _count(r, lang, counts)
    for rel, p in result.pages.values():
        r.records.pages[rel] = replace(p, shared=tuple(r.seen.setdefault(x, x) for x in p.shared))
    return record


def _migrated(r: _Run, rel: str, old: Path) -> None:
    """A renamed lesson's catalog now holds all the old one's work: remove it."""
    problem = r.project.remove(old)
    if problem is not None:
        r.report.findings.append(problem)
        return
    shown = r.project.shown(old)
    r.files.pop(shown, None)
    r.report.removed.append(shown)
    r.report.findings.append(Finding(rel, 1, "renamed", f"lesson renamed: catalog migrated from {shown}", "info"))


def _wrote(r: _Run, done: Wrote) -> None:
    if done.changed:
        r.report.written.append(done.rel)
        r.files[done.rel] = Known(done.digest, done.stat)


def _count(r: _Run, lang: str, counts: tuple[int, int, int, int]) -> None:
    cov = r.report.coverage.setdefault(lang, Coverage())
    cov.translated += counts[0]
    cov.fuzzy += counts[1]
    cov.copied += counts[2]
    cov.total += counts[3]


# -- the shared catalog, copies, stale files -----------------------------------


def _shared(r: _Run, ctx: Context, units: list[tuple[SharedUnit, str]]) -> None:
    """The shared template and each language's shared catalog, from every
    lesson's boilerplate units (made again only when an input changed)."""
    project = r.project
    tpath = project.template_path(SHARED)
    digest = content_hash(repr([(u, x) for u, x in units]).encode("utf-8"))
    last = r.cached.records if r.cached is not None else None
    record = last.lessons.get(SHARED) if last is not None else None
    pot = None
    if not r.steps.extract:
        template_digest, pot, problem = read_catalog(tpath, project.shown(tpath))
        if problem is not None:
            r.report.findings.append(problem)
        r.report.entries += len(pot) if pot is not None else 0
    elif record is not None and record.source == digest and _now(r, tpath) == record.template:
        template_digest = record.template
        r.records.lessons[SHARED] = record
        r.report.entries += record.entries
    elif units:
        _, old, _ = read_catalog(tpath, project.shown(tpath))
        pot = catalog.template([(_as_unit(u), x) for u, x in units], SHARED_NAME, ctx.settings, old)
        done, problem = project.put(tpath, catalog.dumps(pot).encode("utf-8"))
        if problem is not None:
            r.report.findings.append(problem)
        template_digest = done.digest if done is not None else ""
        if done is not None:
            _wrote(r, done)
            r.records.lessons[SHARED] = LessonRecord(digest, done.digest, len(pot), (), ())
        r.report.entries += len(pot)
    else:
        template_digest = ""
    if not r.steps.update or not template_digest:
        return
    for lang in r.contexts:
        _shared_catalog(r, ctx, lang, tpath, template_digest, pot)


def _shared_catalog(
    r: _Run, ctx: Context, lang: Lang, tpath: Path, template_digest: str, pot: catalog.polib.POFile | None
) -> None:
    project = r.project
    path = project.catalog_path(SHARED, lang.code)
    rel = project.shown(path)
    last = r.cached.records.catalogs.get(rel) if r.cached is not None else None
    if path in lang.broken:
        return
    if (
        last is not None
        and last.template == template_digest
        and _now(r, path) == last.digest
        and not r.purge
        and not _touched(r, lang.code, last, tpath)
    ):
        r.records.catalogs[rel] = last
        _count(r, lang.code, last.counts)
        return
    if pot is None:
        _, pot, _ = read_catalog(tpath, project.shown(tpath))
        if pot is None:
            return
    findings: list[Finding] = []
    wrote: list[Wrote] = []
    made = update_catalog(SHARED, lang, pot, template_digest, ctx, findings, wrote)
    r.report.findings.extend(findings)
    for done in wrote:
        _wrote(r, done)
    if made is not None:
        r.records.catalogs[rel] = made[0]
        _count(r, lang.code, made[0].counts)


def _as_unit(u: SharedUnit) -> Unit:
    return Unit(u.text, u.element, u.line, (), (), context=u.context, notes=u.notes, shared=True)


def _finish(r: _Run) -> None:
    """Assets copied, stale files removed, orphaned catalogs named, and the
    records the next run compares with."""
    project, config = r.project, r.project.config
    # A file that could not be read or written is recorded as unknown: the
    # next run is no replay of this one, it does that work again.
    for f in r.report.findings:
        if f.rule in ("read-failed", "write-failed"):
            r.files[f.path] = Known(UNREADABLE)
    keep_templates = {project.template_path(x) for x in [*project.lessons, SHARED]}
    if SHARED not in r.records.lessons:
        keep_templates.discard(project.template_path(SHARED))
    if r.steps.extract:
        _remove_stale(r, config.locales / "templates", keep_templates, ".pot")
    if r.steps.build:
        source_dir = config.build / config.source_lang
        trees = {source_dir: [source_dir / x for x in project.lessons]}
        for lang in r.langs:
            trees[config.build / lang] = [project.page_path(x, lang) for x in project.lessons]
        for folder, made in trees.items():
            for rel in project.assets:
                _copy(r, config.content / rel, folder / rel)
            _remove_stale(r, folder, {*made, *(folder / x for x in project.assets)}, None)
    if r.steps.update:
        for code in r.langs:
            _orphans(r, code)
    for context in r.contexts:
        terms = tuple((t.term, t.translation, t.note) for t in context.helpers.glossary)
        r.records.glossaries[context.code] = terms
        if r.steps.update:
            r.records.memory_changed[context.code] = tuple(sorted(_self_changes(r, context.code)))


def _self_changes(r: _Run, lang: str) -> set[str]:
    """Msgids whose memory entry this run's own merges changed (their fills):
    the next run's merges see them, as a run from scratch would."""
    read = r.read_records.get(lang, {})
    prefix = r.project.shown(r.project.config.locales / lang) + "/"
    changed: set[str] = set()
    for rel, c in r.records.catalogs.items():
        if rel.startswith(prefix) and read.get(rel, ()) != c.records:
            changed |= _keys(set(read.get(rel, ())) ^ set(c.records))
    return changed


def _copy(r: _Run, source: Path, target: Path) -> None:
    """A file of content/ into a build tree, untouched: not even read when
    both are as the snapshot found them equal."""
    now = _now(r, source)
    if now and now != UNREADABLE and _now(r, target) == now:
        return
    try:
        data = files.read_bytes(source)
    except OSError as exc:
        r.report.findings.append(read_failed(r.project.shown(source), exc))
        return
    done, problem = r.project.put(target, data)
    if problem is not None:
        r.report.findings.append(problem)
    if done is not None:
        _wrote(r, done)


def _remove_stale(r: _Run, folder: Path, keep: set[Path], suffix: str | None) -> None:
    for path in r.project.stale(folder, keep, suffix):
        problem = r.project.remove(path)
        if problem is not None:
            r.report.findings.append(problem)
            continue
        shown = r.project.shown(path)
        r.files.pop(shown, None)
        r.report.removed.append(shown)
    r.project.prune(folder)


def _orphans(r: _Run, lang: str) -> None:
    project = r.project
    expected = {project.catalog_path(x, lang) for x in [*project.lessons, SHARED]}
    removed = set(r.report.removed)
    for path in project.catalogs(lang):
        if path not in expected and project.shown(path) not in removed:
            r.report.findings.append(
                Finding(
                    project.shown(path),
                    1,
                    "orphan-catalog",
                    "catalog whose lesson is gone; kept with its translations (move or delete it yourself)",
                    "warning",
                )
            )


__all__ = ["Cached", "pending", "run"]
