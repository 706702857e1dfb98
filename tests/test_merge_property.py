"""What a merge publishes for an entry depends on that entry alone.

A published translation (what build splices in: active, not fuzzy, not
empty) may come from the old catalog, the translation memory or a copy of
the source; never from which other entries the template happens to hold,
or a lesson's translation would change when an unrelated paragraph is added.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import api, catalog, job
from pipeline import po as po_io
from pipeline.memory import Memory, Record, Suggestion
from pipeline.model import Catalog, Entry

Project = Callable[[dict[str, str]], Path]
Key = tuple[str | None, str]

# Few words, so that texts are often close to each other (local and memory
# fuzzy matches), some with Vietnamese letters and some without (copies).
WORDS = ["mạng", "học", "dữ liệu", "model", "data", "fit", "x", "GitHub", "Copilot", "[học](a.md)", "1"]
text = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join)
spaced = st.tuples(text, st.booleans()).map(lambda t: t[0].replace(" ", "  ", 1) if t[1] else t[0])
context = st.sampled_from([None, None, "nav"])
translation = st.sampled_from(["", "Net", "Learning", "Data", "The model", "x"])


@st.composite
def old_entry(draw: st.DrawFn) -> Entry:
    msgid = draw(spaced)
    flags = draw(st.sampled_from([[], [], ["fuzzy"], [catalog.COPIED]]))
    entry = Entry(msgid=msgid, msgctxt=draw(context), msgstr=draw(translation), flags=list(flags))
    entry.obsolete = draw(st.booleans())
    entry.tcomment = draw(st.sampled_from(["", "checked"]))
    if flags == ["fuzzy"]:
        entry.previous_msgid = draw(text)
    if draw(st.integers(0, 5)) == 0:  # a translator's tool made it plural
        entry.msgid_plural, entry.msgstr = msgid + "s", ""
        entry.msgstr_plural = {0: draw(translation), 1: draw(translation)}
    return entry


@st.composite
def old_catalog(draw: st.DrawFn) -> Catalog | None:
    if draw(st.integers(0, 9)) == 0:
        return None
    po = Catalog(metadata={"Content-Type": "text/plain; charset=UTF-8"})
    seen: set[tuple[str | None, str, bool]] = set()
    for entry in draw(st.lists(old_entry(), max_size=12)):
        if (entry.msgctxt, entry.msgid, entry.obsolete) not in seen:  # as po.loads lets through
            seen.add((entry.msgctxt, entry.msgid, entry.obsolete))
            po.append(entry)
    return po


@st.composite
def memory(draw: st.DrawFn) -> Memory | None:
    if draw(st.booleans()):
        return None
    pairs = draw(st.lists(st.tuples(spaced, translation, st.booleans()), max_size=8))
    return Memory.build([Record(msgid, msgstr, "locales/en/other.po", obsolete) for msgid, msgstr, obsolete in pairs])


def _template(keys: list[Key]) -> Catalog:
    pot = Catalog(metadata={"X-Source-File": "a.md"})
    for msgctxt, msgid in keys:
        pot.append(Entry(msgid=msgid, msgctxt=msgctxt, occurrences=[("a.md", "")]))
    return pot


SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(
    keys=st.lists(st.tuples(context, spaced), min_size=1, max_size=10, unique=True),
    old=old_catalog(),
    tm=memory(),
    copy=st.booleans(),
    tm_threshold=st.sampled_from([60.0, 90.0]),
    fuzzy_threshold=st.sampled_from([40.0, 60.0]),
)
def test_a_published_translation_depends_on_its_own_key_only(
    keys: list[Key], old: Catalog | None, tm: Memory | None, copy: bool, tm_threshold: float, fuzzy_threshold: float
) -> None:
    config = catalog.Settings(project="p", source_lang="vi", fuzzy_threshold=fuzzy_threshold)
    helpers = catalog.Helpers(memory=tm, copy_untranslatable=copy, tm_threshold=tm_threshold)
    whole = catalog.translations(catalog.merge(_template(keys), old, "en", config, helpers), "en")
    for key in keys:
        alone = catalog.translations(catalog.merge(_template([key]), old, "en", config, helpers), "en")
        assert whole.get(key) == alone.get(key), key


CONFIG = catalog.Settings(project="p", source_lang="vi")


def test_text_without_vietnamese_is_copied_before_a_close_old_translation_is_offered() -> None:
    """The old translation of a close text would have been a fuzzy guess
    that another entry could have taken first; the copy is the same alone."""
    old = Catalog(entries=[Entry(msgid="Gọi model.fit(X, y).", msgstr="Call model.fit(X, y).")])
    helpers = catalog.Helpers(copy_untranslatable=True)
    po = catalog.merge(_template([(None, "Run model.fit(X, y).")]), old, "en", CONFIG, helpers)
    active, obsolete = [e for e in po if not e.obsolete], [e for e in po if e.obsolete]
    assert [(e.msgstr, e.flags) for e in active] == [("Run model.fit(X, y).", [catalog.COPIED])]
    # the translator's work is not lost: it waits as obsolete for its text
    assert [(e.msgid, e.msgstr) for e in obsolete] == [("Gọi model.fit(X, y).", "Call model.fit(X, y).")]
    # without copies, the close old translation is still offered as fuzzy
    po = catalog.merge(_template([(None, "Run model.fit(X, y).")]), old, "en", CONFIG, catalog.Helpers())
    (entry,) = po
    assert (entry.msgstr, entry.fuzzy, entry.previous_msgid) == ("Call model.fit(X, y).", True, "Gọi model.fit(X, y).")


def test_an_exact_memory_match_comes_before_a_copy() -> None:
    tm = Memory.build([Record("GitHub Copilot", "GitHub Copilot (AI)", "locales/en/b.po")])
    helpers = catalog.Helpers(memory=tm, copy_untranslatable=True)
    po = catalog.merge(_template([(None, "GitHub Copilot")]), None, "en", CONFIG, helpers)
    assert [(e.msgstr, e.flags) for e in po] == [("GitHub Copilot (AI)", [])]


def test_an_edit_into_english_is_copied_in_the_catalog(project: Project) -> None:
    """End to end: a Vietnamese sentence rewritten without Vietnamese letters
    is copied, and the translation of the old sentence stays obsolete."""
    root = project({"m/a.md": "# Bài học\n\nGọi model.fit(X, y).\n"})
    api.rebuild(root)
    path = root / "locales" / "en" / "m" / "a.po"
    po = polib.pofile(str(path))
    po.find("Gọi model.fit(X, y).").msgstr = "Call model.fit(X, y)."
    po.save()
    (root / "content" / "m" / "a.md").write_text("# Bài học\n\nRun model.fit(X, y).\n", encoding="utf-8")
    api.rebuild(root)
    po = polib.pofile(str(path))
    entry = po.find("Run model.fit(X, y).")
    assert entry is not None and entry.msgstr == "Run model.fit(X, y)." and entry.flags == [catalog.COPIED]
    assert [(e.msgid, e.msgstr) for e in po.obsolete_entries()] == [("Gọi model.fit(X, y).", "Call model.fit(X, y).")]
    assert "Run model.fit(X, y)." in (root / "build" / "en" / "m" / "a.md").read_text(encoding="utf-8")


class _Answers(Memory):
    """A memory that answers the given msgids as another one does, and every
    other msgid with a translation no merge could otherwise produce."""

    def __init__(self, like: Memory, same: set[str]) -> None:
        super().__init__()
        self.like, self.same = like, same

    def lookup(self, msgid: str, threshold: float) -> Suggestion | None:
        if msgid in self.same:
            return self.like.lookup(msgid, threshold)
        return Suggestion("NOT ASKED", "locales/en/elsewhere.po", 100.0)


@SETTINGS
@given(
    keys=st.lists(st.tuples(context, spaced), min_size=1, max_size=10, unique=True),
    old=old_catalog(),
    tm=memory(),
    copy=st.booleans(),
)
def test_a_merged_catalog_stands_while_the_memory_answers_its_pending_msgids_alike(
    keys: list[Key], old: Catalog | None, tm: Memory | None, copy: bool
) -> None:
    """What lets a rebuild leave a catalog alone (pipeline.plan.touched): a
    catalog merged again from itself is itself, and stays so under any
    memory that answers its pending msgids (job.pending) as the first did."""
    tm = tm or Memory()
    helpers = catalog.Helpers(tm, copy_untranslatable=copy)
    first = catalog.merge(_template(keys), old, "en", CONFIG, helpers)
    assert po_io.dumps(catalog.merge(_template(keys), first, "en", CONFIG, helpers)) == po_io.dumps(first)
    other = catalog.Helpers(_Answers(tm, set(job.pending(first))), copy_untranslatable=copy)
    assert po_io.dumps(catalog.merge(_template(keys), first, "en", CONFIG, other)) == po_io.dumps(first)
