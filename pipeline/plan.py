"""What a run knows before any lesson: each language's merge context, and
which lessons the last run's records let it skip.

Per language, once: the memory (from each catalog's records, read again
only if the catalog changed), the glossary, the shared table and renamed
lessons, and what changed in the memory and the glossary since the last
run. Then, per lesson, whether every input and output of its job is as the
last run left it and no such change touches it (see :func:`replayable`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from . import catalog, files, glossary, renames
from .cache import CatalogRecord, Key, Known, PageRecord, Records, SharedUnit
from .files import decode
from .job import SHARED, Lang, SharedTable, Steps, read_catalog
from .memory import Memory, Record, link_text
from .project import Project, read_failed
from .report import Progress, Report
from .text import nfc


@dataclass(slots=True)
class Cached:
    """What a rebuild starts from: the files now (the snapshot) and the last
    run's records."""

    now: dict[str, Known]
    records: Records


@dataclass(slots=True)
class RunState:
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
    pruned: set[Path] = field(default_factory=set)  # locales folders a migrated catalog left


def settings(project: Project) -> catalog.Settings:
    config = project.config
    return catalog.Settings(
        project=config.project,
        source_lang=config.source_lang,
        line_numbers=config.line_numbers,
        fuzzy_threshold=config.fuzzy_threshold,
    )


# -- what every lesson merges with ---------------------------------------------


def digest(r: RunState, rel: str) -> str:
    """A file's hash now, by the name :meth:`Project.shown` gives it."""
    k = r.files.get(rel)
    return k.digest if k is not None else ""


def now(r: RunState, path: Path) -> str:
    """A file's hash now, as the snapshot took it ("" if absent or not known)."""
    return digest(r, r.project.shown(path))


def context(r: RunState, lang: str) -> Lang:
    """One language's memory, glossary, shared table and renamed lessons."""
    project, config = r.project, r.project.config
    merge_settings = settings(project)
    paths = project.catalogs(lang, r.files if r.cached is not None else None)
    preloaded: dict[Path, tuple[str, catalog.Catalog]] = {}
    broken: set[Path] = set()
    read: dict[str, tuple[Record, ...]] = {}
    last = r.cached.records.catalogs if r.cached is not None else {}
    if r.steps.update:
        for path in paths:
            rel = project.shown(path)
            record = last.get(rel)
            if record is not None and r.cached is not None and now(r, path) == record.digest:
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
    if r.steps.update and r.cached is None:
        catalog.warm(lang, helpers)  # loaded once here, not again in every forked worker
    shared_path = project.catalog_path(SHARED, lang)
    if r.steps.update and shared_path not in broken:
        pre = preloaded.get(shared_path)
        if pre is not None:
            table = SharedTable(lambda: pre[1], lang, merge_settings, helpers)
        else:  # unchanged since the last run: parsed only if a page asks what no page asked then
            table = SharedTable(
                lambda: read_catalog(shared_path, project.shown(shared_path))[1], lang, merge_settings, helpers
            )
            known = _shared_values(r, lang, shared_path)
            table.known.update(known)
    else:
        _, po, problem = read_catalog(shared_path, project.shown(shared_path))
        if problem is not None:
            r.report.findings.append(problem)
        table = SharedTable(
            lambda: None,
            lang,
            merge_settings,
            helpers,
            fixed=catalog.translations(po, lang, merge_settings.source_lang) if po is not None else {},
        )
    context = Lang(lang, helpers, table, preloaded, broken)
    if r.steps.update:
        r.read_records[lang] = read
        context.renamed = _renames(r, lang, paths, preloaded)
    return context


def _shared_values(r: RunState, lang: str, shared_path: Path) -> dict[Key, str | None]:
    """The shared translations the last run's pages used, while they still
    hold: the shared catalog as that run left it, the memory unchanged."""
    if r.cached is None:
        return {}
    last = r.cached.records
    prefix = r.project.shown(r.project.config.build / lang) + "/"
    used = {(x, msgid): v for rel, p in last.pages.items() if rel.startswith(prefix) for x, msgid, v in p.shared}
    c = last.catalogs.get(r.project.shown(shared_path))
    tpath = r.project.template_path(SHARED)
    if c is not None and now(r, shared_path) == c.digest and not touched(r, lang, c, tpath):
        r.shared_stable.add(lang)
        return used
    return {}


