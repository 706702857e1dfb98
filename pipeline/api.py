"""The library's front door: extract, update, build, rebuild.

Each call reads the settings of a root, does its work lesson by lesson (a bad
lesson or catalog is reported and skipped, the others go on) and returns a
:class:`Report`: what was written, the figures, the findings and the exit code.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import state
from .config import load
from .errors import Finding, PipelineError
from .files import sweep_temp
from .lock import exclusive
from .report import Coverage, Progress, Report

if TYPE_CHECKING:
    from . import catalog, stats
    from .run import Run

# The parser, the catalogs and the checks load only when a call needs them:
# a rebuild with nothing to do needs none, and start-up is most of its time.


@contextmanager
def _writing(root: Path | str, wait: bool) -> Iterator[None]:
    """The project's lock for the body, after sweeping the temporary files
    a killed run may have left in the folders we write (only then: a walk
    of every folder would cost each no-op run)."""
    with exclusive(Path(root), wait) as killed:
        if killed:
            config = load(Path(root))
            sweep_temp([config.content, config.locales, config.build, config.root / ".pipeline-cache"])
        yield


def extract(
    root: Path | str = ".", *, progress: Progress | None = None, allow_mojibake: bool = False, wait: bool = False
) -> Report:
    """Write one template per lesson, and the shared one, under ``locales/templates/``.

    Every writing call holds the project's lock (see :mod:`pipeline.lock`):
    a second run raises, or with ``wait`` queues behind the first.
    """
    from .run import Run

    with _writing(root, wait):
        run = Run(root, progress, allow_mojibake=allow_mojibake)
        run.extract()
    return run.report


def update(
    root: Path | str = ".",
    langs: Iterable[str] | None = None,
    *,
    purge: bool = False,
    progress: Progress | None = None,
    wait: bool = False,
) -> Report:
    """Merge templates into each language's catalogs, keeping all work.

    ``purge`` drops obsolete entries: the only way a translation is removed.
    """
    from .run import Run

    with _writing(root, wait):
        run = Run(root, progress)
        run.update(run.langs(langs), purge)
    return run.report


def build(
    root: Path | str = ".",
    langs: Iterable[str] | None = None,
    *,
    progress: Progress | None = None,
    wait: bool = False,
) -> Report:
    """Write ``build/<lang>/`` trees from content and catalogs."""
    from .run import Run

    with _writing(root, wait):
        run = Run(root, progress)
        run.build(run.langs(langs))
    return run.report


def rebuild(
    root: Path | str = ".",
    langs: Iterable[str] | None = None,
    *,
    progress: Progress | None = None,
    allow_mojibake: bool = False,
    wait: bool = False,
) -> Report:
    """extract + update + build, parsing each lesson once.

    When no file changed since the last complete run, nothing is parsed:
    the run says so (see :mod:`pipeline.state`).
    """
    with _writing(root, wait):
        return _rebuild(root, langs, progress, allow_mojibake)


def _rebuild(root: Path | str, langs: Iterable[str] | None, progress: Progress | None, allow_mojibake: bool) -> Report:
    from .run import Run

    config = load(Path(root))
    folders = [config.content, config.locales, config.build]
    full = not langs and not allow_mojibake
    last = state.load(config.root) if full else None
    now = state.snapshot(config.root, folders) if full else {}
    if full and (figures := state.unchanged(last, now)) is not None:
        return _replay(figures)
    run = Run(root, progress, allow_mojibake=allow_mojibake, incremental=(last, now) if full else None)
    chosen = run.langs(langs)
    run.prepare(chosen)
    run.extract()
    run.update(chosen)
    run.build(chosen)
    # Recorded whatever the exit code: what a run could not do (an unreadable
    # lesson or catalog, a failed or refused write) has no record, or a hash
    # the file does not have, so the next run does it again; the rest need
    # not start cold, and an unchanged tree replays the same findings.
    if full and not run.dry:
        figures = _figures(run.report)
        state.save(config.root, run.records.current, figures, run.new_records.to_json())
    return run.report


def _figures(report: Report) -> dict[str, object]:
    return {
        "lessons": report.lessons,
        "entries": report.entries,
        "coverage": {lang: asdict(cov) for lang, cov in report.coverage.items()},
        "findings": [asdict(f) for f in report.findings],
    }


def _replay(figures: dict[str, object]) -> Report:
    """The report of a run with nothing to do: the last run's figures."""
    report = Report(lessons=int(figures["lessons"]), entries=int(figures["entries"]))  # type: ignore[call-overload]
    report.coverage = {lang: Coverage(**cov) for lang, cov in figures["coverage"].items()}  # type: ignore[attr-defined]
    report.findings = [Finding(**f) for f in figures["findings"]]  # type: ignore[attr-defined]
    return report


def pseudo(
    root: Path | str = ".", lang: str = "qps", *, progress: Progress | None = None, wait: bool = False
) -> Report:
    """Build ``build/<lang>/``: every unit pseudo-localized, catalogs untouched."""
    with _writing(root, wait):
        return _pseudo(root, lang, progress)


