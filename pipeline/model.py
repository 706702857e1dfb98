"""The catalog model: plain data that the merge policy works on.

Our own classes rather than polib's, so that the policy (catalog.py) and the
file format (po.py) meet only here: po.py converts, catalog.py decides.
Fields keep the names and defaults of gettext's (and polib's) entries.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

FUZZY = "fuzzy"


@dataclass(slots=True)
class Entry:
    """One message: a template's unit, or a catalog's translation of it."""

    msgid: str
    msgstr: str = ""
    msgctxt: str | None = None
    msgid_plural: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    comment: str = ""  # extracted comments (#.), one line each
    tcomment: str = ""  # the translator's comments (#)
    occurrences: list[tuple[str, str]] = field(default_factory=list)  # (file, line or "")
    previous_msgid: str | None = None  # #| msgid: the text a fuzzy translation was made for
    previous_msgctxt: str | None = None
    previous_msgid_plural: str | None = None
    obsolete: bool = False  # #~: work that no unit has a place for now
    linenum: int = 0  # where it was read from (0: made, not read)

    @property
    def fuzzy(self) -> bool:
        return FUZZY in self.flags

    @property
    def key(self) -> tuple[str | None, str]:
        """What a catalog knows an entry by: (context, msgid)."""
        return self.msgctxt, self.msgid


@dataclass(slots=True)
class Catalog:
    """A template or a catalog: header comment, metadata, entries in file order."""

    header: str = ""
    metadata: dict[str, str] = field(default_factory=dict)
    entries: list[Entry] = field(default_factory=list)
    fuzzy_header: bool = False  # the header entry is flagged fuzzy

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def append(self, entry: Entry) -> None:
        self.entries.append(entry)
