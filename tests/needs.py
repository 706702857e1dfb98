"""What some tests need beyond Python: GNU gettext's tools and ../shared.

Looked for once. Locally, a test whose need is missing is skipped, always
from the one line in :func:`_unavailable`, so pytest's summary folds every
such skip into one line saying what to install. In CI (``CI=true``) a
skipped check is a defect: conftest stops the run at collection instead.
"""

from __future__ import annotations

import os
import shutil
from functools import cache
from pathlib import Path
from typing import NoReturn

import pytest

REPO = Path(__file__).resolve().parent.parent
GETTEXT_TOOLS = ("msgfmt", "msgcat", "msgmerge", "msgattrib")
# ../shared beside the clone, as CI has it (the variable: for tests of this module).
SHARED = Path(os.environ.get("PIPELINE_TEST_SHARED") or REPO.parent / "shared")
CORPUS = SHARED / "corpus" / "course"
SEED = SHARED / "seed" / "000_59c4ee2c49ebbc24.txt"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


@cache
def gettext_missing() -> tuple[str, ...]:
    """The GNU gettext tools not on PATH."""
    return tuple(tool for tool in GETTEXT_TOOLS if shutil.which(tool) is None)


def gettext_message() -> str:
    return f"GNU gettext's {', '.join(gettext_missing())} not found on PATH: apt-get install gettext"


def corpus_message() -> str:
    return f"the real course is not at {CORPUS} (clone the shared data beside the repository, as CI has it)"


def seed_message() -> str:
    return f"the seed lesson is not at {SEED} (clone the shared data beside the repository, as CI has it)"


def _unavailable(message: str) -> NoReturn:
    if in_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)  # one line for every skip of the same need


SKIP_LINE = _unavailable.__code__.co_firstlineno  # where conftest reports every such skip


def messages() -> set[str]:
    return {gettext_message(), corpus_message(), seed_message()}


def need_gettext() -> None:
    """Skip (fail in CI) a test about to run a GNU gettext tool that is missing."""
    if gettext_missing():
        _unavailable(gettext_message())


def need_corpus() -> Path:
    if not CORPUS.is_dir():
        _unavailable(corpus_message())
    return CORPUS


def need_seed() -> Path:
    if not SEED.is_file():
        _unavailable(seed_message())
    return SEED
