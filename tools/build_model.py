"""Build the Vietnamese model used for mojibake repair (pipeline/data/vi_model.json).

    pip install -e '.[model]' && python tools/build_model.py

Three sources, all clean text that is ours to ship:
- content/, this project's own sample course (syllables, syllable pairs,
  letter trigrams, the non-ASCII characters it uses);
- the Vietnamese word frequencies of ``wordfreq`` (CC BY-SA 4.0, see
  pipeline/data/NOTICE): syllables the sample course never uses, weighted by
  how often Vietnamese text uses them. Only the top of the list is kept, as
  counts per 100,000 words, so the file stays small;
- the Vietnamese word list of ``pyvi`` (MIT, see pipeline/data/NOTICE): its
  many-syllable words ("bề mặt", "bền vững", "con trỏ") give syllable pairs
  that Vietnamese uses, each counted once, so that a pair the course has not
  written yet still tells "bề mặt" from "bỏ mặt".
"""

from __future__ import annotations

import importlib.util
import itertools
from pathlib import Path

from pipeline.text import VIETNAMESE_LETTERS, Model

ROOT = Path(__file__).resolve().parent.parent
PER = 100_000  # a word's count: its frequency per this many words, at least 1


def wordfreq_model() -> Model:
    import wordfreq  # the `model` extra; never needed at run time

    model = Model()
    for word, freq in wordfreq.get_frequency_dict("vi", wordlist="best").items():
        # Syllables of Vietnamese letters only: no digits, no foreign scripts.
        if not word.isalpha() or not set(word) <= VIETNAMESE_LETTERS:
            continue
        model.syllables[word] += max(1, round(freq * PER))
        padded = f"^{word}$"
        model.trigrams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return model


def pyvi_pairs() -> Model:
    """Syllable pairs of pyvi's word list, read from the installed package's
    data file (importing pyvi would load scikit-learn for nothing)."""
    spec = importlib.util.find_spec("pyvi")  # the `model` extra
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("pyvi is not installed: pip install -e '.[model]'")
    words = Path(next(iter(spec.submodule_search_locations))) / "models" / "words.txt"
    model = Model()
    for line in words.read_text(encoding="utf-8").splitlines():
        syllables = line.strip().lower().split()
        if len(syllables) > 1 and all(set(s) <= VIETNAMESE_LETTERS for s in syllables):
            model.bigrams.update({f"{a} {b}" for a, b in itertools.pairwise(syllables) if not (a + b).isascii()})
    return model


if __name__ == "__main__":
    own = Model.learn(p.read_text(encoding="utf-8") for p in sorted((ROOT / "content").rglob("*.md")))
    model = own.merged(wordfreq_model())
    # A pair the word list holds counts once, whatever its number of entries.
    pairs = pyvi_pairs().bigrams
    model.bigrams.update({pair: 1 for pair in pairs if pair not in model.bigrams})
    out = ROOT / "pipeline" / "data" / "vi_model.json"
    out.write_text(model.to_json(), encoding="utf-8")
    print(
        f"{out.relative_to(ROOT)}: {len(model.syllables)} syllables, {len(model.bigrams)} syllable pairs, "
        f"{len(model.trigrams)} trigrams, {len(model.chars)} characters"
    )
