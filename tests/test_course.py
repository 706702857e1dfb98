"""The embedded course: complete English, in-sync catalogs, both round trips."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import api
from pipeline.markdown import normalize_newlines, parse
from pipeline.verify import round_trip, structure_problems
from tests.conftest import REPO, msgfmt_check

VIETNAMESE = set("àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ")
LESSONS = sorted(p.relative_to(REPO / "content").as_posix() for p in (REPO / "content").rglob("*.md"))
CATALOGS = sorted((REPO / "locales").rglob("*.po*"))


def _prose(text: str) -> list[str]:
    """Text tokens of a lesson: prose a reader sees (not code, math or HTML)."""
    found: list[str] = []
    for tok in parse(normalize_newlines(text)):
        for child in tok.children or []:
            if child.type == "text":
                found.append(child.content)
    return found


def test_course_shape() -> None:
    modules = {Path(x).parts[0] for x in LESSONS if "/" in x}
    assert len(LESSONS) >= 10 and len(modules) >= 3
    for rel in LESSONS:
        text = (REPO / "content" / rel).read_text(encoding="utf-8")
        assert "<!-- Aero-Navigation-Start -->" in text and "<!-- Aero-Footer-End -->" in text, rel


@pytest.mark.parametrize("path", CATALOGS, ids=[p.relative_to(REPO).as_posix() for p in CATALOGS])
def test_gnu_gettext_accepts_committed_catalog(path: Path) -> None:
    assert msgfmt_check(path) == ""


def test_committed_catalogs_are_in_sync(course: Path) -> None:
    before = {p: p.read_bytes() for p in (course / "locales").rglob("*") if p.is_file()}
    report = api.rebuild(course)
    after = {p: p.read_bytes() for p in (course / "locales").rglob("*") if p.is_file()}
    assert after == before, "run `pipeline rebuild` and commit locales/"
    assert report.findings == []
    assert report.coverage["en"].translated == report.coverage["en"].total == report.entries


def test_english_build_has_no_vietnamese_prose(course: Path) -> None:
    api.rebuild(course)
    for rel in LESSONS:
        built = (course / "build" / "en" / rel).read_text(encoding="utf-8")
        leftovers = [t for t in _prose(built) if VIETNAMESE & set(t.lower())]
        assert leftovers == [], rel


def test_source_build_is_the_content(course: Path) -> None:
    api.rebuild(course)
    for rel in LESSONS:
        assert (course / "build" / "vi" / rel).read_bytes() == (course / "content" / rel).read_bytes()
    assert (course / "build" / "en" / "03_mang_no_ron" / "hinh" / "neuron.svg").is_file()


def test_round_trips_on_the_course() -> None:
    result = round_trip(REPO / "content")
    assert result.lessons == len(LESSONS)
    assert result.failures == {}
    assert result.identical == result.structure_ok == len(LESSONS)


@pytest.mark.parametrize(
    ("old", "new"),
    [("# ", "## "), ("$$", "$"), ("```python", "``` python\n"), ("](", "] (")],
)
def test_structure_check_detects_damage(old: str, new: str) -> None:
    """The pseudo proof can fail: damage to any construct is seen."""
    source = (REPO / "content" / "02_xac_suat_thong_ke" / "bai_04_dinh_ly_bayes.md").read_text(encoding="utf-8")
    assert old in source
    assert structure_problems(source, source.replace(old, new, 1), swapped=False) != []
    assert structure_problems(source, source, swapped=False) == []
    assert structure_problems(source, source) != []  # prose left unswapped is seen
