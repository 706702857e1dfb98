"""The library's front door: extract, update, build, rebuild.

Each call reads the settings of a root, does its work lesson by lesson (a bad
lesson or catalog is reported and skipped, the others go on) and returns a
:class:`Report`: what was written, the figures, the findings and the exit code.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import cache, rules
from .config import load
from .errors import Finding, PipelineError
from .files import fence, sweep_temp
from .lock import exclusive
from .report import Coverage, Progress, Report, Silent

if TYPE_CHECKING:
    from . import job, stats
    from .project import Project

_ONCE = rules.known("renamed")  # findings of what a run did, not of how the files are

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
    from .job import Steps

    with _writing(root, wait):
        return _steps(root, None, Steps(True, False, False), progress=progress, allow_mojibake=allow_mojibake)


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
    from .job import Steps

    with _writing(root, wait):
        return _steps(root, langs, Steps(False, True, False), progress=progress, purge=purge)


def build(
    root: Path | str = ".",
    langs: Iterable[str] | None = None,
    *,
    progress: Progress | None = None,
    wait: bool = False,
) -> Report:
    """Write ``build/<lang>/`` trees from content and catalogs."""
    from .job import Steps

    with _writing(root, wait):
        return _steps(root, langs, Steps(False, False, True), progress=progress)


def _steps(
    root: Path | str,
    langs: Iterable[str] | None,
    steps: job.Steps,
    *,
    progress: Progress | None = None,
    purge: bool = False,
    allow_mojibake: bool = False,
) -> Report:
    from . import engine
    from .project import Project

    project = Project(root)
    chosen = project.langs(langs) if steps.update or steps.build else []
    report, _, _ = engine.run(project, chosen, steps, purge=purge, allow_mojibake=allow_mojibake, progress=progress)
    return report


def rebuild(
    root: Path | str = ".",
    langs: Iterable[str] | None = None,
    *,
    progress: Progress | None = None,
    allow_mojibake: bool = False,
    wait: bool = False,
) -> Report:
    """extract + update + build, each lesson's work done once.

    When no file changed since the last complete run, nothing is parsed:
    the run says so (see :mod:`pipeline.cache`); otherwise only what a
    change touches is done again.
    """
    with _writing(root, wait):
        return _rebuild(root, langs, progress, allow_mojibake)


def _rebuild(root: Path | str, langs: Iterable[str] | None, progress: Progress | None, allow_mojibake: bool) -> Report:
    config = load(Path(root))
    fence(config.root, config.content)  # the snapshot reads no file a link leads out (see Project)
    if langs or allow_mojibake:  # a partial run: nothing recorded, nothing replayed
        from .job import Steps

        return _steps(root, langs, Steps(), progress=progress, allow_mojibake=allow_mojibake)
    last = cache.load(config.root)
    now = cache.snapshot(config.root, [config.content, config.locales, config.build], last.files if last else {})
    if last is not None and cache.unchanged(last, now):
        if any(last.files[rel].stat != k.stat for rel, k in now.items()):
            with contextlib.suppress(OSError):  # only a speed-up for the next run
                cache.restat(config.root, last, now)
        return _replay(last.figures)
    from . import engine
    from .job import Steps
    from .project import Project

    records = None
    if last is not None and last.files.get("pyproject.toml") == now.get("pyproject.toml"):
        records = cache.load_records(config.root, last)  # records made under other settings are no use
    project = Project(root)
    chosen = project.langs(None)
    cached = engine.Cached(now, records or cache.Records())
    report, made, files = engine.run(project, chosen, Steps(), progress=progress, cached=cached)
    # Recorded whatever the exit code: what a run could not do (an unreadable
    # lesson or catalog, a failed or refused write) has no record, or a hash
    # the file does not have, so the next run does it again; the rest need
    # not start cold, and an unchanged tree replays the same findings.
    # A migration is news once: a run with nothing to do does not say it again.
    kept = tuple(f for f in report.findings if f.rule not in _ONCE)
    figures = cache.Figures(report.lessons, report.entries, dict(report.coverage), kept)
    _save(config.root, files, figures, made, report.findings)
    return report


def _save(
    root: Path,
    files: dict[str, cache.Known],
    figures: cache.Figures,
    records: cache.Records,
    into: list[Finding],
) -> None:
    """Record a run; a cache that cannot be written is a finding, not a crash."""
    try:
        cache.save(root, files, figures, records)
        cache.prune_pending(root, {c.pending for c in records.catalogs.values()})
    except OSError as exc:
        into.append(Finding(f"{cache.FOLDER}/state.json", 0, "write-failed", f"cannot record the run: {exc}"))


def _replay(figures: cache.Figures) -> Report:
    """The report of a run with nothing to do: the last run's figures."""
    report = Report(lessons=figures.lessons, entries=figures.entries)
    report.coverage = {lang: Coverage(c.translated, c.fuzzy, c.copied, c.total) for lang, c in figures.coverage.items()}
    report.findings.extend(figures.findings)
    return report


def pseudo(
    root: Path | str = ".", lang: str = "qps", *, progress: Progress | None = None, wait: bool = False
) -> Report:
    """Build ``build/<lang>/``: every unit pseudo-localized, catalogs untouched."""
    with _writing(root, wait):
        return _pseudo(root, lang, progress or Silent())


