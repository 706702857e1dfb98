"""The ``pipeline`` command: gathers options, calls :mod:`pipeline.api`.

Library errors become messages and exit codes here, in one place; so do
SIGTERM and SIGHUP (see :mod:`pipeline.signals`): the run stops cleanly and
exits 128 + the signal's number, and Ctrl-C exits 130.
"""

from __future__ import annotations

import json
import signal
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn
from rich.table import Table

from . import api, stats
from .errors import Exit, PipelineError
from .signals import Terminated, terminating

app = typer.Typer(
    help="Vietnamese-English course pipeline: lessons -> PO catalogs -> per-language course trees.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# User text (findings, lesson names, diffs) is printed as it is: no markup,
# no emoji shortcodes (`a.md:100: warning` must not print as `a.md💯 warning`).
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False, emoji=False)
out = Console(highlight=False, soft_wrap=True, markup=False, emoji=False)

Root = Annotated[Path, typer.Option("--root", help="Project root (holds content/).", show_default=".")]
Lang = Annotated[
    list[str] | None, typer.Option("--lang", "-l", help="Target language (repeatable); default: all configured.")
]
Debug = Annotated[bool, typer.Option("--debug", help="Show tracebacks of internal errors.")]
Wait = Annotated[
    bool, typer.Option("--wait", help="If another run is writing the project, wait for it instead of exiting 2.")
]
Purge = Annotated[
    bool, typer.Option("--purge", help="Drop obsolete (#~) entries: the only way update removes a translation.")
]