def _glossary(r: RunState, lang: str) -> list[glossary.Term]:
    path = r.project.config.locales / lang / "glossary.csv"
    shown = r.project.shown(path)
    try:
        data = files.read_bytes(path)
    except FileNotFoundError:
        return []
    except OSError as exc:
        r.report.findings.append(read_failed(shown, exc))
        return []

    text, problem = decode(data, shown)
    if problem is not None:
        r.report.findings.append(problem)
        return []
    assert text is not None
    terms, findings = glossary.parse(text, shown)
    r.report.findings.extend(findings)
    return terms


def _renames(
    r: RunState, lang: str, paths: list[Path], olds: dict[Path, tuple[str, catalog.Catalog]]
) -> dict[str, Path]:
    """Lessons without a catalog, each with the orphaned catalog (of a lesson
    gone) whose msgids, translated or not, it shares (:mod:`pipeline.renames`).
    Each orphan read is left in ``olds``: the job merges from it, and the
    engine removes it only if it still holds those bytes."""
    project = r.project
    expected = {project.catalog_path(x, lang) for x in [*project.lessons, SHARED]}
    existing = set(paths)
    homeless = [x for x in project.lessons if project.catalog_path(x, lang) not in existing]
    strays = [p for p in paths if p not in expected]
    if not homeless or not strays:
        return {}
    folder = project.config.locales / lang
    orphans: dict[str, renames.Orphan] = {}
    by_name: dict[str, Path] = {}
    for path in strays:
        if path not in olds:
            digest, po, _ = read_catalog(path, project.shown(path))  # unreadable: reported, never taken
            if po is None:
                continue
            olds[path] = (digest, po)
        name = path.relative_to(folder).with_suffix("").as_posix()
        orphans[name], by_name[name] = renames.Orphan.of(olds[path][1]), path
    if not orphans:
        return {}
    wanted: dict[str, set[str]] = {}
    for lesson in homeless:
        doc, _ = project.document(lesson, r.allow_mojibake)
        if doc is not None:
            wanted[lesson] = {nfc(u.text) for u in doc.units if not u.shared}
    return {lesson: by_name[name] for lesson, name in renames.pair(wanted, orphans).items()}


def _changes(r: RunState, lang: str, read: dict[str, tuple[Record, ...]], terms: list[glossary.Term]) -> None:
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
            changed |= memory_keys(set(old) ^ set(new))
    r.changed[lang] = changed
    then = {t[0]: t for t in last.glossaries.get(lang, ())}
    now = {t.term: (t.term, t.translation, t.note) for t in terms}
    r.changed_terms[lang] = {k for k in then.keys() | now.keys() if then.get(k) != now.get(k)}
    r.added_terms[lang] = [t for t in terms if t.term not in then]


def memory_keys(records: set[Record]) -> set[str]:
    """The memory keys a set of records touches: their msgids and link texts."""
    keys = {x.msgid for x in records}
    return keys | {t for k in keys if (t := link_text(k)) is not None}


# -- replaying the last run's work ---------------------------------------------


def replayable(r: RunState, lesson: str) -> bool:
    """True if every input and output of the lesson's job is as the last run
    left it, and no change of memory, glossary or shared text touches it."""
    if r.cached is None or not (r.steps.extract and r.steps.update and r.steps.build):
        return False
    project, last, rel = r.project, r.cached.records, r.project.rel
    record = last.lessons.get(lesson)
    if record is None or digest(r, rel("source", lesson)) != record.source:
        return False
    if digest(r, rel("template", lesson)) != record.template or digest(r, rel("copy", lesson)) != record.source:
        return False
    for lang in r.contexts:
        crel = rel("catalog", lesson, lang.code)
        c = last.catalogs.get(crel)
        if c is None or digest(r, crel) != c.digest or c.template != record.template:
            return False
        if lang.broken and project.catalog_path(lesson, lang.code) in lang.broken:
            return False
        if touched(r, lang.code, c, project.template_path(lesson)):
            return False
        prel = rel("page", lesson, lang.code)
        p = last.pages.get(prel)
        if p is None or digest(r, prel) != p.digest or p.catalog != c.digest:
            return False
        if not shared_same(r, lang, p):
            return False
    return True


def touched(r: RunState, lang: str, c: CatalogRecord, template: Path) -> bool:
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


def shared_same(r: RunState, lang: Lang, p: PageRecord) -> bool:
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
