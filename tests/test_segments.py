"""Segmentation: which text becomes a unit, and where it lies in the source."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from pipeline.assemble import splice
from pipeline.markdown import protected_spans
from pipeline.segments import Document, segment

DATA = Path(__file__).parent / "data" / "segments"
FIXTURES = sorted(DATA.glob("*.md"))


def render_units(doc: Document) -> str:
    """A readable listing of units and findings, compared with ``.units`` files."""
    lines: list[str] = []
    for unit in doc.units:
        tags = "".join(
            [f" [context: {unit.context}]" if unit.context else "", *(f" [note: {n}]" for n in unit.notes)]
        ) + (" [shared]" if unit.shared else "")
        lines.append(f"{unit.line} {unit.element}{tags}")
        lines.extend(f"  {part}" for part in unit.text.split("\n"))
    lines.extend(f"! {finding}" for finding in doc.findings)
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_units_match_fixture(path: Path) -> None:
    doc = segment(path.read_bytes().decode("utf-8"), path.name)
    assert render_units(doc) == path.with_suffix(".units").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_unit_pieces_are_the_source_text(path: Path) -> None:
    text = path.read_bytes().decode("utf-8")
    doc = segment(text, path.name)
    for unit in doc.units:
        raw = "\n".join(text[p.start : p.end] for p in unit.pieces)
        # A front matter scalar's pieces are its YAML, quotes and escapes included.
        assert (YAML(typ="safe").load(f"k: {raw}")["k"] if unit.quoting else raw) == unit.text
        assert splice(doc, {(unit.context, unit.text): unit.text}).text == text


def test_fixtures_exist() -> None:
    assert len(FIXTURES) >= 9


def test_container_prefixes_never_in_msgids() -> None:
    doc = segment((DATA / "containers.md").read_text(encoding="utf-8"))
    for unit in doc.units:
        for line in unit.text.split("\n"):
            assert not line.startswith((">", "- ", "  ", "1. ")), unit.text


def test_crlf_units_have_no_carriage_returns() -> None:
    text = (DATA / "crlf.md").read_bytes().decode("utf-8")
    assert "\r\n" in text
    doc = segment(text)
    assert [u.text for u in doc.units] == ["Tiêu đề CRLF", "Đoạn một\ndòng hai", "Mục một"]


def test_unclosed_fence_is_reported_and_kept() -> None:
    text = (DATA / "unclosed.md").read_text(encoding="utf-8")
    doc = segment(text, "unclosed.md")
    assert [(f.line, f.rule) for f in doc.findings] == [(5, "unclosed-fence")]
    assert "Câu này bị coi là mã." not in [u.text for u in doc.units]


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("Xin $x^2$ chào", ["math"]),
        (r"Ngoặc \(a+b\) đây", ["math"]),
        ("Mã `a | b` đây", ["code"]),
        ("Xem [trang](muc/bai.md) và ![ảnh](hinh/a.svg)", ["url", "url"]),
        ('Xem [trang](https://example.org "Tiêu đề")', ["url"]),
        ("Tự động <https://example.org> và <kbd>Ctrl</kbd>", ["autolink", "html", "html"]),
        ("Ký hiệu &amp; và &eacute;", ["entity", "entity"]),
        ("Không có gì được bảo vệ", []),
    ],
)
def test_protected_spans(text: str, kinds: list[str]) -> None:
    assert [s.kind for s in protected_spans(text)] == kinds


def test_link_destination_span_is_exact() -> None:
    text = "Xem [trang](muc/bai.md)"
    [span] = protected_spans(text)
    assert text[span.start : span.end] == "muc/bai.md"


@pytest.mark.parametrize(
    "text",
    ["12345\n", "🚀 ✅\n", "$x = 1$\n", "`code`\n", "**$a$** — $b$\n", "[](muc/bai.md)\n", "| $x$ | 1 |\n|---|---|\n"],
)
def test_no_letters_no_unit(text: str) -> None:
    assert segment(text).units == []
