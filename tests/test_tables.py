"""Padded tables stay lined up after translation; nothing else in them changes."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import polib
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import api
from pipeline.formatting import _aligned, repad_tables
from pipeline.markdown import normalize_newlines, parse

Project = Callable[[dict[str, str]], Path]
TABLE = """Bảng:

| Tên         | Công thức     | Ghi chú            |
| ----------- | ------------- | ------------------ |
| Bình phương | $x_1*x_1$     | `a \\| b` và a \\| b |
| Căn         | \\(\\sqrt{x}\\)  | Không âm           |
"""


def _cells(text: str) -> list[str]:
    return [t.content for t in parse(normalize_newlines(text)) if t.type == "inline"]


def test_translated_padded_table_is_repadded(project: Project) -> None:
    root = project({"a.md": TABLE})
    api.rebuild(root)
    po = polib.pofile(str(root / "locales" / "en" / "a.po"))
    mapping = {
        "Bảng:": "Table:",
        "Tên": "Name",
        "Công thức": "Formula",
        "Ghi chú": "Note",
        "Bình phương": "Square",
        "`a \\| b` và a \\| b": "`a \\| b` and a \\| b",
        "Căn": "Square root",
        "Không âm": "Never negative",
    }
    for entry in po:
        entry.msgstr = mapping[entry.msgid]
    po.save()
    api.rebuild(root)
    built = (root / "build" / "en" / "a.md").read_text(encoding="utf-8")
    assert built == (
        "Table:\n\n"
        "| Name        | Formula      | Note                |\n"
        "| ----------- | ------------ | ------------------- |\n"
        "| Square      | $x_1*x_1$    | `a \\| b` and a \\| b |\n"
        "| Square root | \\(\\sqrt{x}\\) | Never negative      |\n"
    )


def test_identity_keeps_table_bytes(project: Project) -> None:
    root = project({"a.md": TABLE})
    api.rebuild(root)
    po = polib.pofile(str(root / "locales" / "en" / "a.po"))
    for entry in po:
        entry.msgstr = entry.msgid
        entry.flags.append("ignore-same")  # the same on purpose: counted as translated
    po.save()
    api.rebuild(root)
    assert (root / "build" / "en" / "a.md").read_text(encoding="utf-8") == TABLE


def test_unpadded_table_is_left_as_translated() -> None:
    source = "| Tên | Ghi chú |\n|---|---|\n| Một | Hai |\n"
    built = "| Name | Note |\n|---|---|\n| One | Two |\n"
    assert repad_tables(source, built) == built


cell = st.one_of(
    st.sampled_from(["Một", "Hai ba", "$x_1*y_2$", "`a \\| b`", "a \\| b", "\\(\\alpha_i\\)", "**đậm**", "*x*_y_"]),
    st.text(alphabet="abcdeđêô ", min_size=1, max_size=12).map(str.strip).filter(bool),
)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 4).flatmap(lambda n: st.lists(st.lists(cell, min_size=n, max_size=n), min_size=2, max_size=5)))
def test_repadding_changes_only_spaces_and_dashes(rows: list[list[str]]) -> None:
    """The proof: math, code and `\\|` escapes come out of mdformat intact."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]

    def line(cells: list[str], pad: bool) -> str:
        return "| " + " | ".join(c.ljust(w) if pad else c for c, w in zip(cells, widths, strict=True)) + " |\n"

    delim = "| " + " | ".join("-" * max(3, w) for w in widths) + " |\n"
    source = line(rows[0], True) + delim + "".join(line(r, True) for r in rows[1:])
    translated = [[c + " dịch" for c in r] for r in rows]
    built = line(translated[0], False) + delim + "".join(line(r, False) for r in translated[1:])
    out = repad_tables(source, built)
    assert _cells(out) == _cells(built)
    assert re.sub(r"[ \-]", "", out) == re.sub(r"[ \-]", "", built)
    if out != built:
        assert _aligned(out.splitlines())
