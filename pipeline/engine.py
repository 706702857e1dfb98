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

import contextlib
import functools
from collections.abc import Generator
from dataclasses import replace
from pathlib import Path

from . import catalog, files, locate, plan, pool, renames, rules
from . import po as po_io
from .cache import CatalogRecord, Known, LessonRecord, Records, SharedUnit
from .errors import Finding
from .files import UNREADABLE, content_hash
from .job import SHARED, Context, Lang, LessonResult, Steps, read_catalog, run_lesson, template_file, update_catalog
from .plan import Cached, RunState
from .project import Project, Wrote, read_failed
from .report import Coverage, Findings, Progress, Report, Silent

SHARED_NAME = "the boilerplate shared by all lessons"
_IO_FAULTS = rules.known("read-failed", "write-failed")


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
    r = RunState(project, steps, langs, purge, allow_mojibake, progress or Silent(), cached)
    r.report = Report(dry=project.dry, lessons=len(project.lessons))
    r.report.findings.extend(project.found)
    r.files = dict(cached.now) if cached is not None else {}
    for lang in langs if (steps.update or steps.build) else []:
        r.contexts.append(plan.context(r, lang))
    ctx = Context(project, plan.settings(project), steps, r.contexts, allow_mojibake)
    todo = [x for x in project.lessons if not plan.replayable(r, x)]
    r.progress.start(len(project.lessons) + 1, "rebuild" if steps.extract and steps.build else _label(steps))
    redo = set(todo)
    shared_units: list[tuple[SharedUnit, str]] = []
    # Closed here, not left to the garbage collector: its workers are stopped
    # in the run's own frame, where a signal meanwhile is raised, not ignored.
    with contextlib.closing(_results(ctx, todo)) as results:
        for lesson in project.lessons:
            record = _take(r, next(results)) if lesson in redo else _replay(r, lesson)
            if record is not None:
                shared_units += [(u, lesson) for u in record.shared]
            r.progress.advance()
    _shared(r, ctx, shared_units)
    # refusals of shared units named at the shared catalog's line, now that it is made
    r.report.findings = Findings(locate.shared_entries(project, langs, r.report.findings))
    r.progress.advance()
    _finish(r)
    return r.report, r.records, r.files


def _label(steps: Steps) -> str:
    return "extract" if steps.extract else "update" if steps.update else "build"


def _results(ctx: Context, todo: list[str]) -> Generator[LessonResult, None, None]:
    """The job's result for each lesson of ``todo``, in order: on every core
    when there are enough (and not in a dry run, whose writes stay here)."""
    workers = 0 if ctx.project.dry else pool.workers(len(todo))
    if not workers:
        return (run_lesson(x, ctx) for x in todo)
    return pool.ordered_map(functools.partial(run_lesson, ctx=ctx), todo, workers)


def _replay(r: RunState, lesson: str) -> LessonRecord | None:
    """Report a lesson as the last run did it, and keep its records."""
    assert r.cached is not None
    project, last = r.project, r.cached.records
    record = last.lessons[lesson]
    r.records.lessons[lesson] = record
    r.report.findings.extend(record.findings)
    r.report.entries += record.entries
    for lang in r.contexts:
        crel = project.rel("catalog", lesson, lang.code)
        c = last.catalogs[crel]
        r.records.catalogs[crel] = c
        _count(r, lang.code, c.counts)
    for lang in r.contexts:
        prel = project.rel("page", lesson, lang.code)
        p = last.pages[prel]
        r.records.pages[prel] = p
        r.report.findings.extend(p.findings)
    return record


def _take(r: RunState, result: LessonResult) -> LessonRecord | None:
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
    # The job says which catalogs it made from a renamed lesson's (rule "renamed").
    migrated = {f.path for f in result.findings if f.rule == "renamed"}
    for lang, (rel, c) in result.catalogs.items():
        r.records.catalogs[rel] = c
        _count(r, lang, c.counts)
        if rel in migrated:
            _migrated(r, next(x for x in r.contexts if x.code == lang), result.lesson)
    for rel, p in result.pages.values():
        r.records.pages[rel] = replace(p, shared=tuple(r.seen.setdefault(x, x) for x in p.shared))
    return record


def _migrated(r: RunState, lang: Lang, lesson: str) -> None:
    """A renamed lesson's catalog now holds all the old one's work: remove
    the old one, unless it changed since the run read it (a translator's
    save the merge may have missed: it stays, named an orphan)."""
    old = lang.renamed[lesson]
    read = lang.preloaded.get(old)
    try:
        same = read is not None and content_hash(files.read_bytes(old)) == read[0]
    except OSError:
        same = False
    if same and _remove(r, old):
        r.pruned.add(r.project.config.locales / lang.code)


