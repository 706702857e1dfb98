"""A lesson's page in a target language: translations spliced in, tables
re-padded, and a notice when it is not fully translated."""

from __future__ import annotations

from collections.abc import Callable

from .assemble import splice
from .config import Config
from .errors import Finding, at_entry
from .formatting import repad_tables
from .languages import english_name
from .segments import Document, Unit
from .text import nfc

Key = tuple[str | None, str]


Find = Callable[[Unit, Key], str | None]
# Where a unit's translation is: (catalog, line of its entry's msgid; 0 if not known).
Where = Callable[[Unit, Key], tuple[str, int] | None]


def page(
    doc: Document, shown: str, config: Config, lang: str, find: Find, where: Where | None = None
) -> tuple[str, list[Finding]]:
    """The page, with ``find(unit, key)`` its units' translations, and what
    splicing them found: a refusal is named at the catalog entry ``where``
    gives (asked only for a refused unit), with the lesson's line."""
    result = splice(doc, _lookup(find), shown)
    text = repad_tables(doc.text, result.text)
    findings = result.findings
    if where is not None:
        findings = [_at_entry(f, doc.units[i], where) for f, i in zip(findings, result.refused, strict=True)]
    return _with_notice(doc, text, result.translated, result.total, lang, config), findings


def refused(doc: Document, find: Find) -> list[Unit]:
    """The units whose translation a build of the page refuses: the build's
    own judgement (:func:`pipeline.assemble.splice`), for the figures."""
    result = splice(doc, _lookup(find))
    return [doc.units[i] for i in result.refused]


def _lookup(find: Find) -> Callable[[Unit], str | None]:
    def lookup(unit: Unit) -> str | None:
        key = (unit.context, nfc(unit.text))
        found = find(unit, key)
        # translations are used in NFC; an identity one keeps the source bytes
        return unit.text if found is not None and nfc(found) == key[1] else found and nfc(found)

    return lookup


def _at_entry(found: Finding, unit: Unit, where: Where) -> Finding:
    at = where(unit, (unit.context, nfc(unit.text)))
    return found if at is None else at_entry(found, *at)


def _with_notice(doc: Document, text: str, translated: int, total: int, lang: str, config: Config) -> str:
    """A lesson not fully translated says so at its top, and how much of it
    is; one below ``min_lesson_coverage`` is shown whole in the source
    language. The settings' notices replace ours ("" for none)."""
    percent = 100.0 * translated / total if total else 100.0
    if percent >= 100.0:
        return text
    shown = max(1, int(percent)) if translated else 0  # never "0%" for some, never "100%" for not all
    hidden = percent < config.min_lesson_coverage
    if hidden:
        text = doc.text
    notice = config.notices.get(lang, {}).get("source" if hidden or not translated else "partial")
    if notice is None:
        notice = _notice(shown, hidden, english_name(config.source_lang))
    else:
        notice = notice.replace("{percent}", str(shown))
    if not notice:
        return text
    at = doc.body_start
    if not hidden and any(u.quoting for u in doc.units):
        # A translated title changes the front matter's length, never its lines.
        at = _line_start(text, doc.text.count("\n", 0, at)) if at else 0
    newline = "\r\n" if "\r\n" in doc.text[:200] else "\n"
    return text[:at] + notice + newline + newline + text[at:]


def _line_start(text: str, line: int) -> int:
    """Offset of the start of line ``line`` (0-based) of ``text``."""
    pos = 0
    for _ in range(line):
        pos = text.find("\n", pos) + 1
        if pos == 0:
            return len(text)
    return pos


def _notice(percent: int, hidden: bool, source: str) -> str:
    """Our notice, worded for what the page holds."""
    if not percent:
        return f"> ⚠️ This lesson is not translated yet; it is shown in {source}."
    if hidden:
        return f"> ⚠️ This lesson is only {percent}% translated; it is shown in {source}."
    return f"> ⚠️ This lesson is {percent}% translated; the rest is shown in {source}."
