"""Build the word lists that tell English from unaccented Vietnamese
(pipeline/data/words.json), used by pipeline/language.py.

    pip install -e '.[model]' && python tools/build_words.py

From the word frequencies of ``wordfreq`` (CC BY-SA 4.0, see
pipeline/data/NOTICE):
- ``vietnamese``: words that, written without their diacritics ("cho",
  "trong", "theo", "bai"), are far more common in Vietnamese than in
  English: one of them in a unit says it is Vietnamese typed bare;
- ``english``: English words of some currency, for "this unit is English
  prose" (every word of it one of these, or a name such as NumPy).
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STRONG = 20.0  # a bare syllable is Vietnamese when this many times commoner there than in English
COMMON = 50e-6  # ...and used at least this often in Vietnamese (per word)
ENGLISH = 1e-6  # English words used at least this often


def bare(word: str) -> str:
    word = word.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c)).lower()


def build() -> dict[str, list[str]]:
    import wordfreq  # the `model` extra; never needed at run time

    vi: dict[str, float] = {}
    for word, freq in wordfreq.get_frequency_dict("vi", wordlist="best").items():
        if word.isalpha():
            b = bare(word)
            if b.isascii():
                vi[b] = vi.get(b, 0.0) + freq
    en = wordfreq.get_frequency_dict("en", wordlist="best")
    vietnamese = sorted(b for b, f in vi.items() if f >= COMMON and f >= STRONG * en.get(b, 0.0))
    strong = set(vietnamese)
    english = sorted(w for w, f in en.items() if f >= ENGLISH and w.isascii() and w.isalpha() and w not in strong)
    return {"vietnamese": vietnamese, "english": english}


if __name__ == "__main__":
    words = build()
    out = ROOT / "pipeline" / "data" / "words.json"
    out.write_text(json.dumps(words, ensure_ascii=True, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{out.relative_to(ROOT)}: {len(words['vietnamese'])} Vietnamese, {len(words['english'])} English words")