def _remove(r: RunState, path: Path) -> bool:
    """Remove a file the run no longer makes, and say so; False if it could not."""
    problem = r.project.remove(path)
    if problem is not None:
        r.report.findings.append(problem)
        return False
    shown = r.project.shown(path)
    r.files.pop(shown, None)
    r.report.removed.append(shown)
    return True


def _wrote(r: RunState, done: Wrote) -> None:
    if done.changed:
        r.report.written.append(done.rel)
        r.files[done.rel] = Known(done.digest, done.stat)


def _count(r: RunState, lang: str, counts: tuple[int, int, int, int]) -> None:
    cov = r.report.coverage.setdefault(lang, Coverage())
    cov.translated += counts[0]
    cov.fuzzy += counts[1]
    cov.copied += counts[2]
    cov.total += counts[3]


# -- the shared catalog, copies, stale files -----------------------------------


def _shared(r: RunState, ctx: Context, units: list[tuple[SharedUnit, str]]) -> None:
    """The shared template and each language's shared catalog, from every
    lesson's boilerplate units (made again only when an input changed)."""
    project = r.project
    tpath = project.template_path(SHARED)
    last = r.cached.records if r.cached is not None else None
    record = last.lessons.get(SHARED) if last is not None else None
    pot = None
    if not r.steps.extract:
        template_digest, pot, problem = read_catalog(tpath, project.shown(tpath))
        if problem is not None:
            r.report.findings.append(problem)
        r.report.entries += len(pot) if pot is not None else 0
    elif record is not None and plan.now(r, tpath) == record.template and _same_units(r.records, last):
        template_digest = record.template
        r.records.lessons[SHARED] = record
        r.report.entries += record.entries
    elif units:
        pot, kept = template_file(project, tpath, units, SHARED_NAME, ctx.settings)
        _made_shared(r, ctx, tpath, pot, kept)
        return
    else:
        template_digest = ""
    if not r.steps.update or not template_digest:
        return
    for lang in r.contexts:
        _shared_catalog(r, ctx, lang, tpath, template_digest, pot)


def _made_shared(r: RunState, ctx: Context, tpath: Path, pot: catalog.Catalog, kept: Wrote | None) -> None:
    """Write a new shared template and merge each language's shared catalog
    from it: on every core for a large course, where each is a long dump
    (its entries name every lesson)."""
    project = r.project
    langs = [x for x in r.contexts if project.catalog_path(SHARED, x.code) not in x.broken] if r.steps.update else []

    def work(
        task: Lang | None,
    ) -> tuple[Wrote | None, Finding | None, tuple[CatalogRecord, object] | None, list[Finding], list[Wrote]]:
        if task is None:
            if kept is not None:
                return kept, None, None, [], []
            done, problem = project.put(tpath, po_io.dumps(pot).encode("utf-8"))
            return done, problem, None, [], []
        findings: list[Finding] = []
        wrote: list[Wrote] = []
        made = update_catalog(SHARED, task, pot, "", ctx, findings, wrote)
        return None, None, made, findings, wrote

    tasks: list[Lang | None] = [None, *langs]
    workers = min(len(tasks), pool.workers(len(project.lessons))) if len(tasks) > 1 and not project.dry else 0
    results = pool.ordered_map(work, tasks, workers) if workers else map(work, tasks)
    done, problem, _, _, _ = next(results)
    if problem is not None:
        r.report.findings.append(problem)
    r.report.entries += len(pot)
    template_digest = done.digest if done is not None else ""
    if done is not None:
        _wrote(r, done)
        r.records.lessons[SHARED] = LessonRecord("", done.digest, len(pot), (), ())
    for lang, (_, _, made, findings, wrote) in zip(langs, results, strict=True):
        r.report.findings.extend(findings)
        for written in wrote:
            _wrote(r, written)
        if made is not None and template_digest:
            record = replace(made[0], template=template_digest)
            r.records.catalogs[project.rel("catalog", SHARED, lang.code)] = record
            _count(r, lang.code, record.counts)


def _same_units(now: Records, last: Records | None) -> bool:
    """True if the lessons with boilerplate units, and those units, are the
    last run's, in the same order: the shared template would be the same.
    (A replayed lesson's units are the last run's very tuple: compared by
    identity first, so this costs little.)"""
    if last is None:
        return False

    def units(records: Records) -> list[tuple[str, tuple[SharedUnit, ...]]]:
        return [(k, v.shared) for k, v in records.lessons.items() if k != SHARED]

    return units(now) == units(last)


