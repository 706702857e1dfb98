"""The CI gate and the coverage figures: what `check` and `stats` report.

Nothing here writes: ``check`` runs every step dry (see
:func:`pipeline.engine.run`) and adds what only a reviewer of the whole
project sees (stale catalogs, catalog headers and entries, glossary misses,
broken links, coverage under the thresholds).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path

from . import catalog, checks, engine, glossary, languages, locate, pages, rules, stats
from .cache import Key
from .errors import Finding, PipelineError
from .job import SHARED, Steps, finder, read_catalog
from .project import Project
from .report import Report
from .segments import Unit
from .text import nfc

# Findings of the run that are no problem of a gate (a build's refusals are
# reported as the build makes them: at the catalog entry, with the lesson line).
_NOT_FOR_THE_GATE = rules.known("renamed")


def units(project: Project, name: str) -> list[Unit]:
    """The fresh units of a lesson's own catalog, or of the shared one."""
    if name == SHARED:
        found: list[Unit] = []
        for lesson in project.lessons:
            doc, _ = project.document(lesson)
            found += [u for u in doc.units if u.shared] if doc is not None else []
        return found
    doc, _ = project.document(name)
    return [u for u in doc.units if not u.shared] if doc is not None else []


def tallies(project: Project, langs: list[str], into: list[Finding]) -> dict[tuple[str, str], stats.Tally]:
    """Per (language, catalog name): fresh units counted by catalog status,
    a translation the build refuses apart from the translated ones."""
    out: dict[tuple[str, str], stats.Tally] = {}
    for lang in langs:
        pos: dict[str, catalog.Catalog | None] = {}
        for name in [*project.lessons, SHARED]:
            path = project.catalog_path(name, lang)
            _, pos[name], problem = read_catalog(path, project.shown(path))
            if problem is not None:
                into.append(problem)
        refused = _refused(project, lang, pos)
        for name, po in pos.items():
            fresh: dict[tuple[str | None, str], Unit] = {}
            for unit in units(project, name):
                fresh.setdefault((unit.context, nfc(unit.text)), unit)
            if name == SHARED and not fresh and po is None:
                continue
            known = catalog.states(po, lang, project.config.source_lang)
            tally = stats.Tally(obsolete=catalog.stale_count(po, set(fresh)))
            for key, unit in fresh.items():
                status = known.get(key, "untranslated")
                status = "refused" if status == "translated" and key in refused[name] else status
                tally.add("copied" if status == catalog.COPIED else status, stats.words(unit.text, unit.spans))
            out[(lang, name)] = tally
    return out


def _refused(project: Project, lang: str, pos: dict[str, catalog.Catalog | None]) -> dict[str, set[Key]]:
    """Per catalog name, the keys whose translation a build of these
    catalogs refuses on some page (the build's own judgement)."""
    out: dict[str, set[Key]] = {name: set() for name in pos}
    shared_po = pos[SHARED]
    source = project.config.source_lang
    shared: dict[Key, str | None] = dict(catalog.translations(shared_po, lang, source)) if shared_po is not None else {}
    for lesson in project.lessons:
        doc, _ = project.document(lesson)
        po = pos[lesson]
        own = catalog.translations(po, lang, source) if po is not None else {}
        if doc is None or not (own or (shared and any(u.shared for u in doc.units))):
            continue
        for unit in pages.refused(doc, finder(own, shared)):
            out[SHARED if unit.shared else lesson].add((unit.context, nfc(unit.text)))
    return out


def stats_rows(root: Path | str, langs: Iterable[str] | None, by: str) -> tuple[list[stats.Row], Report]:
    if by not in ("language", "module", "lesson"):
        raise PipelineError("--by", 0, f"unknown grouping {by!r}: use language, module or lesson")
    project = Project(root)
    report = Report(lessons=len(project.lessons))
    report.findings.extend(project.found)
    for lesson in project.lessons:
        doc, problems = project.document(lesson)
        report.findings.extend(problems)
        if doc is not None:
            report.findings.extend(doc.findings)
    return stats.rows(tallies(project, project.langs(langs), report.findings), by), report


def _olds(project: Project, lang: str, into: list[Finding]) -> dict[Path, catalog.Catalog]:
    """Every readable catalog of a language."""
    olds: dict[Path, catalog.Catalog] = {}
    for path in project.catalogs(lang):
        _, po, problem = read_catalog(path, project.shown(path))
        if problem is not None:
            into.append(problem)
        elif po is not None:
            olds[path] = po
    return olds


def _terms(project: Project, lang: str, into: list[Finding]) -> list[glossary.Term]:
    path = project.config.locales / lang / "glossary.csv"
    if not path.is_file():
        return []
    shown = project.shown(path)
    from .files import read_text

    text, problem = read_text(path, shown)
    if problem is not None or text is None:
        into.extend([problem] if problem else [])
        return []
    terms, findings = glossary.parse(text, shown)
    into.extend(findings)
    return terms