def _pseudo(root: Path | str, lang: str, progress: Progress | None) -> Report:
    from .assemble import splice
    from .formatting import repad_tables
    from .pseudo import pseudolocalize
    from .run import Run

    run = Run(root, progress)
    if lang in (run.config.source_lang, *run.config.languages):
        raise PipelineError("--lang", 0, f"{lang!r} is a real language of the project: pick a pseudo one (qps)")
    out_dir = run.config.build / lang
    keep: set[Path] = set()
    run.progress.start(len(run.lessons), "pseudo")
    for rel in run.assets:
        run.write(out_dir / rel, (run.config.content / rel).read_bytes())
        keep.add(out_dir / rel)
    for rel in run.lessons:
        run.progress.advance()
        doc = run.document(rel)
        source = run.config.content / rel
        if doc is None:
            continue
        result = splice(doc, lambda unit: pseudolocalize(unit.text, unit.spans), run.shown(source))
        run.report.findings.extend(result.findings)
        run.write(out_dir / rel, repad_tables(doc.text, result.text))
        keep.add(out_dir / rel)
    run._remove_stale(out_dir, keep, None)
    return run.report


def fmt(root: Path | str = ".", check_only: bool = False, *, wait: bool = False) -> Report:
    """Format source lessons with mdformat, refusing any change beyond layout.

    ``check_only`` writes nothing and reports each lesson that would change.
    """
    if check_only:
        return _fmt(root, True)
    with _writing(root, wait):
        return _fmt(root, False)


def _fmt(root: Path | str, check_only: bool) -> Report:
    from .formatting import format_lesson
    from .run import Run

    run = Run(root, None, dry=check_only)
    for rel in run.lessons:
        doc = run.document(rel)
        if doc is None:
            continue
        shown = run.shown(run.config.content / rel)
        formatted, problems = format_lesson(doc.text)
        if problems:
            run.report.findings.append(
                Finding(
                    shown,
                    1,
                    "fmt-refused",
                    f"not formatted: it would change more than layout ({problems[0]})",
                    "warning",
                )
            )
        elif formatted != doc.text:
            if check_only:
                run.report.findings.append(Finding(shown, 1, "fmt", "not in canonical form: run `pipeline fmt`"))
            run.write(run.config.content / rel, formatted)
    run.settle()
    return run.report


@dataclass
class Doctored:
    report: Report
    diffs: list[str]


def doctor(root: Path | str = ".", fix: bool = False, *, wait: bool = False) -> Doctored:
    """Scan lessons and catalogs for mojibake, non-NFC text, BOMs, mixed line
    ends, invisible characters and invalid UTF-8; ``fix`` repairs atomically."""
    if not fix:
        return _doctor(root, False)
    with _writing(root, wait):
        return _doctor(root, True)


def _doctor(root: Path | str, fix: bool) -> Doctored:
    import difflib

    from .run import Run
    from .text import Model, heal, hygiene, looks_damaged

    run = Run(root, None, dry=not fix, allow_mojibake=True)
    files = [run.config.content / x for x in run.lessons]
    if run.config.locales.is_dir():
        files += sorted(p for p in run.config.locales.rglob("*") if p.suffix in (".po", ".pot"))
    texts = {path: path.read_bytes() for path in files}
    clean = [data.decode("utf-8", "replace") for data in texts.values()]
    model = Model.builtin().merged(Model.learn(t for t in clean if not any(map(looks_damaged, t.split("\n")))))
    diffs: list[str] = []
    for path, data in texts.items():
        shown = run.shown(path)
        text, problems = hygiene(data)
        for problem in problems:
            fixable = problem.rule != "invalid-utf8"
            severity = "info" if fix and fixable else problem.severity
            message = (
                f"fixed: {problem.message}" if fix and fixable else f"{problem.message}: run `pipeline doctor --fix`"
            )
            run.report.findings.append(Finding(shown, problem.line, problem.rule, message, severity))
        if text is None or not problems:
            continue
        healed = heal(text, model)
        for line, readings in healed.ambiguous:
            run.report.findings.append(
                Finding(
                    shown, line, "mojibake-ambiguous", f"chose {readings[0]!r} among {readings!r}: check it", "warning"
                )
            )
        if healed.text != text:
            diffs.append(
                "".join(
                    difflib.unified_diff(
                        text.splitlines(keepends=True), healed.text.splitlines(keepends=True), shown, f"{shown} (fixed)"
                    )
                )
            )
            run.write(path, healed.text)
    run.settle()
    return Doctored(run.report, diffs)


def stats_rows(
    root: Path | str = ".", langs: Iterable[str] | None = None, by: str = "language"
) -> tuple[list[stats.Row], Report]:
    """Coverage rows against fresh units from content/ (nothing is written)."""
    from . import stats
    from .run import Run

    if by not in ("language", "module", "lesson"):
        raise PipelineError("--by", 0, f"unknown grouping {by!r}: use language, module or lesson")
    run = Run(root, None)
    return stats.rows(run.tallies(run.langs(langs)), by), run.report


