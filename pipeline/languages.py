"""Language codes: which are accepted, and what CLDR says of them.

A code names folders (``locales/<code>/``, ``build/<code>/``), so it is
checked before any path is made of it: a gettext code (``fr``, ``pt_BR``,
``zh_Hant``, ``sr@latin``), never a path. Plural rules and English names
come from CLDR through Babel instead of tables of our own.

Babel is imported inside the functions: ``pipeline --help`` and a rebuild
with nothing to do never pay for it (its import and locale data take about
20 ms), and the answers are cached for the process.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from .errors import PipelineError

if TYPE_CHECKING:
    from babel import Locale

# A gettext locale name in its canonical case: language, optional script,
# optional territory (or UN M.49 region), optional modifier. No codeset
# (catalogs are always UTF-8), no "-": gettext and Babel spell it "_".
_FORM = re.compile(
    r"(?P<language>[a-z]{2,3})(?:_(?P<script>[A-Z][a-z]{3}))?(?:_(?P<territory>[A-Z]{2}|[0-9]{3}))?"
    r"(?:@(?P<modifier>[a-z][a-z0-9]*))?"
)
# gettext's own default, and what a code CLDR does not know gets.
DEFAULT_PLURAL = "nplurals=2; plural=(n != 1);"
# CLDR 42 gave French, Spanish, Italian, Portuguese, Catalan and a few more
# a third form, "many", for exact millions ("un million de livres"). GNU
# gettext's table and every existing catalog of these languages have two
# forms: with the third, each such catalog would fail `check` (bad-header)
# and need a form no translator writes. Keyed by the rule, so every locale of
# these languages (fr_CA, es_419) gets the same answer.
_MILLIONS = {
    "(n == 0 || n == 1) ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2": "(n > 1)",
    "(n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2)": "(n != 1)",
}


def well_formed(code: str) -> bool:
    """Whether ``code`` is shaped like a gettext language code (no Babel)."""
    return _FORM.fullmatch(code) is not None


def check_form(code: str, where: str) -> str:
    """``code`` if it is shaped like a language code; else a PipelineError
    naming ``where`` (a setting, an option) and the value. Used for codes the
    user chose on purpose (settings, pseudo languages): no Babel needed."""
    if not well_formed(code):
        raise PipelineError(
            where, 0, f"{code!r} is not a language code like fr, pt_BR, zh_Hant or sr@latin{_hint(code)}"
        )
    return code


def validate(code: str, where: str) -> str:
    """``code`` if it is a language code CLDR knows; else a PipelineError
    naming ``where`` and the value, with the code meant when it can tell
    (``pt-BR``, ``pt_br`` -> ``pt_BR``; ``en_UK`` -> ``en_GB``).

    A well-formed code CLDR does not know (``xx``, ``qps``) is refused here:
    given on the command line it is most likely a typo, and a run would fill
    ``locales/xx/`` with catalogs. Written into ``[tool.pipeline] languages``
    it is a choice, and only its form is checked (:func:`check_form`); it
    then gets gettext's default plural rule and its code as its name.
    """
    check_form(code, where)
    if not known(code):
        raise PipelineError(
            where,
            0,
            f"{code!r} is not a language CLDR knows{_hint(code)}; "
            "to use it anyway, add it to [tool.pipeline] languages in pyproject.toml",
        )
    return code


@cache
def known(code: str) -> bool:
    """Whether CLDR knows ``code`` as written: Babel maps
    ``zh_CN`` to ``zh_Hans_CN`` (fine) but also ``en_ZZ`` to ``en_US`` and
    ``und`` to ``en_US``, so the language, script and territory given must
    survive the parse."""
    match = _FORM.fullmatch(code)
    locale = _parse(code) if match else None
    if match is None or locale is None or locale.language != match["language"]:
        return False
    return all(match[part] in (None, getattr(locale, part)) for part in ("script", "territory"))


@cache
def plural_forms(code: str) -> str:
    """The Plural-Forms header value for ``code``, from Babel's gettext
    rules (generated from CLDR), e.g. "nplurals=3; plural=(n == 1 ? 0 : ...);"
    for pl; :data:`DEFAULT_PLURAL` for a code CLDR does not know."""
    locale = _parse(code) if known(code) else None
    if locale is None:
        return DEFAULT_PLURAL
    from babel.messages.plurals import get_plural

    rule = get_plural(locale)
    count, expression = rule.num_plurals, rule.plural_expr
    if expression in _MILLIONS:
        count, expression = 2, _MILLIONS[expression]
    return f"nplurals={count}; plural={expression if _enclosed(expression) else f'({expression})'};"


@cache
def english_name(code: str) -> str:
    """``code``'s name in English ("Polish", "Portuguese (Brazil)"), for
    headers and notices; the code itself when CLDR does not know it."""
    locale = _parse(code) if known(code) else None
    name = locale.english_name if locale is not None else None
    return name or code


def _parse(code: str) -> Locale | None:
    """Babel's locale for ``code``, or None when it has none."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(code)
    except (ValueError, TypeError, UnknownLocaleError):
        return None


def _hint(code: str) -> str:
    """ " (did you mean 'pt_BR'?)" when ``code`` is a known code misspelt."""
    guess = _respelled(code)
    return f" (did you mean {guess!r}?)" if guess is not None and guess != code else ""


def _respelled(code: str) -> str | None:
    """The known code ``code`` means, written as gettext does: case and "-"
    mended (``pt-br``, ``EN``), or an old name replaced (``iw`` -> ``he``,
    ``en_UK`` -> ``en_GB``, from CLDR's aliases); None when it cannot tell."""
    if not re.fullmatch(r"[A-Za-z0-9_@-]{1,40}", code):
        return None
    head, _, modifier = code.partition("@")
    parts = head.replace("-", "_").split("_")
    if not all(parts):
        return None
    parts = [parts[0].lower()] + [p.title() if len(p) == 4 and p.isalpha() else p.upper() for p in parts[1:]]
    tail = f"@{modifier.lower()}" if modifier else ""
    from babel.core import get_global

    languages, territories = get_global("language_aliases"), get_global("territory_aliases")
    aliased = [languages.get(parts[0], parts[0])] + [territories.get(p, [p])[0] for p in parts[1:]]
    for candidate in ("_".join(parts) + tail, "_".join(aliased) + tail):
        if well_formed(candidate) and known(candidate):
            return candidate
    return None


def _enclosed(expression: str) -> bool:
    """Whether a plural expression is one token or one parenthesised whole,
    as gettext headers write it ("0", "(n != 1)")."""
    if re.fullmatch(r"\w+", expression):
        return True
    if not expression.startswith("("):
        return False
    depth = 0
    for at, char in enumerate(expression):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0:
            return at == len(expression) - 1
    return False
