"""Mojibake repair benchmark: our repair next to ftfy on the same damaged files.

    python benchmarks/mojibake.py ../shared/corpus/course

Each lesson is damaged the way the course's seed lesson was:
``clean.encode("utf-8").decode("cp1254", errors="ignore").replace("\\xad", "")``
then repaired by `pipeline.text.repair` (with a model learned from this
project's own content/ only, never from the files under test) and by
`ftfy.fix_text`. Reported: the share of damaged lines restored exactly, and
of files restored byte for byte, for both, in one run.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import ftfy

from pipeline.text import Model, repair

ROOT = Path(__file__).resolve().parent.parent


def damage(clean: str) -> str:
    return clean.encode("utf-8").decode("cp1254", errors="ignore").replace("\xad", "")


def main() -> int:
    corpus = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/corpus/course")
    model = Model.learn(p.read_text(encoding="utf-8") for p in sorted((ROOT / "content").rglob("*.md")))
    files = sorted(corpus.rglob("*.md"))
    totals = {"ours": [0, 0, 0.0], "ftfy": [0, 0, 0.0]}  # lines restored, files restored, seconds
    damaged_lines = damaged_files = ambiguous = 0
    worst: list[str] = []
    for path in files:
        clean = path.read_text(encoding="utf-8")
        broken = damage(clean)
        if broken == clean:
            continue
        damaged_files += 1
        clean_lines, broken_lines = clean.split("\n"), broken.split("\n")
        hit = [i for i, (a, b) in enumerate(zip(clean_lines, broken_lines, strict=True)) if a != b]
        damaged_lines += len(hit)
        for name, fix in (("ours", lambda t: repair(t, model)), ("ftfy", ftfy.fix_text)):
            start = time.perf_counter()
            result = fix(broken)
            totals[name][2] += time.perf_counter() - start
            text = result if isinstance(result, str) else result.text
            if name == "ours":
                ambiguous += len(result.ambiguous)  # type: ignore[union-attr]
            fixed_lines = text.split("\n")
            ok = sum(1 for i in hit if i < len(fixed_lines) and fixed_lines[i] == clean_lines[i])
            totals[name][0] += ok
            totals[name][1] += text == clean
            if name == "ours" and text != clean and len(worst) < 8:
                wrong = next(i for i in hit if i >= len(fixed_lines) or fixed_lines[i] != clean_lines[i])
                worst.append(f"{path.relative_to(corpus)}:{wrong + 1}: {fixed_lines[wrong][:70]!r}")
    print(f"corpus: {corpus} — {damaged_files} damaged files, {damaged_lines} damaged lines")
    print("| repair | damaged lines restored | files restored byte for byte | time |")
    print("| --- | ---: | ---: | ---: |")
    for name, (lines, whole, seconds) in totals.items():
        print(
            f"| {'pipeline' if name == 'ours' else 'ftfy ' + ftfy.__version__} "
            f"| {lines}/{damaged_lines} ({100 * lines / damaged_lines:.2f}%) "
            f"| {whole}/{damaged_files} ({100 * whole / damaged_files:.1f}%) | {seconds:.2f}s |"
        )
    print(f"ambiguous spots reported by pipeline: {ambiguous}")
    for line in worst:
        print(f"  not restored: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
