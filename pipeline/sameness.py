"""When two catalogs are the same: by what they say, never by their bytes.

Translators' tools write the same catalog in other layouts: GNU msgcat and
Poedit wrap at 79 columns or not at all, Weblate appends header fields,
polib wraps comments, translate-toolkit quotes differently. None of that is
a change. Two questions are asked of a catalog:

- :func:`same_structure`: does it hold the entries the lessons require (the
  template's msgids, in order, with their extracted comments and
  references)? If not, it is stale: the gate fails and ``update`` must run.
  Translations, flags and translator comments are the translators' and make
  no catalog stale; nor does a memory fill ``update`` could offer.
- :func:`same_content`: would writing the merged catalog change anything a
  tool can read? If not, the file is left as it is, layout and all, so a
  second ``update`` changes no byte.
"""

from __future__ import annotations

from collections.abc import Hashable

from .model import Catalog, Entry


def _squash(text: str | None) -> str:
    """Text as a tool that rewraps it leaves it: words in order."""
    return " ".join(text.split()) if text else ""


def _shape(entry: Entry) -> tuple[Hashable, ...]:
    return entry.msgctxt, entry.msgid, tuple(entry.occurrences)


def same_structure(template: Catalog, catalog: Catalog) -> bool:
    """``catalog`` holds the template's active entries, in order, each with
    the template's references and extracted comments (lines our tools add
    after them, glossary hints, are not the template's)."""
    want = [e for e in template if not e.obsolete]
    have = [e for e in catalog if not e.obsolete]
    if len(want) != len(have):
        return False
    for w, h in zip(want, have, strict=True):
        if _shape(w) != _shape(h) or not _squash(h.comment).startswith(_squash(w.comment)):
            return False
    return True


def _content(entry: Entry) -> tuple[Hashable, ...]:
    return (
        entry.obsolete,
        entry.msgctxt,
        entry.msgid,
        entry.msgid_plural,
        entry.msgstr,
        tuple(sorted(entry.msgstr_plural.items())),
        tuple(sorted(set(entry.flags))),
        _squash(entry.comment),
        _squash(entry.tcomment),
        tuple(entry.occurrences),
        entry.previous_msgctxt,
        entry.previous_msgid,
        entry.previous_msgid_plural,
    )


def same_content(a: Catalog, b: Catalog) -> bool:
    """Nothing a tool reads differs: the header's fields (in any order), and
    the entries (active ones in order, obsolete ones in any)."""
    if _squash(a.header) != _squash(b.header) or a.fuzzy_header != b.fuzzy_header or a.metadata != b.metadata:
        return False
    active_a = [_content(e) for e in a if not e.obsolete]
    active_b = [_content(e) for e in b if not e.obsolete]
    if active_a != active_b:
        return False
    return sorted(map(repr, (_content(e) for e in a if e.obsolete))) == sorted(
        map(repr, (_content(e) for e in b if e.obsolete))
    )