def _pseudo(root: Path | str, lang: str, progress: Progress) -> Report:
    from . import languages
    from .assemble import splice
    from .formatting import repad_tables
    from .project import Project
    from .pseudo import pseudolocalize

    project = Project(root)
    report = Report(lessons=len(project.lessons))
    report.findings.extend(project.found)
    languages.check_form(lang, "--lang")  # it names a folder
    if lang in (project.config.source_lang, *project.config.languages):
        raise PipelineError("--lang", 0, f"{lang!r} is a real language of the project: pick a pseudo one (qps)")
    out_dir = project.config.build / lang
    keep: set[str] = set()
    progress.start(len(project.lessons), "pseudo")
    for rel in project.assets:
        _put(project, report, out_dir / rel, (project.config.content / rel).read_bytes())
        keep.add(project.shown(out_dir / rel))
    for rel in project.lessons:
        progress.advance()
        doc, problems = project.document(rel)
        report.findings.extend(problems)
        if doc is None:
            continue
        report.findings.extend(doc.findings)
        result = splice(doc, lambda unit: pseudolocalize(unit.text, unit.spans), project.shown(project.source(rel)))
        report.findings.extend(result.findings)
        _put(project, report, out_dir / rel, repad_tables(doc.text, result.text).encode("utf-8"))
        keep.add(project.shown(out_dir / rel))
    for path in project.stale(out_dir, keep, None):
        if project.remove(path) is None:
            report.removed.append(project.shown(path))
    project.prune(out_dir)
    return report


def _put(project: Project, report: Report, path: Path, data: bytes) -> None:
    """Write through the project's guard; what it did goes in the report."""
    done, problem = project.put(path, data)
    if problem is not None:
        report.findings.append(problem)
    if done is not None and done.changed:
        report.written.append(done.rel)


def fmt(root: Path | str = ".", check_only: bool = False, *, wait: bool = False) -> Report:
    """Format source lessons with mdformat, refusing any change beyond layout.

    Every unit keeps its msgid byte for byte, so no translation turns fuzzy;
    a lesson where that cannot be is left as it is (``fmt-refused``).
    ``check_only`` writes nothing and reports each lesson that would change.
    """
    if check_only:
        return _fmt(root, True)
    with _writing(root, wait):
        return _fmt(root, False)


def _fmt(root: Path | str, check_only: bool) -> Report:
    from .formatting import format_lesson
    from .project import Project

    project = Project(root, dry=check_only)
    report = Report(lessons=len(project.lessons), dry=check_only)
    report.findings.extend(project.found)
    for rel in project.lessons:
        doc, problems = project.document(rel)
        report.findings.extend(problems)
        if doc is None:
            continue
        report.findings.extend(doc.findings)
        shown = project.shown(project.source(rel))
        formatted, refused = format_lesson(doc.text, regions=project.config.boilerplate)
        if refused:
            report.findings.append(
                Finding(
                    shown,
                    1,
                    "fmt-refused",
                    f"not formatted: it would change more than layout ({refused[0]})",
                    "warning",
                )
            )
        elif formatted != doc.text:
            if check_only:
                report.findings.append(Finding(shown, 1, "fmt", "not in canonical form: run `pipeline fmt`"))
            _put(project, report, project.source(rel), formatted.encode("utf-8"))
    return report


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

    from . import rules
    from .files import read_bytes
    from .project import Project, read_failed
    from .text import Model, heal, hygiene, looks_damaged

    project = Project(root, dry=not fix)
    report = Report(lessons=len(project.lessons), dry=not fix)
    report.findings.extend(project.found)
    files = [project.source(x) for x in project.lessons]
    if project.config.locales.is_dir():
        files += sorted(p for p in project.config.locales.rglob("*") if p.suffix in (".po", ".pot"))
    texts: dict[Path, bytes] = {}
    for path in files:
        try:
            texts[path] = read_bytes(path)  # never a file a link leads out of the project
        except OSError as exc:
            report.findings.append(read_failed(project.shown(path), exc))
    clean = [data.decode("utf-8", "replace") for data in texts.values()]
    model = Model.builtin().merged(Model.learn(t for t in clean if not any(map(looks_damaged, t.split("\n")))))
    diffs: list[str] = []
    for path, data in texts.items():
        shown = project.shown(path)
        text, problems = hygiene(data)
        for problem in problems:
            fixable = problem.rule not in rules.known("invalid-utf8")
            severity = "info" if fix and fixable else problem.severity
            message = (
                f"fixed: {problem.message}" if fix and fixable else f"{problem.message}: run `pipeline doctor --fix`"
            )
            report.findings.append(Finding(shown, problem.line, problem.rule, message, severity))
        if text is None or not problems:
            continue
        healed = heal(text, model)
        for line, readings in healed.ambiguous:
            report.findings.append(
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
            _put(project, report, path, healed.text.encode("utf-8"))
    return Doctored(report, diffs)


def stats_rows(
    root: Path | str = ".", langs: Iterable[str] | None = None, by: str = "language"
) -> tuple[list[stats.Row], Report]:
    """Coverage rows against fresh units from content/ (nothing is written)."""
    from . import gate

    return gate.stats_rows(root, langs, by)


def badges(root: Path | str = ".", langs: Iterable[str] | None = None) -> dict[str, float]:
    """Coverage percent per language, for badges."""
    table, _ = stats_rows(root, langs, "language")
    return {row.language: row.tally.percent() for row in table}


def source_language(root: Path | str = ".") -> str:
    return load(Path(root)).source_lang


def glossary_misses(root: Path | str = ".", langs: Iterable[str] | None = None) -> list[Finding]:
    """Translated entries that do not use their glossary's approved term."""
    from . import gate

    return gate.glossary_misses(root, langs)


def check(
    root: Path | str = ".",
    langs: Iterable[str] | None = None,
    min_coverage: float | None = None,
) -> Report:
    """Everything CI should know, as findings; nothing is written (see :mod:`pipeline.gate`)."""
    from . import gate

    return gate.check(root, langs, min_coverage)


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
