"""The model of Vietnamese text that mojibake repair chooses readings by.

Kept apart from the repair (text.py) because it is data with a few
questions: built by tools/build_model.py, shipped in data/vi_model.json,
learned again from a course's clean lessons by the doctor.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class Model:
    """What Vietnamese text looks like: syllable, syllable-pair and
    letter-trigram counts, and which non-ASCII characters it uses."""

    syllables: Counter[str] = field(default_factory=Counter)
    trigrams: Counter[str] = field(default_factory=Counter)
    chars: Counter[str] = field(default_factory=Counter)
    # "con trỏ", "nhờ vào": Vietnamese words are mostly two syllables, so a
    # syllable's neighbour tells trỏ from trề where frequency alone cannot.
    bigrams: Counter[str] = field(default_factory=Counter)
    # Texts where a word opens a sentence, and where it goes on one: "Nhờ đó"
    # opens sentences, "nhỏ" (small) hardly ever does.
    openers: Counter[str] = field(default_factory=Counter)
    inners: Counter[str] = field(default_factory=Counter)
    _pages: Counter[int] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def builtin(cls) -> Model:
        """The model shipped with the package: this project's own clean sample
        course plus the Vietnamese word frequencies of ``wordfreq``
        (see ``pipeline/data/NOTICE``)."""
        data = json.loads((Path(__file__).parent / "data" / "vi_model.json").read_text(encoding="utf-8"))
        return cls(
            Counter(data["syllables"]),
            Counter(data["trigrams"]),
            Counter(data["chars"]),
            Counter(data["bigrams"]),
            Counter(data.get("openers", {})),
            Counter(data.get("inners", {})),
        )

    def to_json(self) -> str:
        return (
            json.dumps(
                {
                    "syllables": dict(sorted(self.syllables.items())),
                    "trigrams": dict(sorted(self.trigrams.items())),
                    "chars": dict(sorted(self.chars.items())),
                    "bigrams": dict(sorted(self.bigrams.items())),
                    "openers": dict(sorted(self.openers.items())),
                    "inners": dict(sorted(self.inners.items())),
                },
                ensure_ascii=False,
                indent=0,
            )
            + "\n"
        )

    def merged(self, other: Model) -> Model:
        return Model(
            self.syllables + other.syllables,
            self.trigrams + other.trigrams,
            self.chars + other.chars,
            self.bigrams + other.bigrams,
            self.openers + other.openers,
            self.inners + other.inners,
        )

    @classmethod
    def learn(cls, texts: Iterable[str]) -> Model:
        model = cls()
        for text in texts:
            text = unicodedata.normalize("NFC", text)
            model.chars.update(ch for ch in text if not ch.isascii())
            # Counted once per text: boilerplate repeated in every lesson
            # (a footer) must not outweigh the prose.
            words = _WORD.findall(text.lower())
            for word in set(words):
                model.syllables[word] += 1
                padded = f"^{word}$"
                model.trigrams.update(padded[i : i + 3] for i in range(len(padded) - 2))
            # Pairs within a line only, and only pairs a repair can use: one
            # side holds a letter the damage can make ambiguous (not ASCII).
            pairs: set[str] = set()
            for line in text.lower().split("\n"):
                found = _WORD.findall(line)
                pairs.update(f"{a} {b}" for a, b in itertools.pairwise(found) if not (a + b).isascii())
            model.bigrams.update(pairs)
            openers: set[str] = set()
            inners: set[str] = set()
            for match in _WORD.finditer(text):
                word = match.group().lower()
                before = list(text[max(0, match.start() - 12) : match.start()])
                if not word.isascii() and not in_cell(before, len(before)):
                    (openers if opens_sentence(before, len(before)) else inners).add(word)
            model.openers.update(openers)
            model.inners.update(inners)
        return model

    def prior(self, char: str) -> float:
        """How likely a non-letter is: its own count in clean text, plus a
        share of the count of its 128-code-point page, so that a character
        never seen still ranks by its neighbourhood (⁴ among the punctuation
        of U+2000–207F, not ⍴ among APL symbols)."""
        if self._pages is None:
            self._pages = Counter()
            for ch, n in self.chars.items():
                self._pages[ord(ch) >> 7] += n
        return self.chars.get(char, 0) + self._pages.get(ord(char) >> 7, 0) / 16

    def pair(self, left: str, right: str) -> float:
        """Bonus for two syllables seen side by side in clean text."""
        seen = self.bigrams.get(f"{left.lower()} {right.lower()}", 0)
        return 3.0 + math.log(seen) if seen else 0.0

    def opening(self, word: str, opens: bool) -> float:
        """How much likelier a word is where it stands (opening a sentence,
        or not) than a word with no such record."""
        low = word.lower()
        seen_open, seen_inner = self.openers.get(low, 0), self.inners.get(low, 0)
        here = seen_open if opens else seen_inner
        return math.log((here + 0.5) / (seen_open + seen_inner + 1) / 0.5)

    def score(self, word: str) -> float:
        """Log-likelihood of a word (one syllable, usually), case aside."""
        low = word.lower()
        seen = self.syllables.get(low, 0)
        if seen:
            return 2.0 + math.log(seen)
        padded = f"^{low}$"
        grams = [padded[i : i + 3] for i in range(len(padded) - 2)]
        return sum(math.log((self.trigrams.get(g, 0) + 0.1) / 10.0) for g in grams) / max(1, len(grams)) - 3.0


def opens_sentence(chars: list[str], start: int) -> bool:
    """True if a word at ``start`` opens a sentence, a line or a heading."""
    before = "".join(chars[max(0, start - 12) : start]).rstrip(" \t*_#>-+[(\"'“•‣◦▪►▶–—")
    if before[-1:] == ":":
        # "(ví dụ: ít dữ liệu)": a colon inside brackets goes on mid-sentence.
        line = "".join(chars[:start]).rsplit("\n", 1)[-1]
        return line.count("(") <= line.count(")")
    return not before or before[-1] in ".!?\n|"


def in_cell(chars: list[str], start: int) -> bool:
    """True if a word at ``start`` opens a table cell: a cell is no sentence
    ("| Nhỏ |" is a size, whatever opens sentences)."""
    return "".join(chars[max(0, start - 4) : start]).rstrip(" \t*_")[-1:] == "|"
