"""Mojibake repair benchmark: our repair next to ftfy on the same damaged files.

    python benchmarks/mojibake.py ../shared/corpus/course [--misses FILE]

Each lesson is damaged the way the course's seed lesson was:
``clean.encode("utf-8").decode("cp1254", errors="ignore").replace("\\xad", "")``
then repaired by `pipeline.text.repair` and by `ftfy.fix_text`. Reported, in
one run: the share of damaged lines restored exactly, and of files restored
byte for byte, for each, in two settings:

- **whole course damaged**: every lesson damaged at once, our repair using
  only the model shipped with the package (`Model.builtin()`: this
  project's own sample course plus wordfreq's Vietnamese frequencies);
- **one lesson damaged**: the seed's story, one lesson arrives damaged in an
  otherwise clean course; our repair uses what `pipeline doctor --fix` uses,
  the shipped model plus the course's other, clean lessons (never the lesson
  under test).
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

import ftfy

from pipeline.text import Model, repair


def damage(clean: str) -> str:
    return clean.encode("utf-8").decode("cp1254", errors="ignore").replace("\xad", "")


def without(model: Model, part: Model) -> Model:
    """``model`` less what ``part`` added to it (Counter subtraction drops zeros)."""
    return Model(
        model.syllables - part.syllables,
        model.trigrams - part.trigrams,
        model.chars - part.chars,
        model.bigrams - part.bigrams,
        model.openers - part.openers,
        model.inners - part.inners,
    )


def main() -> int:
    args = sys.argv[1:]
    misses_out = None
    if "--misses" in args:
        at = args.index("--misses")
        misses_out = Path(args[at + 1])
        del args[at : at + 2]
    corpus = Path(args[0] if args else "../shared/corpus/course")
    builtin = Model.builtin()
    files = sorted(corpus.rglob("*.md"))
    cleans = {p: p.read_text(encoding="utf-8") for p in files}
    cleans = {p: t for p, t in cleans.items() if damage(t) != t}
    learned = {p: Model.learn([t]) for p, t in cleans.items()}
    course = Model()
    for part in learned.values():
        course = course.merged(part)

    settings = {
        "whole course damaged": lambda p: builtin,
        "one lesson damaged": lambda p: builtin.merged(without(course, learned[p])),
    }
    damaged_lines = sum(
        sum(a != b for a, b in zip(t.split("\n"), damage(t).split("\n"), strict=True)) for t in cleans.values()
    )
    print(f"corpus: {corpus} — {len(cleans)} damaged files, {damaged_lines} damaged lines")
    print("| setting | repair | damaged lines restored | files restored byte for byte | ambiguous spots | time |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    misses: list[str] = []
    for setting, model_for in settings.items():
        for name in ("pipeline", f"ftfy {ftfy.__version__}"):
            lines = whole = ambiguous = 0
            seconds = 0.0
            for path, clean in cleans.items():
                broken = damage(clean)
                clean_lines = clean.split("\n")
                hit = [i for i, (a, b) in enumerate(zip(clean_lines, broken.split("\n"), strict=True)) if a != b]
                if name == "pipeline":
                    model = model_for(path)
                    start = time.perf_counter()
                    result = repair(broken, model)
                    seconds += time.perf_counter() - start
                    text = result.text
                    ambiguous += len(result.ambiguous)
                else:
                    start = time.perf_counter()
                    text = ftfy.fix_text(broken)
                    seconds += time.perf_counter() - start
                fixed_lines = text.split("\n")
                ok = [i < len(fixed_lines) and fixed_lines[i] == clean_lines[i] for i in hit]
                lines += sum(ok)
                whole += text == clean
                if name == "pipeline":
                    misses.extend(
                        f"{setting}: {path.relative_to(corpus)}:{i + 1}: {fixed_lines[i]!r} (clean: {clean_lines[i]!r})"
                        for i, good in zip(hit, ok, strict=True)
                        if not good
                    )
            print(
                f"| {setting} | {name} | {lines}/{damaged_lines} ({100 * lines / damaged_lines:.2f}%) "
                f"| {whole}/{len(cleans)} ({100 * whole / len(cleans):.1f}%) "
                f"| {ambiguous if name == 'pipeline' else '—'} | {seconds:.2f}s |"
            )
    kinds = Counter(m.split(":")[0] for m in misses)
    print("lines not restored by pipeline: " + ", ".join(f"{k}: {v}" for k, v in kinds.items()))
    if misses_out:
        misses_out.write_text("\n".join(misses) + "\n", encoding="utf-8")
        print(f"each one listed in {misses_out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
