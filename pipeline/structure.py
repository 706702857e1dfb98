"""Do two lessons parse to the same Markdown? The check behind every proof.

Same token types and tags in the same order; verbatim tokens (code, math,
HTML, front matter but its titles) and link targets identical; text equal, or equal with
the case of each letter swapped (for pseudo-translations).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from markdown_it.token import Token

from .frontmatter import masked
from .markdown import normalize_newlines, parse

# Tokens whose content is not prose: it must come out byte-identical.
VERBATIM = {
    "fence",
    "code_block",
    "code_inline",
    "html_block",
    "html_inline",
    "math_block",
    "math_block_label",
    "math_block_eqno",
    "math_inline",
    "math_inline_double",
    "amsmath",
    "front_matter",
}


def swap_char(ch: str) -> str:
    swapped = ch.swapcase()
    return swapped if len(swapped) == 1 else ch


def _flatten(tokens: list[Token]) -> Iterator[Token]:
    for tok in tokens:
        yield tok
        if tok.children:
            yield from _flatten(tok.children)


def structure_problems(source: str, built: str, swapped: bool = True) -> list[str]:
    """Differences between a lesson and its pseudo-translated build.

    Same token types and tags in the same order; verbatim tokens and link targets
    identical; every text token equal to the source's with letters swapped.
    """
    a = list(_flatten(parse(normalize_newlines(source))))
    b = list(_flatten(parse(normalize_newlines(built))))
    problems: list[str] = []
    if [(t.type, t.tag) for t in a] != [(t.type, t.tag) for t in b]:
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            if (x.type, x.tag) != (y.type, y.tag):
                line = x.map[0] + 1 if x.map else "?"
                problems.append(f"token {i}: {x.type} {x.tag} became {y.type} {y.tag} (near source line {line})")
                break
        else:
            problems.append(f"token count {len(a)} became {len(b)}")
        return problems
    expect: Callable[[str], str] = (lambda s: "".join(map(swap_char, s))) if swapped else (lambda s: s)
    autolink = False
    for x, y in zip(a, b, strict=True):
        if autolink and x.type == "text" and x.content != y.content:
            problems.append(f"autolink changed: {x.content[:60]!r} -> {y.content[:60]!r}")
        elif autolink and x.type == "text":
            pass
        elif x.type == "front_matter" and x.content != y.content:
            (shape_x, values_x), (shape_y, values_y) = masked(x.content), masked(y.content)
            if shape_x != shape_y or values_y != [expect(v) for v in values_x]:
                problems.append(f"front_matter changed: {x.content[:60]!r} -> {y.content[:60]!r}")
        elif x.type in VERBATIM and x.content != y.content:
            problems.append(f"{x.type} changed: {x.content[:60]!r} -> {y.content[:60]!r}")
        elif x.type in ("link_open", "image") and x.attrGet("href") != y.attrGet("href"):
            problems.append(f"link destination changed: {x.attrGet('href')!r} -> {y.attrGet('href')!r}")
        elif x.type == "image" and x.attrGet("src") != y.attrGet("src"):
            problems.append(f"image source changed: {x.attrGet('src')!r} -> {y.attrGet('src')!r}")
        elif x.type == "text" and y.content != expect(x.content):
            problems.append(f"text not translated as expected: {x.content[:60]!r} -> {y.content[:60]!r}")
        autolink = x.type == "link_open" and x.markup == "autolink"
    return problems
