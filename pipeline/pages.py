"""A lesson's page in a target language: translations spliced in, tables
re-padded, and a notice when it is not fully translated."""

from __future__ import annotations

from collections.abc import Callable

from .assemble import splice
from .config import Config
from .errors import Finding
from .formatting import repad_tables
from .languages import english_name
from .segments import Document, Unit
from .text import nfc

Key = tuple[str | None, str]


def page(
    doc: Document, shown: str, config: Config, lang: str, find: Callable[[Unit, Key], str | None]
) -> tuple[str, list[Finding]]:
    """The page, with ``find(unit, key)`` its units' translations, and what
    splicing them found."""

    def lookup(unit: Unit) -> str | None:
        key = (unit.context, nfc(unit.text))
        found = find(unit, key)
        # translations are used in NFC; an identity one keeps the source bytes
        return unit.text if found is not None and nfc(found) == key[1] else found and nfc(found)

    result = splice(doc, lookup, shown)
    text = repad_tables(doc.text, result.text)
    return _with_notice(doc, text, result.translated, result.total, lang, config), result.findings


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
    newline = "\r\n" if "\r\n" in doc.text[:200] else "\n"
    return text[:at] + notice + newline + newline + text[at:]


def _notice(percent: int, hidden: bool, source: str) -> str:
    """Our notice, worded for what the page holds."""
    if not percent:
        return f"> ⚠️ This lesson is not translated yet; it is shown in {source}."
    if hidden:
        return f"> ⚠️ This lesson is only {percent}% translated; it is shown in {source}."
    return f"> ⚠️ This lesson is {percent}% translated; the rest is shown in {source}."
