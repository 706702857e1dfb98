"""A lesson's page in a target language: translations spliced in, tables
re-padded, and a notice when it is not fully translated."""

from __future__ import annotations

from collections.abc import Callable

from .assemble import splice
from .catalog import LANGUAGE_NAMES
from .config import Config
from .errors import Finding
from .formatting import repad_tables
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
    """A partly translated lesson says so at its top; a barely translated
    one is shown whole in the source language, saying so."""
    percent = 100.0 * translated / total if total else 100.0
    if percent >= 100.0:
        return text
    source_name = LANGUAGE_NAMES.get(config.source_lang, config.source_lang)
    wording = {
        "partial": f"> ⚠️ This lesson is partly translated; untranslated passages are shown in {source_name}.",
        "source": f"> ⚠️ This lesson is not translated yet; it is shown in {source_name}.",
    }
    wording.update(config.notices.get(lang, {}))
    if percent < config.min_lesson_coverage:
        text = doc.text
        notice = wording["source"]
    else:
        notice = wording["partial"]
    if not notice:
        return text
    at = doc.body_start
    newline = "\r\n" if "\r\n" in doc.text[:200] else "\n"
    return text[:at] + notice + newline + newline + text[at:]
