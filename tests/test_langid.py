"""What needs no translation, judged from a unit's own text (tests/data/langid)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import langid

CASES = [
    line.split("\t")
    for line in (Path(__file__).parent / "data" / "langid" / "units.tsv").read_text(encoding="utf-8").splitlines()
    if line and not line.startswith("#")
]


@pytest.mark.parametrize(("text", "kind", "en", "fr"), CASES, ids=[c[0] for c in CASES])
def test_a_unit_is_copied_only_where_it_needs_no_translation(text: str, kind: str, en: str, fr: str) -> None:
    assert langid.vietnamese(text) == (kind == "vietnamese")
    assert langid.neutral(text) == (kind == "neutral")
    if kind != "neutral":
        assert langid.english(text) == (kind == "english")
    assert langid.copyable(text, "en") == (en == "yes")
    assert langid.copyable(text, "en_GB") == (en == "yes")
    assert langid.copyable(text, "fr") == (fr == "yes")
    assert not langid.copyable(text, "vi")  # a source is never its own copy
    assert not langid.copyable(text, "en", source_lang="fr")  # the word lists are Vietnamese's


def test_a_vietnamese_word_in_capitals_is_no_name() -> None:
    assert langid.vietnamese("BAI TAP") and not langid.neutral("BAI TAP")
