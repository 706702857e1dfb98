"""`tools/roundtrip.py` on lessons that are not in NFC (issue 15, point 2).

Catalog msgids are NFC; a lesson typed with combining marks is not. The
round trip must look translations up by the NFC text, and compare the
pseudo build with the source in NFC (as built trees are), or it reports a
failure that is not there.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from pipeline.verify import round_trip
from tests.conftest import REPO

DATA = Path(__file__).parent / "data" / "roundtrip"
LESSONS = sorted(p.name for p in DATA.glob("*.md"))


@pytest.mark.parametrize("name", LESSONS)
def test_fixture_is_not_nfc(name: str) -> None:
    text = (DATA / name).read_bytes().decode("utf-8")
    assert not unicodedata.is_normalized("NFC", text)
    assert "\u0302" in text or "\u0301" in text  # combining circumflex, acute


@pytest.mark.parametrize("name", LESSONS)
def test_round_trip_of_a_non_nfc_lesson(tmp_path: Path, name: str) -> None:
    content = tmp_path / "content"
    content.mkdir()
    shutil.copy(DATA / name, content / name)
    kept = tmp_path / "scratch"
    result = round_trip(content, keep=kept)
    assert result.failures == {}
    assert result.identical == result.structure_ok == result.lessons == 1
    assert result.entries >= 3
    assert (kept / "content" / name).read_bytes() == (DATA / name).read_bytes()


@pytest.mark.gettext
def test_roundtrip_tool_passes(tmp_path: Path) -> None:
    shutil.copytree(DATA, tmp_path / "content")
    proc = subprocess.run(
        [sys.executable, str(REPO / "tools" / "roundtrip.py"), str(tmp_path / "content")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"identity round-trip: {len(LESSONS)}/{len(LESSONS)} lessons byte-identical" in proc.stdout
    assert f"pseudo round-trip: {len(LESSONS)}/{len(LESSONS)} lessons same structure (100.0%)" in proc.stdout
    assert proc.stdout.rstrip().endswith("round-trip: PASS")