def _misses(
    project: Project, lang: str, terms: list[glossary.Term], olds: dict[Path, catalog.Catalog]
) -> list[Finding]:
    findings: list[Finding] = []
    for path, po in olds.items():
        found: list[Finding] = []
        for entry in catalog.entries(po, lang, project.config.source_lang):
            if entry.fuzzy or not entry.msgstr:
                continue
            for term in glossary.misses(terms, entry.msgid, entry.msgstr):
                found.append(
                    Finding(
                        project.shown(path),
                        entry.line,
                        "glossary-term",
                        f"{term.term!r} should be translated as {term.translation!r} (glossary)",
                        "warning",
                    )
                )
        findings += _at_entries(project, lang, path, found)
    return findings


def _at_entries(project: Project, lang: str, path: Path, findings: list[Finding]) -> list[Finding]:
    """Findings of a catalog's entries named as a build's refusals are: at
    the msgid's line, with the lesson line that uses the entry."""
    if not findings:
        return findings
    name = next((x for x in [*project.lessons, SHARED] if project.catalog_path(x, lang) == path), None)
    return locate.at_entries(
        findings, locate.read(path, project.shown(path)), lambda: locate.uses(project, name) if name else {}
    )


def glossary_misses(root: Path | str, langs: Iterable[str] | None) -> list[Finding]:
    project = Project(root)
    findings: list[Finding] = []
    problems: list[Finding] = []
    for lang in project.langs(langs):
        terms = _terms(project, lang, problems)
        findings += _misses(project, lang, terms, _olds(project, lang, problems))
    return findings + problems


def check(root: Path | str, langs: Iterable[str] | None, min_coverage: float | None) -> Report:
    """Stale catalogs, unreadable or inconsistent catalogs, translations that
    would be refused or are unsafe, Vietnamese left in translations, broken
    relative links, glossary misses, source lint, and coverage under thresholds."""
    project = Project(root, dry=True)
    chosen = project.langs(langs)
    run, _, _ = engine.run(project, chosen, Steps(), allow_mojibake=True)
    locales = project.config.locales
    stale = sorted({x for x in run.written + run.removed if (project.root / x).is_relative_to(locales)})
    findings = [
        Finding(x, 1, "catalog-stale", "catalog out of date: run `pipeline rebuild` and commit locales/") for x in stale
    ]
    findings += [_graded(f) for f in run.findings if f.rule not in _NOT_FOR_THE_GATE]
    for lesson in project.lessons:
        doc, _ = project.document(lesson, True)
        if doc is not None:
            shown = project.shown(project.source(lesson))
            findings += checks.source_findings(shown, doc.text, doc.units, project.config.mojibake)
    problems: list[Finding] = []
    for lang in chosen:
        olds = _olds(project, lang, problems)
        plural = languages.plural_forms(lang) if languages.known(lang) else None
        for path, po in olds.items():
            shown = project.shown(path)
            findings += checks.header_findings(shown, dict(po.metadata), lang, plural)
            found = checks.entry_findings(
                shown, catalog.entries(po, lang, project.config.source_lang), lang, project.config.source_lang
            )
            findings += _at_entries(project, lang, path, found)
        findings += _misses(project, lang, _terms(project, lang, problems), olds)
    findings += _broken_links(project)
    findings += _coverage(project, chosen, min_coverage)
    return Report(lessons=len(project.lessons), findings=locate.folded(_unique(findings + problems)))


def _graded(f: Finding) -> Finding:
    """A run's finding as the gate rates it: an orphaned catalog holding
    translators' work fails CI (a rebuild only warns: it kept the work)."""
    if f.rule == "orphan-catalog" and f.severity == "warning":
        return dataclasses.replace(f, severity="error")
    return f


def _broken_links(project: Project) -> list[Finding]:
    """Relative links of the lessons that resolve to no file of the course.

    Link destinations are protected, so every built tree has the links of the
    source: checking the lessons once names the file to fix.
    """
    existing = set(project.lessons) | set(project.assets)
    findings: list[Finding] = []
    for rel in project.lessons:
        doc, _ = project.document(rel, True)
        if doc is not None:
            findings += checks.link_findings(project.shown(project.source(rel)), doc.text, rel, existing)
    return findings


def _coverage(project: Project, langs: list[str], floor: float | None) -> list[Finding]:
    table = tallies(project, langs, [])
    findings: list[Finding] = []
    thresholds = dict(project.config.min_coverage)
    for lang in langs:
        if floor is not None:
            thresholds[lang] = max(floor, thresholds.get(lang, 0.0))
    for row in stats.rows(table, "language") + stats.rows(table, "module"):
        key = row.language if not row.module else f"{row.language}/{row.module}"
        wanted = thresholds.get(key)
        if wanted is not None and row.tally.percent() < wanted:
            what = f"{row.language} module {row.module}" if row.module else row.language
            findings.append(
                Finding(
                    "pyproject.toml" if floor is None or row.module else "--min-coverage",
                    0,
                    "coverage",
                    f"{what} is {row.tally.percent():.1f}% translated, under the {wanted:g}% required: "
                    f"translate {_missing(row.tally)} more units",
                )
            )
    return findings


def _missing(tally: stats.Tally) -> int:
    return tally.units["untranslated"] + tally.units["fuzzy"] + tally.units["refused"]


def _unique(findings: list[Finding]) -> list[Finding]:
    seen: set[Finding] = set()
    return [f for f in findings if not (f in seen or seen.add(f))]  # type: ignore[func-returns-value]