class _Bar:
    """A rich progress bar on stderr, shown only on a terminal."""

    def __init__(self) -> None:
        self.bar = Progress(
            TextColumn("{task.description:>8}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=err,
            transient=True,
            disable=not err.is_terminal,
        )
        self.task: TaskID | None = None

    def start(self, total: int, label: str) -> None:
        if self.task is not None:
            self.bar.remove_task(self.task)
        self.task = self.bar.add_task(label, total=total)

    def advance(self) -> None:
        if self.task is not None:
            self.bar.advance(self.task)


T = TypeVar("T")


def _count(n: int, noun: str) -> str:
    """ "1 file", "2 files": a summary line reads as English."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _guarded(call: Callable[[], T], debug: bool) -> T:
    """Library errors become one line and exit 2, here and only here; a
    termination signal or Ctrl-C, once the run has cleaned up, 128 + its number."""
    try:
        with terminating():
            return call()
    except Terminated as exc:
        err.print(str(exc), markup=False)
        raise typer.Exit(128 + exc.signum) from None
    except KeyboardInterrupt:
        err.print("interrupted", markup=False)
        raise typer.Exit(128 + signal.SIGINT) from None
    except PipelineError as exc:
        err.print(str(exc), markup=False)
        raise typer.Exit(Exit.BAD_INPUT) from None
    except Exception as exc:
        if debug:
            raise
        err.print(f"internal error: {type(exc).__name__}: {exc} (rerun with --debug for details)", markup=False)
        raise typer.Exit(Exit.BAD_INPUT) from None


def _execute(call: Callable[[api.Progress], api.Report], debug: bool) -> None:
    bar = _Bar()

    def run() -> api.Report:
        with bar.bar:
            return call(bar)

    report = _guarded(run, debug)
    for finding in report.findings:
        err.print(str(finding), markup=False)
    out.print(report.summary(), markup=False)
    raise typer.Exit(report.exit_code)


AllowMojibake = Annotated[
    bool, typer.Option("--allow-mojibake", help="Extract lessons that look like mojibake anyway.")
]


@app.command()
def extract(
    root: Root = Path("."), allow_mojibake: AllowMojibake = False, wait: Wait = False, debug: Debug = False
) -> None:
    """Write one PO template per lesson to locales/templates/."""
    _execute(lambda bar: api.extract(root, progress=bar, allow_mojibake=allow_mojibake, wait=wait), debug)


@app.command()
def update(
    root: Root = Path("."), lang: Lang = None, purge: Purge = False, wait: Wait = False, debug: Debug = False
) -> None:
    """Merge templates into locales/<lang>/ catalogs, keeping every translation."""
    _execute(lambda bar: api.update(root, lang, purge=purge, progress=bar, wait=wait), debug)


@app.command()
def build(root: Root = Path("."), lang: Lang = None, wait: Wait = False, debug: Debug = False) -> None:
    """Write build/<lang>/ course trees from content/ and the catalogs."""
    _execute(lambda bar: api.build(root, lang, progress=bar, wait=wait), debug)


@app.command()
def rebuild(
    root: Root = Path("."),
    lang: Lang = None,
    allow_mojibake: AllowMojibake = False,
    wait: Wait = False,
    debug: Debug = False,
) -> None:
    """extract + update + build in one run."""
    _execute(lambda bar: api.rebuild(root, lang, progress=bar, allow_mojibake=allow_mojibake, wait=wait), debug)


@app.command()
def doctor(
    root: Root = Path("."),
    fix: Annotated[bool, typer.Option("--fix", help="Repair the files (atomically).")] = False,
    diff: Annotated[bool, typer.Option("--diff", help="Show a unified diff of each repair.")] = False,
    wait: Wait = False,
    debug: Debug = False,
) -> None:
    """Find (and fix) mojibake, non-NFC text, BOMs, mixed line ends, invisible characters, invalid UTF-8."""
    result = _guarded(lambda: api.doctor(root, fix, wait=wait), debug)
    if diff:
        for text in result.diffs:
            out.print(text, end="", markup=False, highlight=False)
    report = result.report
    for finding in report.findings:
        err.print(str(finding), markup=False)
    errors = sum(1 for f in report.findings if f.severity == "error")
    out.print(
        f"{_count(report.lessons, 'lesson')}; {_count(len(result.diffs), 'file')} {'fixed' if fix else 'to fix'}; "
        f"{_count(errors, 'error')}",
        markup=False,
    )
    raise typer.Exit(Exit.FAILED if errors else Exit.OK)


@app.command("pseudo")
def pseudo_command(
    root: Root = Path("."),
    lang: Annotated[str, typer.Option("--lang", "-l", help="Pseudo language code.")] = "qps",
    wait: Wait = False,
    debug: Debug = False,
) -> None:
    """Build a pseudo-localized tree (accented, longer text) in build/<lang>/."""
    _execute(lambda bar: api.pseudo(root, lang, progress=bar, wait=wait), debug)


@app.command("fmt")
def fmt_command(
    root: Root = Path("."),
    check: Annotated[bool, typer.Option("--check", help="Write nothing; fail if a lesson would change.")] = False,
    wait: Wait = False,
    debug: Debug = False,
) -> None:
    """Format source lessons with mdformat; changes beyond layout are refused."""
    _execute(lambda bar: api.fmt(root, check, wait=wait), debug)


class By(StrEnum):
    language = "language"
    module = "module"
    lesson = "lesson"


class StatsFormat(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"
    csv = "csv"


@app.command("stats")
def stats_command(
    root: Root = Path("."),
    lang: Lang = None,
    by: Annotated[By, typer.Option("--by", help="Rows per language, module or lesson.")] = By.language,
    fmt: Annotated[StatsFormat, typer.Option("--format", "-f", help="Output format.")] = StatsFormat.table,
    badge: Annotated[
        Path | None, typer.Option("--badge", help="Write a coverage badge (SVG); -<lang> is added for several.")
    ] = None,
    debug: Debug = False,
) -> None:
    """Coverage per language, module or lesson, against fresh text from content/."""

    def gather() -> tuple[list[stats.Row], api.Report, str]:
        rows, report = api.stats_rows(root, lang, by.value)
        if badge is not None:
            # the language rows are the badges' figures: no second pass when we have them
            percents = (
                {row.language: row.tally.percent() for row in rows} if by is By.language else api.badges(root, lang)
            )
            for language, percent in percents.items():
                name = badge if len(percents) == 1 else badge.with_stem(f"{badge.stem}-{language}")
                name.write_text(stats.badge(language, percent), encoding="utf-8")
        return rows, report, api.source_language(root)

    rows, report, config_source = _guarded(gather, debug)
    for finding in report.findings:
        err.print(str(finding), markup=False)
    if fmt is StatsFormat.json:
        out.print(stats.to_json(rows, config_source, by.value), end="", markup=False)
    elif fmt is StatsFormat.csv:
        out.print(stats.to_csv(rows), end="", markup=False)
    elif fmt is StatsFormat.markdown:
        out.print(stats.to_markdown(rows, config_source, by.value), end="", markup=False)
    else:
        wide = out if out.is_terminal else Console(highlight=False, width=160, markup=False, emoji=False)
        wide.print(_stats_table(rows, config_source, by.value))
    raise typer.Exit(report.exit_code)


def _stats_table(rows: list[stats.Row], source_lang: str, by: str) -> Table:
    unit = "syllables" if source_lang == "vi" else "words"
    caption = "coverage counts translated and copied units, never fuzzy or refused"
    table = Table(title="Translation coverage", caption=caption)
    table.add_column(by.capitalize())
    for name in ("Coverage", "Translated", "Copied", "Fuzzy", "Refused", "Untranslated", "Obsolete", f"Source {unit}"):
        table.add_column(name, justify="right")
    for row in rows:
        t = row.tally
        label = row.language if by == "language" else f"{row.language} · {row.lesson or row.module}"
        table.add_row(
            label,
            f"{t.percent():.1f}%",
            *(str(t.units[s]) for s in stats.STATUSES),
            str(t.obsolete),
            f"{t.words['translated'] + t.words['copied']}/{t.total_words}",
        )
    return table


class CheckFormat(StrEnum):
    text = "text"
    json = "json"
    github = "github"


@app.command("check")
def check_command(
    root: Root = Path("."),
    lang: Lang = None,
    min_coverage: Annotated[
        float | None, typer.Option("--min-coverage", help="Fail if a language is less translated (percent).")
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too.")] = False,
    fmt: Annotated[CheckFormat, typer.Option("--format", "-f", help="text, json or github annotations.")] = (
        CheckFormat.text
    ),
    debug: Debug = False,
) -> None:
    """Check catalogs, translations, links and coverage for CI; writes nothing.

    Exit 0: clean; 1: findings (errors, or warnings with --strict); 2: unusable input.
    """
    report = _guarded(lambda: api.check(root, lang, min_coverage), debug)
    findings = report.findings
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = sum(1 for f in findings if f.severity == "warning")
    failed = errors > 0 or (strict and warnings > 0)
    if fmt is CheckFormat.json:
        payload = [
            {"path": f.path, "line": f.line, "rule": f.rule, "severity": f.severity, "message": f.message}
            for f in findings
        ]
        out.print(
            json.dumps({"findings": payload, "errors": errors, "warnings": warnings}, ensure_ascii=False, indent=2),
            markup=False,
        )
    else:
        for f in findings:
            if fmt is CheckFormat.github:
                level = "error" if f.severity == "error" else "warning" if f.severity == "warning" else "notice"
                where = f"file={f.path},line={f.line}" if f.line else f"file={f.path}"
                out.print(f"::{level} {where},title={f.rule}::{_github_escape(f.message)}", markup=False)
            else:
                out.print(str(f), markup=False)
        verdict = "failed" if failed else "passed"
        err.print(f"check {verdict}: {errors} errors, {warnings} warnings", markup=False)
    raise typer.Exit(Exit.FAILED if failed else Exit.OK)


def _github_escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def main() -> None:
    app(prog_name="pipeline")


if __name__ == "__main__":  # pragma: no cover
    main()
