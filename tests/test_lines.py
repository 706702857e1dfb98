"""A finding names the line at fault, not its paragraph's first line."""

from __future__ import annotations

import pytest

from pipeline.assemble import splice
from pipeline.segments import segment

PARAGRAPH = "# Bài\n\nDòng một của đoạn,\ndòng hai có `mã`,\ndòng ba có $x$ ở đây.\n"


@pytest.mark.parametrize(
    ("translation", "line", "rule"),
    [
        ("Line one,\nline two has `mã`,\nline three has x here.", 5, "protected-span"),  # $x$ lost: line 5
        ("Line one,\nline two has code,\nline three has $x$.", 4, "protected-span"),  # `mã` lost: line 4
        ("Line one `mã` $x$ and <b>bold</b>.", 3, "protected-span"),  # only an addition: the unit's first line
    ],
)
def test_a_refusal_names_the_line_of_the_lost_span(translation: str, line: int, rule: str) -> None:
    doc = segment(PARAGRAPH)
    unit = doc.units[1]
    result = splice(doc, {(None, unit.text): translation})
    assert [(f.line, f.rule) for f in result.findings] == [(line, rule)]


@pytest.mark.parametrize(
    ("lesson", "line"),
    [
        ("Dòng một,\ndòng hai,\ndòng ba giá $5.\n", 3),
        ("Giá $5,\ndòng hai.\n", 1),
        ("| a | b |\n| - | - |\n| ô | giá $5 |\n", 3),
        ("- mục một\n- mục hai\n  còn $5 nữa\n", 3),
    ],
)
def test_an_unbalanced_dollar_is_named_at_its_line(lesson: str, line: int) -> None:
    found = [f for f in segment(lesson).findings if f.rule == "unbalanced-dollar"]
    assert [f.line for f in found] == [line]
