"""Fuzzing, bounded: hostile lessons, catalogs, file names and settings
through rebuild, an identity build and hostile catalogs.

The long run is ``python tools/fuzz.py --minutes 10``; both draw from
``tests/fuzz_strategies.py``, whose docstring lists the properties checked.
Every failure a run finds is kept as a fixture: in ``tests/data/fuzz/``
(run here) once it passes, in ``tests/data/fuzz/open/`` while its bug is open.
"""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import api
from pipeline.report import Report
from tests import fuzz_strategies as fs

FIXTURES = Path(__file__).parent / "data" / "fuzz"
CASES = fs.fixtures(FIXTURES)
HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much, HealthCheck.large_base_example]


def fuzz(examples: int) -> settings:
    """Bounded: the three properties below take about 20 s together."""
    return settings(max_examples=examples, deadline=None, suppress_health_check=HEALTH)


def _check(proj: fs.Project, msgfmt: int, rng: random.Random) -> fs.Outcome:
    with tempfile.TemporaryDirectory(prefix="pipeline-fuzz-") as scratch:
        return fs.check_project(Path(scratch), proj, msgfmt=msgfmt, rng=rng)


@fuzz(120)
@given(fs.project(), st.randoms(use_true_random=False))
def test_hostile_projects(proj: fs.Project, rng: random.Random) -> None:
    """Hostile names, lessons, settings, links and catalogs: no crash, no
    write outside build/ and locales/, identity round-trip, readable catalogs."""
    _check(proj, 1, rng)


@fuzz(100)
@given(fs.lesson_bytes(), st.randoms(use_true_random=False))
def test_hostile_lesson_round_trips(data: bytes, rng: random.Random) -> None:
    """One hostile lesson, plainly named: it comes back byte for byte unless
    the pipeline says why not."""
    proj = fs.without_known_bugs(fs.Project({fs.FIXTURE_LESSON: data}))
    outcome = _check(proj, 1, rng)
    assert outcome.error is None, outcome.error
    decodes = _decodes(proj.lessons[fs.FIXTURE_LESSON])
    # A lesson that is valid UTF-8 and not mojibake is always proven identical.
    flagged = any(f.rule in ("mojibake", "encoding") for r in outcome.reports for f in r.findings)
    assert outcome.identical == 1 or not decodes or flagged, [str(f) for r in outcome.reports for f in r.findings]


def _decodes(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@fuzz(80)
@given(fs.hostile_catalog_project(), st.randoms(use_true_random=False))
def test_hostile_catalogs(proj: fs.Project, rng: random.Random) -> None:
    """Whatever a translator saved: no crash, no escape, the run goes on (a bad
    catalog is reported and skipped), unreadable catalogs are kept as they are."""
    outcome = _check(proj, 2, rng)
    assert outcome.error is None, outcome.error


@pytest.mark.parametrize("path", CASES, ids=[p.name for p in CASES])
def test_fixture(path: Path) -> None:
    """Each failure fuzzing ever found, through every check (msgfmt on all catalogs)."""
    _check(fs.load_fixture(path), -1, random.Random(0))


def test_fixtures_exist() -> None:
    assert CASES, f"no regression fixture in {FIXTURES}"


# -- the checks themselves can fail ----------------------------------------------

LESSON = fs.Project({"bai.md": "# Tiêu đề\n\nHọc máy.\n".encode()})


def _broken_after(monkeypatch: pytest.MonkeyPatch, door: str, harm: object) -> None:
    real = getattr(api, door)

    def wrapped(root: Path, *args: object, **kwargs: object) -> Report:
        report = real(root, *args, **kwargs)
        harm(Path(root))  # type: ignore[operator]
        return report

    monkeypatch.setattr(api, door, wrapped)


def test_a_write_beside_the_root_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    _broken_after(monkeypatch, "rebuild", lambda root: (root.parent / "sentinel" / "x").write_text("x"))
    with pytest.raises(AssertionError, match="outside"):
        _check(LESSON, 0, random.Random(0))


def test_a_write_into_content_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    _broken_after(monkeypatch, "build", lambda root: (root / "content" / "bai.md").write_text("x"))
    with pytest.raises(AssertionError, match="outside"):
        _check(LESSON, 0, random.Random(0))


def test_an_identity_mismatch_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    def harm(root: Path) -> None:
        out = root / "build" / "en" / "bai.md"
        out.write_bytes(out.read_bytes() + b"\n")

    _broken_after(monkeypatch, "build", harm)
    with pytest.raises(AssertionError, match="byte for byte"):
        _check(LESSON, 0, random.Random(0))


@pytest.mark.parametrize(
    ("planted", "caught", "msgfmt"),
    [
        ('\nmsgid "không đóng\n', "cannot read back", 0),  # an unterminated string
        ('\nmsgid "a\\n"\nmsgstr "b"\n', "msgfmt", -1),  # both must end in \n, says msgfmt
    ],
    ids=["unreadable", "msgfmt-rejects"],
)
def test_a_bad_catalog_is_caught(monkeypatch: pytest.MonkeyPatch, planted: str, caught: str, msgfmt: int) -> None:
    def harm(root: Path) -> None:
        with (root / "locales" / "en" / "bai.po").open("a", encoding="utf-8") as po:
            po.write(planted)

    _broken_after(monkeypatch, "rebuild", harm)
    with pytest.raises(AssertionError, match=caught):
        _check(LESSON, msgfmt, random.Random(0))


def test_a_crash_escapes(monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(root: Path) -> None:
        raise KeyError("boom")

    _broken_after(monkeypatch, "rebuild", crash)
    with pytest.raises(KeyError):
        _check(LESSON, 0, random.Random(0))


def test_an_overwritten_unreadable_catalog_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    proj = fs.Project(dict(LESSON.lessons), {"bai.md": 'msgid "không đóng\n'})

    def harm(root: Path) -> None:
        po = root / "locales" / "en" / "bai.po"
        if "không đóng" in po.read_text(encoding="utf-8"):  # ours, unreadable: the pipeline must keep it
            po.write_text("", encoding="utf-8")

    _broken_after(monkeypatch, "build", harm)
    with pytest.raises(AssertionError, match="overwritten"):
        _check(proj, 0, random.Random(0))
