"""Splicing translations into lessons: fixture triples md + po -> out.md."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline import catalog
from pipeline import po as po_io
from pipeline.assemble import splice
from pipeline.segments import segment
from pipeline.structure import structure_problems
from pipeline.verify import pseudo, round_trip

DATA = Path(__file__).parent / "data" / "build"
CASES = sorted(p.stem for p in DATA.glob("*.po"))


@pytest.mark.parametrize("name", CASES)
def test_splice_matches_expected(name: str) -> None:
    source = (DATA / f"{name}.md").read_bytes().decode("utf-8")
    po = po_io.loads((DATA / f"{name}.po").read_text(encoding="utf-8"), f"{name}.po")
    result = splice(segment(source, f"{name}.md"), catalog.translations(po, "en"), f"{name}.md")
    expected = (DATA / f"{name}.out.md").read_bytes().decode("utf-8")
    assert result.text == expected
    findings = DATA / f"{name}.findings"
    wanted = findings.read_text(encoding="utf-8").splitlines() if findings.exists() else []
    assert [str(f) for f in result.findings] == wanted


@pytest.mark.parametrize("name", CASES)
def test_identity_is_byte_exact(name: str) -> None:
    """Each unit translated as itself: the lesson comes back byte for byte."""
    source = (DATA / f"{name}.md").read_bytes().decode("utf-8")
    doc = segment(source, f"{name}.md")
    result = splice(doc, lambda unit: unit.text, f"{name}.md")
    assert result.text == source
    assert result.findings == []


@pytest.mark.parametrize("name", CASES)
def test_pseudo_translation_keeps_structure(name: str) -> None:
    """Each unit case-swapped (math, code, `\\$`, destinations kept): same
    Markdown structure, every prose letter swapped, nothing refused."""
    source = (DATA / f"{name}.md").read_bytes().decode("utf-8")
    doc = segment(source, f"{name}.md")
    result = splice(doc, lambda unit: pseudo(unit.text, unit.spans), f"{name}.md")
    assert result.findings == []
    assert result.translated == result.total > 0
    assert structure_problems(source, result.text) == []


def test_whole_pipeline_round_trips_the_fixtures(tmp_path: Path) -> None:
    """The same through extract, update and build, as tools/roundtrip.py does."""
    content = tmp_path / "content"
    content.mkdir()
    for name in CASES:
        shutil.copy(DATA / f"{name}.md", content / f"{name}.md")
    result = round_trip(content)
    assert result.failures == {}
    assert result.identical == result.structure_ok == result.lessons == len(CASES)


def test_cases_exist() -> None:
    assert {"layout", "tables", "fallback", "crlf", "references", "structure"} <= set(CASES)
    assert {"notebook", "front_matter", "prices"} <= set(CASES)  # issue 15: books written differently
