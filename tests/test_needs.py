"""Tests without their tools (issue 15, point 3): one line saying what to install.

Each case runs pytest in a subprocess on a tiny test file, with this
suite's conftest as a plugin, a PATH without GNU gettext's tools (or with
stand-ins) and a ../shared holding its seed only: locally the tests needing
what is missing are skipped under one summary line each; in CI the run
fails at collection, in one line, before any test runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.needs import GETTEXT_TOOLS, REPO

TINY = """
import pytest
from tests.conftest import msgfmt_check
from tests.po_tools import msgcat

def test_msgfmt(tmp_path):
    assert msgfmt_check(tmp_path / "a.po") == ""

def test_msgcat(tmp_path):
    msgcat()(tmp_path / "a.po", tmp_path / "a.pot")

@pytest.mark.gettext
def test_marked():
    pass

def test_real_course(real_course):
    assert real_course.is_dir()

def test_seed(seed_lesson):
    assert seed_lesson.is_file()

def test_plain():
    assert True
"""


def _pytest(tmp_path: Path, *, ci: bool, gettext: bool = False) -> str:
    """The tiny file's run (its exit code first), with ../shared holding its seed only."""
    (tmp_path / "test_tiny.py").write_text(TINY, encoding="utf-8")
    seed = tmp_path / "shared" / "seed" / "000_59c4ee2c49ebbc24.txt"
    seed.parent.mkdir(parents=True)
    seed.write_text("x", encoding="utf-8")
    path = tmp_path / "bin"  # nothing on PATH but, if asked, stand-ins for the tools
    path.mkdir()
    for name in GETTEXT_TOOLS if gettext else ():
        (path / name).write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
        (path / name).chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "PYTEST_ADDOPTS")}
    env.update(PATH=str(path), PYTHONPATH=str(REPO), PIPELINE_TEST_SHARED=str(tmp_path / "shared"))
    if ci:
        env["CI"] = "true"
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.conftest", "-p", "no:cacheprovider", "-ra", "test_tiny.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    return f"exit {proc.returncode}\n{proc.stdout}{proc.stderr}"


def _lines(out: str, needle: str) -> list[str]:
    return [line for line in out.splitlines() if needle in line]


def test_locally_each_missing_need_is_one_line(tmp_path: Path) -> None:
    out = _pytest(tmp_path, ci=False)
    assert out.startswith("exit 0\n"), out
    assert "Traceback" not in out and "FileNotFoundError" not in out
    assert "2 passed, 4 skipped" in out  # test_seed and test_plain run
    assert len(_lines(out, "SKIPPED")) == 2, out  # one per need, however many tests it skips
    (gettext,) = _lines(out, "SKIPPED [3]")
    assert "msgfmt, msgcat, msgmerge, msgattrib not found on PATH: apt-get install gettext" in gettext
    (corpus,) = _lines(out, "SKIPPED [1]")
    assert "the real course is not at" in corpus and "corpus/course" in corpus
    header = out.split("collected")[0]  # said once before the tests too
    assert "apt-get install gettext" in header and "corpus/course" in header


@pytest.mark.parametrize(
    ("gettext", "said"),
    [
        (False, "Exit: GNU gettext's msgfmt, msgcat, msgmerge, msgattrib not found on PATH: apt-get install gettext"),
        (True, "Exit: the real course is not at"),  # gettext there, ../shared partial
    ],
    ids=["no-gettext", "partial-shared"],
)
def test_in_ci_the_run_fails_at_collection(tmp_path: Path, gettext: bool, said: str) -> None:
    out = _pytest(tmp_path, ci=True, gettext=gettext)
    assert out.startswith("exit 1\n"), out
    assert len(_lines(out, said)) == 1, out
    assert "passed" not in out and "skipped" not in out and "Traceback" not in out


def test_with_everything_there_nothing_is_said(tmp_path: Path) -> None:
    (tmp_path / "shared" / "corpus" / "course").mkdir(parents=True)
    out = _pytest(tmp_path, ci=True, gettext=True)
    assert out.startswith("exit 0\n") and "6 passed" in out, out
    assert "apt-get" not in out and "not at" not in out
