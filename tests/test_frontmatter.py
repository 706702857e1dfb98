"""Front matter: `title:` and `description:` are units; a translation spliced
into YAML reads back as exactly itself and never breaks out of its scalar."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polib
import pytest
from hypothesis import given
from hypothesis import strategies as st
from ruamel.yaml import YAML

from pipeline import api
from pipeline.assemble import splice
from pipeline.frontmatter import encode
from pipeline.segments import segment

DATA = Path(__file__).parent / "data" / "segments"
LESSON = (DATA / "front_matter.md").read_text(encoding="utf-8")
Project = Callable[[dict[str, str]], Path]


def _front(text: str) -> dict[str, object]:
    body = text.split("---\n")[1]
    loaded: dict[str, object] = YAML(typ="safe").load(body)
    return loaded


HOSTILE = [
    'A: "b" # c',
    "---\nlayout: evil",
    "'quoted' and \"double\"",
    "*alias",
    "&anchor value",
    "!!python/object:os.system",
    "- a list?",
    "[flow, seq]",
    "{a: b}",
    "yes",
    "null",
    "3.14",
    "tab\there",
    "back\\slash",
    "trailing colon:",
    "# a comment",
    "%TAG",
    "@reserved",
    "`tick`",
    "line\u2028separator",
    "bell\x07char",
    "ends with space ",
]


@pytest.mark.parametrize("style", ["plain", "single", "double"])
@pytest.mark.parametrize("text", HOSTILE)
def test_a_hostile_translation_reads_back_as_itself(text: str, style: str) -> None:
    expected = " ".join(line.strip() for line in text.split("\n"))  # a title is one line
    loaded = YAML(typ="safe").load(f"title: {encode(text, style)}\nlayout: post\n")
    assert loaded == {"title": expected, "layout": "post"}


@given(st.text(min_size=1), st.sampled_from(["plain", "single", "double"]))
def test_any_translation_reads_back_as_itself(text: str, style: str) -> None:
    expected = " ".join(line.strip() for line in text.split("\n"))
    loaded = YAML(typ="safe").load(f"title: {encode(text, style)}\nlayout: post\n")
    assert loaded == {"title": expected, "layout": "post"}


def test_splicing_changes_only_the_translated_values() -> None:
    doc = segment(LESSON)
    translations = {
        "Giới thiệu về hồi quy tuyến tính": "Linear regression: an introduction",  # ": " needs quotes
        'Bài học "nhập môn" về mô hình $y = ax + b$': "An introductory lesson on the model $y = ax + b$",
    }
    result = splice(doc, lambda u: translations.get(u.text))
    assert result.findings == []
    before, after = _front(LESSON), _front(result.text)
    assert after["title"] == "Linear regression: an introduction"
    assert after["description"] == "An introductory lesson on the model $y = ax + b$"
    assert {k: v for k, v in after.items() if k not in ("title", "description")} == {
        k: v for k, v in before.items() if k not in ("title", "description")
    }
    assert result.text.count("\n") == LESSON.count("\n")
    # Every line but the two translated ones is the source's, byte for byte.
    changed = [i for i, (a, b) in enumerate(zip(LESSON.split("\n"), result.text.split("\n"), strict=True)) if a != b]
    assert changed == [1, 2]


def test_a_translation_that_loses_math_is_refused() -> None:
    doc = segment(LESSON)
    result = splice(doc, lambda u: "No formula here" if u.element == "front matter description" else None)
    assert [f.rule for f in result.findings] == ["protected-span"]
    assert result.text == LESSON


def test_a_built_page_carries_the_translated_title(project: Project) -> None:
    root = project({"m/a.md": LESSON})
    api.rebuild(root)
    path = root / "locales" / "en" / "m" / "a.po"
    po = polib.pofile(str(path))
    entry = po.find("Giới thiệu về hồi quy tuyến tính")
    assert entry is not None and "front matter title" in entry.comment
    entry.msgstr = 'Linear regression: "an introduction"'
    po.save()
    api.build(root)
    built = (root / "build" / "en" / "m" / "a.md").read_text(encoding="utf-8")
    assert _front(built)["title"] == 'Linear regression: "an introduction"'
    fence = LESSON.split("\n").index("---", 1)
    assert built.split("\n")[2 : fence + 1] == LESSON.split("\n")[2 : fence + 1]  # the rest of the front matter
    assert built.endswith(LESSON.split("---\n", 2)[2])  # the body, below the notice