def badges(root: Path | str = ".", langs: Iterable[str] | None = None) -> dict[str, float]:
    """Coverage percent per language, for badges."""
    table, _ = stats_rows(root, langs, "language")
    return {row.language: row.tally.percent() for row in table}


def source_language(root: Path | str = ".") -> str:
    return load(Path(root)).source_lang


def _glossary_misses(run: Run, lang: str, olds: dict[Path, catalog.Catalog]) -> list[Finding]:
    from . import catalog, glossary

    terms = run._glossary(lang)
    findings: list[Finding] = []
    for path, po in olds.items():
        for entry in catalog.entries(po):
            if entry.fuzzy or not entry.msgstr:
                continue
            for term in glossary.misses(terms, entry.msgid, entry.msgstr):
                findings.append(
                    Finding(
                        run.shown(path),
                        entry.line,
                        "glossary-term",
                        f"{term.term!r} should be translated as {term.translation!r} (glossary)",
                        "warning",
                    )
                )
    return findings


def glossary_misses(root: Path | str = ".", langs: Iterable[str] | None = None) -> list[Finding]:
    """Translated entries that do not use their glossary's approved term."""
    from .run import Run

    run = Run(root, None)
    findings: list[Finding] = []
    for lang in run.langs(langs):
        olds, _ = run._old_catalogs(lang)
        findings += _glossary_misses(run, lang, olds)
    return findings + run.report.findings


def check(
    root: Path | str = ".",
    langs: Iterable[str] | None = None,
    min_coverage: float | None = None,
) -> Report:
    """Everything CI should know, as findings; nothing is written.

    Stale catalogs, unreadable or inconsistent catalogs, translations that
    would be refused or are unsafe, Vietnamese left in translations, broken
    relative links in the built trees, glossary misses, source lint, and
    coverage under thresholds.
    """
    from . import catalog, checks
    from .run import Run

    run = Run(root, None, dry=True, allow_mojibake=True)
    chosen = run.langs(langs)
    run.extract()
    run.update(chosen)
    locales = run.config.locales
    stale = sorted(
        {x for x in run.report.written + run.report.removed if (run.config.root / x).is_relative_to(locales)}
    )
    findings = [
        Finding(x, 1, "catalog-stale", "catalog out of date: run `pipeline rebuild` and commit locales/") for x in stale
    ]
    findings += [f for f in run.report.findings if f.rule not in ("orphan-catalog", "renamed")]
    for lesson in run.lessons:
        doc = run.document(lesson)
        if doc is not None:
            shown = run.shown(run.config.content / lesson)
            findings += checks.source_findings(shown, doc.text, doc.units, run.config.mojibake)
    for lang in chosen:
        olds, _ = run._old_catalogs(lang)
        plural = catalog.PLURAL_FORMS.get(lang)
        for path, po in olds.items():
            shown = run.shown(path)
            findings += checks.header_findings(shown, dict(po.metadata), lang, plural)
            findings += checks.entry_findings(shown, catalog.entries(po), lang, run.config.source_lang)
        findings += _glossary_misses(run, lang, olds)
    run.report.findings = []
    run.build(chosen)
    # Refusals at build are already reported against the catalogs above.
    findings += [
        f
        for f in run.report.findings
        if f.rule not in ("protected-span", "active-content", "catalog-syntax", "catalog-duplicate")
    ]
    findings += _broken_links(run)
    findings += _coverage(run, chosen, min_coverage)
    report = Report(lessons=len(run.lessons), findings=_unique(findings))
    return report


def _broken_links(run: Run) -> list[Finding]:
    """Relative links of the lessons that resolve to no file of the course.

    Link destinations are protected, so every built tree has the links of the
    source: checking the lessons once names the file to fix.
    """
    from . import checks

    existing = set(run.lessons) | set(run.assets)
    findings: list[Finding] = []
    for rel in run.lessons:
        doc = run.document(rel)
        if doc is not None:
            findings += checks.link_findings(run.shown(run.config.content / rel), doc.text, rel, existing)
    return findings


def _coverage(run: Run, langs: list[str], floor: float | None) -> list[Finding]:
    from . import stats

    tallies = run.tallies(langs)
    findings: list[Finding] = []
    thresholds = dict(run.config.min_coverage)
    for lang in langs:
        if floor is not None:
            thresholds[lang] = max(floor, thresholds.get(lang, 0.0))
    for row in stats.rows(tallies, "language") + stats.rows(tallies, "module"):
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
                    f"translate {row.tally.units['untranslated'] + row.tally.units['fuzzy']} more units",
                )
            )
    return findings


def _unique(findings: list[Finding]) -> list[Finding]:
    seen: set[Finding] = set()
    return [f for f in findings if not (f in seen or seen.add(f))]  # type: ignore[func-returns-value]


__all__ = [
    "Coverage",
    "Doctored",
    "PipelineError",
    "Progress",
    "Report",
    "badges",
    "build",
    "check",
    "doctor",
    "extract",
    "fmt",
    "glossary_misses",
    "pseudo",
    "rebuild",
    "source_language",
    "stats_rows",
    "update",
]
