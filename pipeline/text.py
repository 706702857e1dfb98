"""Text integrity: mojibake repair, Unicode hygiene, and what the doctor finds.

The damage this course has seen: UTF-8 bytes read as Windows-1254, the bytes
that code page does not define dropped (0x81, 0x8D, 0x8E, 0x8F, 0x90, 0x9D,
0x9E) and soft hyphens (0xAD) removed. Re-encoding gives the UTF-8 bytes back
with gaps; the UTF-8 structure says where a byte is missing, and knowledge
of Vietnamese (which letters exist, which syllables are frequent, letter case
from the neighbours) says which one. Where two readings stay equally likely,
the spot is reported instead of guessed.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

# Model as Model: re-exported, the repair's callers (api, tools) take it from here.
from .vimodel import Model as Model
from .vimodel import in_cell, opens_sentence

LOST = bytes([0x81, 0x8D, 0x8E, 0x8F, 0x90, 0x9D, 0x9E, 0xAD])
VIETNAMESE_LETTERS = set(
    "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵfjwz"
)
VIETNAMESE_LETTERS |= {c.upper() for c in VIETNAMESE_LETTERS}
ZERO_WIDTH = {
    "\u200b": "zero-width space",
    "\u2060": "word joiner",
    "\ufeff": "zero-width no-break space",
    "\u00ad": "soft hyphen",
}


@dataclass
class Repair:
    text: str
    ambiguous: list[tuple[int, list[str]]] = field(default_factory=list)  # (line, candidate readings)


def _sequences(data: bytes) -> list[tuple[bytes, int]]:
    """UTF-8 sequences of ``data`` with how many bytes each one lacks."""
    out: list[tuple[bytes, int]] = []
    i = 0
    while i < len(data):
        b = data[i]
        need = 1 if b < 0x80 else 2 if 0xC2 <= b <= 0xDF else 3 if 0xE0 <= b <= 0xEF else 4 if 0xF0 <= b <= 0xF4 else 0
        if need == 0:  # a stray continuation byte: keep it as it came
            out.append((data[i : i + 1], -1))
            i += 1
            continue
        j = i + 1
        while j < len(data) and j - i < need and 0x80 <= data[j] <= 0xBF:
            j += 1
        out.append((data[i:j], need - (j - i)))
        i = j
    return out


def _candidates(seq: bytes, missing: int) -> list[str]:
    """Characters ``seq`` can be with ``missing`` lost bytes put back."""
    lead, rest = seq[:1], seq[1:]
    found: list[str] = []
    slots = len(rest) + missing
    for where in itertools.combinations(range(slots), missing):
        for fill in itertools.product(LOST, repeat=missing):
            body = bytearray()
            it_rest, it_fill = iter(rest), iter(fill)
            for k in range(slots):
                body.append(next(it_fill) if k in where else next(it_rest))
            try:
                ch = (lead + bytes(body)).decode("utf-8")
            except UnicodeDecodeError:
                continue
            if unicodedata.category(ch) not in ("Cn", "Co", "Cs") and ch not in found:
                found.append(ch)
    return found


def _damage(line: str) -> tuple[int, int, int] | None:
    """(complete, partial, lone) multi-byte sequences of a line read back
    through Windows-1254, or None if the line cannot be such mojibake."""
    if line.isascii():
        return None
    try:
        data = line.encode("cp1254")
    except UnicodeEncodeError:
        return None
    complete = partial = lone = 0
    for seq, missing in _sequences(data):
        if len(seq) > 1:
            complete += missing == 0
            partial += missing > 0
        elif missing > 0:
            lone += 1
    return complete, partial, lone


def looks_damaged(line: str) -> bool:
    """True if a line reads as UTF-8 bytes decoded as Windows-1254.

    A multi-byte sequence with at least one continuation byte is the mark;
    a lone lead byte (``Ã`` before a letter) alone is not, unless ftfy also
    finds the line bad.
    """
    counts = _damage(line)
    if counts is None:
        return False
    complete, partial, lone = counts
    return complete + partial > 0 or (lone > 0 and looks_bad(line))


def looks_bad(line: str) -> bool:
    """ftfy's judgement of a line, loaded on first use: most lessons never
    need it, and every run would pay for its tables."""
    import ftfy.badness

    return bool(ftfy.badness.is_bad(line))


@dataclass(frozen=True)
class Style:
    """How a document writes its headings, read from the words whose first
    letter the damage left certain: Title Case ("Cơ Sở Toán Học") or
    sentence case ("Cơ sở lý thuyết"), and the words it keeps in lower case
    even in Title Case ("của", "và")."""

    title: bool | None = None
    lower: frozenset[str] = frozenset()


def _certain(line: str) -> str:
    """A line with every character the damage made uncertain as U+FFFD."""
    try:
        data = line.encode("cp1254")
    except UnicodeEncodeError:
        return line  # not this damage: the line reads as it is
    out = []
    for seq, missing in _sequences(data):
        if missing == 0:
            out.append(seq.decode("utf-8", errors="replace"))
        else:
            out.append("\ufffd")
    return "".join(out)


def heading_style(lines: list[str]) -> Style:
    """The document's heading case: Title Case if most of the Vietnamese
    words after a heading's first word open with a capital, sentence case if
    most do not; unknown on too little evidence."""
    upper = lower = 0
    kept: set[str] = set()
    for line in lines:
        if not line.startswith("#"):
            continue
        words = re.findall(r"[^\W\d_][\w\ufffd]*", _certain(line.lstrip("#")))
        for word in words[1:]:
            if word[0] == "\ufffd" or word.isascii() or (len(word) > 1 and word.isupper()):
                continue  # uncertain, English or an acronym: no evidence
            if word[0].isupper():
                upper += 1
            else:
                lower += 1
                kept.add(word.lower())
    if upper + lower < 4 or max(upper, lower) < 2 * min(upper, lower):
        return Style(None, frozenset(kept))
    return Style(upper > lower, frozenset(kept))


def repair_line(line: str, model: Model, style: Style | None = None) -> tuple[str, list[list[str]]]:
    """One damaged line restored, and the spots left ambiguous."""
    pieces: list[list[str]] = []
    for seq, missing in _sequences(line.encode("cp1254")):
        if missing < 0:
            pieces.append([seq.decode("cp1254")])
        elif missing == 0:
            pieces.append([seq.decode("utf-8", errors="replace")])
        else:
            options = _candidates(seq, missing) or ["\ufffd"]
            pieces.append(options)
    return _choose(pieces, model, style or Style())


def _choose(pieces: list[list[str]], model: Model, style: Style) -> tuple[str, list[list[str]]]:
    """Pick each uncertain character: symbols one by one, letters by the
    words they would make."""
    chars = [p[0] for p in pieces]
    ambiguous: list[list[str]] = []
    # Symbols first (emoji, variation selectors): a letter's word may hold
    # one. Those the clean text settles go first, so that the rest can lean
    # on settled neighbours (⁴ beside ⁻ is a superscript, not APL's ⍴).
    symbols = [i for i in range(len(pieces)) if len(pieces[i]) > 1]
    symbols = [i for i in symbols if not any(c.isalpha() for c in _plausible(pieces[i], model))]
    for i in symbols:
        options = _plausible(pieces[i], model)
        ranked = sorted(options, key=lambda c: -model.prior(c))
        if len(ranked) == 1 or model.prior(ranked[0]) > model.prior(ranked[1]):
            chars[i] = ranked[0]
            pieces[i] = [ranked[0]]
    for i in reversed(symbols):
        if len(pieces[i]) == 1:
            continue
        options = _plausible(pieces[i], model)
        after = chars[i + 1] if i + 1 < len(chars) else ""
        near = [chars[j] for j in (i - 1, i + 1) if 0 <= j < len(chars) and len(pieces[j]) == 1]
        best, ties = _symbol(options, after, model, "".join(chars), near)
        chars[i] = best
        pieces[i] = [best]
        if ties:
            ambiguous.append(ties)
    k = 0
    n = len(pieces)
    while k < n:
        if not (len(pieces[k]) > 1 or chars[k].isalpha()):
            k += 1
            continue
        start = k
        while k < n and (len(pieces[k]) > 1 or chars[k].isalpha()):
            k += 1
        slots = [i for i in range(start, k) if len(pieces[i]) > 1]
        if slots:
            best_combo, ties = _best(pieces, start, k, slots, model, chars, style)
            for i, ch in zip(slots, best_combo, strict=True):
                chars[i] = ch
            if ties:
                ambiguous.append(ties)
    return "".join(chars), ambiguous


# Words of Unicode names too common to tie two characters together.
_GENERIC = {"SYMBOL", "SIGN", "WITH", "SMALL", "CAPITAL", "LETTER", "BLACK", "WHITE", "MARK", "FUNCTIONAL"}


def _kin(a: str, b: str) -> int:
    """How many telling words the Unicode names of two characters share."""
    return len((set(unicodedata.name(a, "").split()) & set(unicodedata.name(b, "").split())) - _GENERIC)


def _symbol(
    options: list[str], after: str, model: Model, line: str = "", near: list[str] | None = None
) -> tuple[str, list[str]]:
    """A non-letter: the one the clean text uses most, else a well-formed
    emoji, preferring one of the same family as its neighbours (SUPERSCRIPT
    FOUR beside SUPERSCRIPT MINUS), then one whose name shares a word with
    the line (🏗 BUILDING CONSTRUCTION beside "Build")."""
    seen = sorted(options, key=lambda c: -model.prior(c))
    if model.prior(seen[0]) > model.prior(seen[1]) if len(seen) > 1 else True:
        return seen[0], []
    import emoji  # the Unicode emoji list, for what a variation selector may follow

    vs16 = after == "\ufe0f"
    formed = [c for c in options if emoji.EMOJI_DATA.get(c + ("\ufe0f" if vs16 else ""), {}).get("status") == 2]
    pool = formed or options
    family = [c for c in near or [] if not c.isascii()]
    if len(pool) > 1 and family:
        kin = [sum(_kin(c, n) for n in family) for c in pool]
        if max(kin) > 0 and kin.count(max(kin)) == 1:
            return pool[kin.index(max(kin))], []
    if len(pool) > 1:
        words = {w[:4] for w in re.findall(r"[a-z]{4,}", line.lower())}
        overlap = [len(words & {w[:4] for w in unicodedata.name(c, "").lower().split() if len(w) >= 4}) for c in pool]
        if max(overlap) > 0 and overlap.count(max(overlap)) == 1:
            return pool[overlap.index(max(overlap))], []
    return pool[0], (pool if len(pool) > 1 else [])


def _best(
    pieces: list[list[str]], start: int, end: int, slots: list[int], model: Model, chars: list[str], style: Style
) -> tuple[tuple[str, ...], list[str]]:
    options = [_plausible(pieces[i], model) for i in slots]
    sentence_start = opens_sentence(chars, start)
    after = "".join(chars[end : end + 16]).split()
    before = "".join(chars[max(0, start - 16) : start]).split()
    next_word = re.sub(r"\W", "", after[0]) if after else ""
    prev_word = re.sub(r"\W", "", before[-1]) if before else ""
    # Words in capitals come in runs; Title Case too (headings).
    next_upper = len(next_word) > 1 and next_word.isupper()
    # ... unless the word before opens the sentence itself.
    title_case = next_word[:1].isupper() or (
        prev_word[:1].isupper() and not opens_sentence(chars, start - len(prev_word) - 1)
    )
    # Inside a heading, past its first word, the document's own style rules.
    heading = "".join(chars[:start]).lstrip().startswith("#")
    later = heading and re.search(r"[^\W\d_]", "".join(chars[:start]).lstrip("# ")) is not None
    if later and style.title is not None:
        title_case = style.title
    scored: list[tuple[float, tuple[str, ...]]] = []
    for combo in itertools.product(*options[:4]):  # cap the search on long runs
        combo = combo + tuple(o[0] for o in options[4:])
        word = "".join(combo[slots.index(i)] if i in slots else chars[i] for i in range(start, end))
        score = _word_score(word, model, sentence_start or title_case, next_upper)
        if word.isalpha() and not in_cell(chars, start):
            score += model.opening(word, sentence_start)
        if later and style.title and word[:1].islower() and word.lower() not in style.lower:
            score -= 1.5  # a lower-case word the Title Case headings never keep
        if word.isalpha():
            if start > 0 and chars[start - 1] == " " and before and before[-1][-1:].isalpha():
                score += model.pair(prev_word, word)
            if chars[end : end + 1] == [" "] and after and after[0][:1].isalpha():
                score += model.pair(word, next_word)
        scored.append((score, combo))
    scored.sort(key=lambda s: -s[0])
    best = scored[0]
    ties = [w for s, w in scored[1:] if abs(s - best[0]) < 1e-9]
    readings = []
    if ties:
        for _, combo in [best, *[(0.0, t) for t in ties]]:
            readings.append("".join(combo[slots.index(i)] if i in slots else chars[i] for i in range(start, end)))
    return best[1], readings


# Punctuation and drawing characters common in course text.
COMMON_SYMBOLS = set("“”‘’–—…•●○■□▪►▶←→↑↓⇒⇔≤≥≈≠±×÷∑∏√∞∈∉⊂⊆∩∪∀∃∂∇─│┌┐└┘├┤┬┴┼═║╔╗╚╝✓✔✗✘★☆")


def _plausible(options: list[str], model: Model) -> list[str]:
    """Vietnamese letters first, then characters the clean text uses, then
    common punctuation, then symbols (emoji); anything else only if nothing fits."""
    tiers: tuple[Callable[[str], bool], ...] = (
        lambda c: c in VIETNAMESE_LETTERS,
        lambda c: model.chars.get(c, 0) > 0,
        lambda c: c in COMMON_SYMBOLS,
        lambda c: unicodedata.category(c) in ("So", "Sk", "Sm", "No", "Po", "Pd", "Pi", "Pf", "Zs", "Mn"),
    )
    for keep in tiers:
        chosen = [c for c in options if keep(c)]
        if chosen:
            return chosen
    return options


def _word_score(word: str, model: Model, sentence_start: bool = False, next_upper: bool = False) -> float:
    score = model.score(word) if word.strip() else 0.0
    # Letter case from context: capitals open sentences or fill whole words.
    letters = [c for c in word if c.isalpha()]
    if letters:
        uppers = [c.isupper() for c in letters]
        if len(letters) > 1 and any(uppers[1:]) and not all(uppers):
            score -= 8.0  # a capital inside a lower-case word
        if uppers[0] and not sentence_start and not all(uppers):
            score -= 1.5  # a capital that opens no sentence
        if len(letters) > 1 and all(uppers) and not next_upper:
            score -= 3.0  # a word in capitals among lower-case words
    for ch in word:
        if not ch.isascii() and not ch.isalpha():
            score += math.log((model.chars.get(ch, 0) + 0.01) / 100.0)
    return score


def repair(text: str, model: Model) -> Repair:
    """Repair every damaged line of a text; report ambiguous spots by line."""
    out = Repair(text)
    lines = text.split("\n")
    # In a file damaged throughout, a line with only lone lead bytes
    # ("TÃnh") is damaged too.
    whole = sum(looks_damaged(line) for line in lines) >= 3
    style = heading_style(lines)
    for number, line in enumerate(lines, 1):
        counts = _damage(line)
        if looks_damaged(line) or (whole and counts is not None and counts[2] > 0):
            fixed, spots = repair_line(line, model, style)
            lines[number - 1] = fixed
            out.ambiguous.extend((number, readings) for readings in spots)
    out.text = "\n".join(lines)
    return out


@dataclass(frozen=True, slots=True)
class Problem:
    line: int
    rule: str
    message: str
    severity: str = "error"


def hygiene(data: bytes) -> tuple[str | None, list[Problem]]:
    """What is wrong with a text file's bytes; the text if it decodes."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        at = data.count(b"\n", 0, exc.start) + 1
        return None, [Problem(at, "invalid-utf8", f"not valid UTF-8 (byte 0x{data[exc.start]:02x}): re-save as UTF-8")]
    problems: list[Problem] = []
    if text.startswith("\ufeff"):
        problems.append(Problem(1, "bom", "starts with a byte-order mark"))
    crlf, lf = text.count("\r\n"), text.count("\n") - text.count("\r\n")
    if crlf and lf:
        minority = "\r\n" if crlf < lf else "\n"
        first = next(n for n, line in enumerate(text.split("\n"), 1) if (line.endswith("\r")) == (minority == "\r\n"))
        problems.append(Problem(first, "mixed-newlines", f"mixes CRLF ({crlf}) and LF ({lf}) line ends"))
    for number, line in enumerate(text.split("\n"), 1):
        if not unicodedata.is_normalized("NFC", line):
            problems.append(Problem(number, "not-nfc", "text is not in Unicode NFC"))
        body = line[1:] if number == 1 and line.startswith("\ufeff") else line
        for ch, name in ZERO_WIDTH.items():
            if ch in body:
                problems.append(Problem(number, "invisible", f"holds a {name} (U+{ord(ch):04X})"))
        if looks_damaged(line):
            problems.append(Problem(number, "mojibake", "mojibake: UTF-8 read as Windows-1254"))
    return text, problems


def heal(text: str, model: Model) -> Repair:
    """The text with every fixable problem fixed (mojibake, BOM, line ends,
    NFC, invisible characters); ambiguous mojibake spots are reported."""
    fixed = repair(text, model)
    out = fixed.text.removeprefix("\ufeff")
    crlf, lf = out.count("\r\n"), out.count("\n") - out.count("\r\n")
    if crlf and lf:
        out = out.replace("\r\n", "\n")
        if crlf > lf:
            out = out.replace("\n", "\r\n")
    for ch in ZERO_WIDTH:
        out = out.replace(ch, "")
    fixed.text = unicodedata.normalize("NFC", out)
    return fixed


def nfc(text: str) -> str:
    """Unicode NFC: the one form text takes in catalogs and built trees."""
    return unicodedata.normalize("NFC", text)
