"""Property tests over generated lessons mixing every construct we handle."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.assemble import splice
from pipeline.markdown import normalize_newlines, parse
from pipeline.segments import block_shape, segment
from pipeline.verify import pseudo, structure_problems

WORDS = ["xin", "chào", "Học", "máy", "dữ", "liệu", "Đúng", "ngôn", "ngữ", "mô", "hình", "GPT", "token", "ước", "lượng"]
word = st.sampled_from(WORDS)
inline_piece = st.one_of(
    word,
    word,
    word,
    st.sampled_from(
        ["$x^2$", "$|z|$", "$\\alpha_i$", "\\(a+b\\)", "$$E=mc^2$$", "`len(x)`", "`a|b`", "&amp;", "🚀", "42"]
    ),
    st.builds(lambda w, u: f"[{w}]({u})", word, st.sampled_from(["bai.md", "../index.md", "https://example.org"])),
    st.builds(lambda w: f"**{w}**", word),
    st.builds(lambda w: f"*{w}*", word),
    st.builds(lambda w: f"![{w}](hinh/a.svg)", word),
    st.builds(lambda w: f"<kbd>{w}</kbd>", word),
    st.sampled_from(["<https://example.org/Trang>", "[xem][ref]", "chú thích[^1]"]),
)
line = st.lists(inline_piece, min_size=1, max_size=6).map(" ".join)
para = st.lists(line, min_size=1, max_size=3).map("\n".join)


def _indent(text: str, prefix: str, first: str | None = None) -> str:
    lines = text.split("\n")
    head = first if first is not None else prefix
    return "\n".join([head + lines[0]] + [(prefix + ln) if ln else ln for ln in lines[1:]])


math_block = st.sampled_from(
    ["$$\nx = 1\n$$", "$$ a + b $$", "\\[\n\\int_0^1 x\\,dx\n\\]", "$$\n\\begin{aligned}\na &= b\n\\end{aligned}\n$$"]
)
heading = st.builds(
    lambda n, t, close: "#" * n + " " + t + (" " + "#" * n if close else ""),
    st.integers(1, 6),
    line,
    st.booleans(),
)
cell = st.one_of(
    word,
    st.sampled_from(["", "$x^2$", "$|x|$ và $y$", "`a \\| b`", "a \\| b", "42"]),
    line.map(lambda s: s.replace("|", "")),
)


@st.composite
def table(draw: st.DrawFn) -> str:
    cols = draw(st.integers(1, 4))
    rows = draw(st.integers(0, 3))
    pad = draw(st.booleans())

    def row(cells: list[str]) -> str:
        return "| " + " | ".join(c.ljust(12) if pad else c for c in cells) + " |"

    header = [draw(word) for _ in range(cols)]
    body = [row([draw(cell) for _ in range(cols)]) for _ in range(rows)]
    return "\n".join([row(header), "|" + "|".join(["---"] * cols) + "|", *body])


@st.composite
def list_block(draw: st.DrawFn, depth: int = 0) -> str:
    ordered = draw(st.booleans())
    items = []
    for i in range(draw(st.integers(1, 3))):
        marker = f"{i + 1}. " if ordered else "- "
        body = draw(para)
        if draw(st.booleans()):
            body += "\n" + draw(math_block)
        if depth < 2 and draw(st.integers(0, 3)) == 0:
            body += "\n" + draw(list_block(depth + 1))  # type: ignore[call-arg]
        items.append(_indent(body, " " * len(marker), marker))
    return "\n".join(items)


@st.composite
def quote(draw: st.DrawFn) -> str:
    inner = draw(st.lists(st.one_of(para, list_block()), min_size=1, max_size=2))
    return _indent("\n\n".join(inner), "> ").replace("\n\n", "\n>\n")


fence = st.builds(lambda w: f"```python\n# {w}\nprint('{w}')\n```", word)
other = st.sampled_from(
    [
        "---",
        "<!-- ghi chú -->",
        "<div>\nkhối HTML\n</div>",
        "[ref]: https://example.org\n\n[^1]: Ghi chú.",
        "    mã thụt lề",
    ]
)
block = st.one_of(para, para, heading, table(), list_block(), quote(), fence, math_block, other)


@st.composite
def lesson(draw: st.DrawFn) -> str:
    blocks = draw(st.lists(block, min_size=1, max_size=8))
    if draw(st.booleans()):
        blocks.insert(0, "---\ntitle: bài\n---")
    if draw(st.integers(0, 5)) == 0:
        blocks.append("```\nmã không đóng")
    seps = [draw(st.sampled_from(["\n\n", "\n\n", "\n"])) for _ in blocks]
    text = "".join(b + s for b, s in zip(blocks, seps, strict=True))
    if draw(st.booleans()):
        text = text.rstrip("\n")
    if draw(st.integers(0, 3)) == 0:
        text = text.replace("\n", "\r\n")
    return text


SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(lesson())
def test_identity_translation_rebuilds_bytes(text: str) -> None:
    doc = segment(text)
    assert splice(doc, {(u.context, u.text): u.text for u in doc.units}).text == text


@SETTINGS
@given(lesson())
def test_pseudo_translation_keeps_structure(text: str) -> None:
    doc = segment(text)
    result = splice(doc, {(u.context, u.text): pseudo(u.text, u.spans) for u in doc.units})
    assert result.findings == []
    assert structure_problems(text, result.text) == []


def _blocks(text: str) -> list[str]:
    return [t.type for t in parse(normalize_newlines(text))]


@SETTINGS
@given(lesson())
def test_longer_translations_keep_block_structure(text: str) -> None:
    """A translator who wraps a unit over more lines breaks nothing."""
    doc = segment(text)
    result = splice(doc, {(u.context, u.text): u.text + "\nthêm một dòng dịch" for u in doc.units})
    assert _blocks(result.text) == _blocks(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300))
def test_any_text_segments_and_round_trips(text: str) -> None:
    doc = segment(text)
    assert splice(doc, {(u.context, u.text): u.text for u in doc.units}).text == text


HOSTILE = ["# tiêu đề", "- mục", "1. mục", "> trích", "```", "$$", "---", "===", "| a | b |", "<div>", "", "\\["]


@SETTINGS
@given(lesson(), st.data())
def test_hostile_translations_never_reshape_a_lesson(text: str, data: st.DataObject) -> None:
    """Whatever a translator types, the lesson keeps its block structure."""
    doc = segment(text)
    table = {}
    for unit in doc.units:
        extra = data.draw(st.lists(st.sampled_from(HOSTILE), max_size=2))
        table[(unit.context, unit.text)] = "\n".join([pseudo(unit.text, unit.spans), *extra])
    result = splice(doc, table)
    assert block_shape(result.text) == block_shape(text)
    assert result.translated + len(result.findings) == len(doc.units)
