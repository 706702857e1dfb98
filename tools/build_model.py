"""Build the Vietnamese model used for mojibake repair (pipeline/data/vi_model.json).

    pip install -e '.[model]' && python tools/build_model.py

Two sources, both clean text that is ours to ship:
- content/, this project's own sample course (syllables, syllable pairs,
  letter trigrams, the non-ASCII characters it uses);
- the Vietnamese word frequencies of ``wordfreq`` (CC BY-SA 4.0, see
  pipeline/data/NOTICE): syllables the sample course never uses, weighted by
  how often Vietnamese text uses them. Only the top of the list is kept, as
  counts per 100,000 words, so the file stays small.
"""

from __future__ import annotations

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


if __name__ == "__main__":
    own = Model.learn(p.read_text(encoding="utf-8") for p in sorted((ROOT / "content").rglob("*.md")))
    model = own.merged(wordfreq_model())
    out = ROOT / "pipeline" / "data" / "vi_model.json"
    out.write_text(model.to_json(), encoding="utf-8")
    print(
        f"{out.relative_to(ROOT)}: {len(model.syllables)} syllables, {len(model.bigrams)} syllable pairs, "
        f"{len(model.trigrams)} trigrams, {len(model.chars)} characters"
    )
