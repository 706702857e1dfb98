"""Splicing translations into lessons: fixture triples md + po -> out.md."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import catalog
from pipeline import po as po_io
from pipeline.assemble import splice
from pipeline.segments import segment

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


def test_cases_exist() -> None:
    assert {"layout", "tables", "fallback", "crlf", "references", "structure"} <= set(CASES)