def _shared_catalog(
    r: RunState, ctx: Context, lang: Lang, tpath: Path, template_digest: str, pot: catalog.Catalog | None
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
        and plan.now(r, path) == last.digest
        and not r.purge
        and not plan.touched(r, lang.code, last, tpath)
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


def _finish(r: RunState) -> None:
    """Assets copied, stale files removed, orphaned catalogs named, and the
    records the next run compares with."""
    project, config = r.project, r.project.config
    # A file that could not be read or written is recorded as unknown: the
    # next run is no replay of this one, it does that work again.
    for f in r.report.findings:
        if f.rule in _IO_FAULTS:
            r.files[f.path] = Known(UNREADABLE)
    rel = project.rel
    if r.steps.extract:
        keep = {rel("template", x) for x in project.lessons}
        if SHARED in r.records.lessons:
            keep.add(rel("template", SHARED))
        _remove_stale(r, config.locales / "templates", keep, ".pot")
    if r.steps.build:
        trees = {config.build / config.source_lang: {rel("copy", x) for x in project.lessons}}
        for lang in r.langs:
            trees[config.build / lang] = {rel("page", x, lang) for x in project.lessons}
        for folder, made in trees.items():
            prefix = project.shown(folder) + "/"
            for asset in project.assets:
                _copy(r, config.content / asset, folder / asset)
                made.add(prefix + asset)
            _remove_stale(r, folder, made, None)
    if r.steps.update:
        for folder in sorted(r.pruned):  # a lesson moved out of its module: its folder goes
            project.prune(folder)
        for code in r.langs:
            _orphans(r, code)
    for context in r.contexts:
        terms = tuple((t.term, t.translation, t.note) for t in context.helpers.glossary)
        r.records.glossaries[context.code] = terms
        if r.steps.update:
            r.records.memory_changed[context.code] = tuple(sorted(_self_changes(r, context.code)))


def _self_changes(r: RunState, lang: str) -> set[str]:
    """Msgids whose memory entry this run's own merges changed (their fills):
    the next run's merges see them, as a run from scratch would."""
    read = r.read_records.get(lang, {})
    prefix = r.project.shown(r.project.config.locales / lang) + "/"
    changed: set[str] = set()
    for rel, c in r.records.catalogs.items():
        if rel.startswith(prefix) and read.get(rel, ()) != c.records:
            changed |= plan.memory_keys(set(read.get(rel, ())) ^ set(c.records))
    removed = set(r.report.removed)  # a renamed lesson's old catalog: its records left the memory
    for rel in (x for x in read if x in removed):
        changed |= plan.memory_keys(set(read[rel]))
    return changed


def _copy(r: RunState, source: Path, target: Path) -> None:
    """A file of content/ into a build tree, untouched: not even read when
    both are as the snapshot found them equal."""
    now = plan.now(r, source)
    if now and now != UNREADABLE and plan.now(r, target) == now:
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


def _remove_stale(r: RunState, folder: Path, keep: set[str], suffix: str | None) -> None:
    known = r.files if r.cached is not None else None  # the snapshot lists every file: no walk
    removed = [_remove(r, path) for path in r.project.stale(folder, keep, suffix, known)]
    if any(removed) or known is None:
        r.project.prune(folder)


def _orphans(r: RunState, lang: str) -> None:
    """Name each catalog no lesson has, with what to do: a warning when it
    holds translators' work (`check` makes it an error), else information."""
    project = r.project
    expected = {project.catalog_path(x, lang) for x in [*project.lessons, SHARED]}
    removed = set(r.report.removed)
    folder = project.shown(project.config.locales / lang)
    for path in project.catalogs(lang, r.files if r.cached is not None else None):
        shown = project.shown(path)
        if path in expected or shown in removed:
            continue
        _, po, _ = read_catalog(path, shown)  # unreadable: reported when the memory was made
        held = renames.work(po) if po is not None else -1  # unreadable: taken to hold work
        if held:
            what = (
                f"{held} {'entry' if held == 1 else 'entries'} of translators' work" if held > 0 else "unreadable work"
            )
            message = (
                f"catalog of no lesson, holding {what} (no lesson without a catalog shares half its text): "
                f"if its lesson was renamed or moved, move this file over the new lesson's catalog under "
                f"{folder}/ and run `pipeline update`; if the lesson was deleted, delete this file"
            )
        else:
            message = "catalog of no lesson, holding no translation: delete this file"
        r.report.findings.append(Finding(shown, 1, "orphan-catalog", message, "warning" if held else "info"))


__all__ = ["Cached", "run"]
