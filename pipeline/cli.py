"""The ``pipeline`` command: gathers options, calls :mod:`pipeline.api`.

Library errors become messages and exit codes here, in one place.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from . import api
from .errors import Exit, PipelineError

app = typer.Typer(
    help="Vietnamese-English course pipeline: lessons -> PO catalogs -> per-language course trees.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)

Root = Annotated[Path, typer.Option("--root", help="Project root (holds content/).", show_default=".")]
Lang = Annotated[
    list[str] | None, typer.Option("--lang", "-l", help="Target language (repeatable); default: all configured.")
]
Debug = Annotated[bool, typer.Option("--debug", help="Show tracebacks of internal errors.")]
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
        self.task: int | None = None

    def start(self, total: int, label: str) -> None:
        if self.task is not None:
            self.bar.remove_task(self.task)
        self.task = self.bar.add_task(label, total=total)

    def advance(self) -> None:
        if self.task is not None:
            self.bar.advance(self.task)


def _execute(call: Callable[[api.Progress], api.Report], debug: bool) -> None:
    bar = _Bar()
    try:
        with bar.bar:
            report = call(bar)
    except PipelineError as exc:
        err.print(str(exc), markup=False)
        raise typer.Exit(Exit.BAD_INPUT) from None
    except Exception as exc:
        if debug:
            raise
        err.print(f"internal error: {type(exc).__name__}: {exc} (rerun with --debug for details)", markup=False)
        raise typer.Exit(Exit.BAD_INPUT) from None
    for finding in report.findings:
        err.print(str(finding), markup=False)
    out.print(report.summary(), markup=False)
    raise typer.Exit(report.exit_code)


@app.command()
def extract(root: Root = Path("."), debug: Debug = False) -> None:
    """Write one PO template per lesson to locales/templates/."""
    _execute(lambda bar: api.extract(root, progress=bar), debug)


@app.command()
def update(root: Root = Path("."), lang: Lang = None, purge: Purge = False, debug: Debug = False) -> None:
    """Merge templates into locales/<lang>/ catalogs, keeping every translation."""
    _execute(lambda bar: api.update(root, lang, purge=purge, progress=bar), debug)


@app.command()
def build(root: Root = Path("."), lang: Lang = None, debug: Debug = False) -> None:
    """Write build/<lang>/ course trees from content/ and the catalogs."""
    _execute(lambda bar: api.build(root, lang, progress=bar), debug)


@app.command()
def rebuild(root: Root = Path("."), lang: Lang = None, debug: Debug = False) -> None:
    """extract + update + build in one run."""
    _execute(lambda bar: api.rebuild(root, lang, progress=bar), debug)


def main() -> None:
    app(prog_name="pipeline")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
