"""Active content a translation must not bring in: script-capable HTML,
event attributes, and javascript:/vbscript:/data: URLs.

A translation may only carry what its source carries; build refuses a
unit that adds any of these (the unit keeps its source text), and `check`
reports it against the catalog. Every pattern here is linear in its input:
no nested quantifiers, no unbounded scan that can back up over a long line.
"""

from __future__ import annotations

import re
from collections import Counter

_TAG = re.compile(r"<\s*(script|iframe|object|embed|style|frame|frameset|applet|base|meta|link|form)\b", re.I)
# Tags in full, then attributes within each; an event attribute outside a
# tag ("onion = 3") is only text.
_ANY_TAG = re.compile(r"<[A-Za-z][^<>]*>?")
_EVENT = re.compile(r"\son[a-z]+\s*=", re.I)
_SCRIPT_URL = re.compile(r"\b(javascript|vbscript)\s*:", re.I)
# data: only where a URL goes: a Markdown link or image destination, an
# autolink, or an href/src attribute ("data: the values" is prose).
_DATA_URL = re.compile(r"(?:\]\(\s*<?|<|(?:href|src|action|srcset)\s*=\s*[\"']?)\s*data\s*:", re.I)


def active_content(text: str) -> Counter[str]:
    """Each kind of active content in ``text``, counted."""
    found: Counter[str] = Counter()
    for m in _TAG.finditer(text):
        found[f"a <{m.group(1).lower()}> tag"] += 1
    for m in _ANY_TAG.finditer(text):
        found["an on...= event attribute"] += len(_EVENT.findall(m.group(0)))
    for m in _SCRIPT_URL.finditer(text):
        found[f"a {m.group(1).lower()}: URL"] += 1
    found["a data: URL"] += len(_DATA_URL.findall(text))
    return +found  # drop the zero counts


def introduced(source: str, translation: str) -> list[str]:
    """Active content the translation has and the source has not (as many times)."""
    return sorted((active_content(translation) - active_content(source)).keys())
