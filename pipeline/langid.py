"""Which units need no translation, and which translations are the source
left as it was: decided from the unit's own text, so that a catalog's
"copied" status can be derived again after a tool dropped its flag.

A Vietnamese course holds Vietnamese typed without diacritics ("Python cho
AI", "Attention trong Transformer", "Gradient theo logits"): a diacritic
check alone takes it for English. A language identifier does no better on
such short, mixed units (lingua-language-detector rates "Python cho AI"
86% English, "Tom tat" 97%: its Vietnamese model knows accented text), so
the judgement is made by words: a bare syllable far commoner in Vietnamese
than in English ("cho", "trong", "theo", "bai") marks the unit Vietnamese;
a unit is English prose only when every word of it is an English word or a
name such as NumPy (word lists built by tools/build_words.py from
wordfreq). Both err on the side of "translate it": a unit not copied costs
a translator a keystroke, a unit wrongly copied publishes Vietnamese.
"""

from __future__ import annotations

import json
import re
from functools import cache, lru_cache
from pathlib import Path

from .markdown import protected_spans

# Vietnamese letters: anything with a diacritic used by Vietnamese, and đ.
_DIACRITICS = frozenset(
    "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
    "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ"
)
_WORD = re.compile(r"[^\W\d_]+")  # a run of letters ("don't": "don", "t")
_TOKEN = re.compile(r"\S+")
# Names and identifiers: a capital after the first letter (NumPy, GPU,
# ReLU), a digit or an underscore (x_1, GPT4, float32), a dot or slash
# inside (np.array, utf-8 is a digit already).
_IDENTIFIER = re.compile(r"^[A-Za-z]\w*[A-Z0-9_]\w*$|^\w+[._/]\w[\w./]*$")
ENGLISH_CODES = ("en",)  # a target whose language code starts so is English


def has_vietnamese(text: str) -> bool:
    """True if ``text`` holds a Vietnamese letter (a diacritic or đ)."""
    return any(ch in _DIACRITICS for ch in text)


def load() -> None:
    """Read the word lists now (a run does, before it forks its workers)."""
    _words()


@cache
def _words() -> tuple[frozenset[str], frozenset[str]]:
    data = json.loads((Path(__file__).parent / "data" / "words.json").read_text(encoding="utf-8"))
    return frozenset(data["vietnamese"]), frozenset(data["english"])


def prose(text: str) -> str:
    """``text`` without its protected spans (math, code, URLs, tags)."""
    if not any(c in text for c in "$`<[(\\:&"):
        return text
    pos, parts = 0, []
    for span in protected_spans(text):
        parts.append(text[pos : span.start])
        pos = span.end
    parts.append(text[pos:])
    return " ".join(parts)


def _split(text: str) -> list[str]:
    """The words of a unit's prose as written, without the names and
    identifiers (NumPy, GPU, x_1, np.array, URLs)."""
    words: list[str] = []
    strong, _ = _words()
    for token in _TOKEN.findall(prose(text)):
        bare = token.strip(".,;:!?()[]{}\"'“”‘’«»*_~#>|-–—…")
        if "://" in bare or (_IDENTIFIER.match(bare) and bare.lower() not in strong):  # "BAI TAP" is no name
            continue
        words += _WORD.findall(bare)
    return words


@lru_cache(maxsize=1 << 16)
def _kind(text: str) -> str:
    """ "vietnamese", "neutral", "english" or "other", judged once per text."""
    if has_vietnamese(prose(text)):
        return "vietnamese"
    strong, known = _words()
    words = _split(text)
    if any(len(w) > 1 and w.lower() in strong for w in words):  # "O(n)", "l o w": variables
        return "vietnamese"
    if all(len(w) == 1 for w in words):
        return "neutral"
    # English prose: every word an English word or a capitalised name (Copilot, Adam).
    return "english" if all(len(w) == 1 or w[0].isupper() or w.lower() in known for w in words) else "other"


def vietnamese(text: str) -> bool:
    """The unit is Vietnamese: a diacritic, or a bare Vietnamese syllable."""
    return _kind(text) == "vietnamese"


def neutral(text: str) -> bool:
    """The same in every language: numbers, names, identifiers, formulas,
    code and URLs, and no word (a one-letter word is a variable)."""
    return _kind(text) == "neutral"


def english(text: str) -> bool:
    """English prose: not Vietnamese, and every word an English word or a
    capitalised name."""
    return _kind(text) == "english"


def is_english(lang: str) -> bool:
    return lang.split("_")[0].split("-")[0].lower() in ENGLISH_CODES


def copyable(msgid: str, lang: str, source_lang: str = "vi") -> bool:
    """A unit whose translation into ``lang`` is its own text: language
    neutral, or English prose going into English."""
    if source_lang != "vi" or lang == source_lang:
        return False
    kind = _kind(msgid)
    return kind == "neutral" or (kind == "english" and is_english(lang))
