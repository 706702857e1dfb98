"""Shared fixtures: scratch projects, the embedded course, gettext, ../shared."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import polib
import pytest

from tests import needs
from tests.needs import REPO

__all__ = ["REPO", "msgfmt_check", "msgid_line", "set_translations"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "gettext: the test runs GNU gettext's tools (msgfmt, msgcat...)")


def pytest_report_header(config: pytest.Config) -> list[str]:
    """Once, before the tests: what is missing and what to install (in CI
    the run stops at collection instead, saying it)."""
    lines: list[str] = []
    if needs.in_ci():
        return lines
    if needs.gettext_missing():
        lines.append(f"{needs.gettext_message()} (the tests that run them are skipped)")
    if not needs.CORPUS.is_dir():
        lines.append(f"{needs.corpus_message()} (the tests on it are skipped)")
    return lines


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    """In CI a missing need fails the run here, in one line, rather than
    skipping (a skipped check is a defect) or failing test by test."""
    if not needs.in_ci():
        return
    if needs.gettext_missing():
        pytest.exit(needs.gettext_message(), returncode=pytest.ExitCode.TESTS_FAILED)
    wanted = {name for item in items for name in getattr(item, "fixturenames", ())}
    if "real_course" in wanted and not needs.CORPUS.is_dir():
        pytest.exit(needs.corpus_message(), returncode=pytest.ExitCode.TESTS_FAILED)
    if "seed_lesson" in wanted and not needs.SEED.is_file():
        pytest.exit(needs.seed_message(), returncode=pytest.ExitCode.TESTS_FAILED)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> pytest.TestReport:
    """Every skip for a missing need at one place, so the summary folds
    them into one line per need (a skip in a fixture would name each test)."""
    report: pytest.TestReport = yield
    if report.skipped and isinstance(report.longrepr, tuple):
        reason = report.longrepr[2].removeprefix("Skipped: ")
        if reason in needs.messages():
            report.longrepr = (needs.__file__, needs.SKIP_LINE, reason)
    return report


@pytest.fixture(autouse=True)
def _gettext_marked(request: pytest.FixtureRequest) -> None:
    """A test marked `gettext` runs the tools itself (a tool script, say)."""
    if request.node.get_closest_marker("gettext") is not None:
        needs.need_gettext()


@pytest.fixture(scope="session")
def real_course() -> Path:
    """The real course under ../shared/corpus/course (read only)."""
    return needs.need_corpus()


@pytest.fixture(scope="session")
def seed_lesson() -> Path:
    """The damaged lesson the project started from, ../shared/seed/."""
    return needs.need_seed()


@pytest.fixture(autouse=True)
def _fixed_dates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01 00:00 UTC


@pytest.fixture
def project(tmp_path: Path) -> Callable[[dict[str, str]], Path]:
    """A scratch root whose content/ holds the given lessons."""

    def make(lessons: dict[str, str]) -> Path:
        for rel, text in lessons.items():
            path = tmp_path / "content" / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text.encode("utf-8"))
        return tmp_path

    return make


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """A copy of the embedded course (content, catalogs, settings)."""
    root = tmp_path / "course"
    root.mkdir()
    shutil.copytree(REPO / "content", root / "content")
    if (REPO / "locales").exists():
        shutil.copytree(REPO / "locales", root / "locales")
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    return root


def msgfmt_check(path: Path) -> str:
    """GNU msgfmt's verdict on a catalog: empty when it is accepted."""
    needs.need_gettext()
    proc = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True, check=False
    )
    return "" if proc.returncode == 0 else proc.stderr or f"exit {proc.returncode}"


def set_translations(root: Path, rel: str, mapping: dict[str, str]) -> None:
    """A translator's save of ``locales/en/<rel>``: msgstrs set by msgid."""
    path = root / "locales" / "en" / rel
    po = polib.pofile(str(path))
    for entry in po:
        if entry.msgid in mapping:
            entry.msgstr = mapping[entry.msgid]
    po.save()


def msgid_line(path: Path, msgid: str, msgctxt: str | None = None) -> int:
    """The line of an active entry's ``msgid`` keyword in a catalog: where
    translation findings name the entry (polib's linenum is its first line)."""
    entry = polib.pofile(str(path)).find(msgid, msgctxt=msgctxt)
    assert entry is not None, msgid
    lines = path.read_text(encoding="utf-8").split("\n")
    return next(n for n in range(entry.linenum, len(lines) + 1) if lines[n - 1].startswith('msgid "'))
