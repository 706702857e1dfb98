"""`pipeline pseudo`: every unit accented and longer, every protected span intact."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.markdown import normalize_newlines, parse
from pipeline.segments import block_shape
from pipeline.structure import VERBATIM
from tests.conftest import REPO

runner = CliRunner()


def _protected(text: str) -> list[str]:
    """Math, code, HTML and link targets of a lesson, in order."""
    found = []
    for tok in parse(normalize_newlines(text)):
        for t in [tok, *(tok.children or [])]:
            if t.type in VERBATIM:
                found.append(f"{t.type}:{t.content}")
            elif t.type in ("link_open", "image"):
                found.append(f"{t.type}:{t.attrGet('href') or t.attrGet('src')}")
    return found


def test_pseudo_tree_of_the_embedded_course(course: Path) -> None:
    before = {p: p.read_bytes() for p in (course / "locales").rglob("*") if p.is_file()}
    result = runner.invoke(app, ["pseudo", "--root", str(course)])
    assert result.exit_code == 0, result.stderr
    assert {p: p.read_bytes() for p in (course / "locales").rglob("*") if p.is_file()} == before
    lessons = sorted((REPO / "content").rglob("*.md"))
    for source_path in lessons:
        rel = source_path.relative_to(REPO / "content")
        source = source_path.read_text(encoding="utf-8")
        built = (course / "build" / "qps" / rel).read_text(encoding="utf-8")
        assert block_shape(built) == block_shape(source), rel
        assert _protected(built) == _protected(source), rel
        assert built.count("⟦") >= 5 and len(built) > len(source) * 1.1
    assert (course / "build" / "qps" / "03_mang_no_ron" / "hinh" / "neuron.svg").is_file()


def test_pseudo_refuses_a_real_language(course: Path) -> None:
    result = runner.invoke(app, ["pseudo", "--root", str(course), "--lang", "en"])
    assert result.exit_code == 2
    assert "'en' is a real language of the project" in result.stderr
