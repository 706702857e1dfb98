"""Speed benchmarks, side by side in one run: pipeline, the floor, the peers.

    pip install -e '.[bench]'
    python benchmarks/run.py [../shared/corpus/course] [--reps 3] [--out benchmarks/RESULTS.md]

Corpora, built in a temporary folder: the course as it is (x1) and ten
copies of its modules under renamed folders (x10). For each, every command
runs in a fresh process (start-up counts), several times; medians are
reported, with peak RSS and ratios:
- floor: a bare markdown-it-py parse of the same files with the same plugins;
- pipeline: cold `rebuild` (no catalogs, no cache), no-op `rebuild`,
  `rebuild` after one lesson was edited, and `rebuild` after a translator
  translated one entry of one catalog; `pipeline --help` (start-up alone);
- peers, on the same work (extract, then rebuild the tree): mdpo (md2po then
  po2md through its Python API, one process) and translate-toolkit (md2po
  then po2md, directory to directory).
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable

FLOOR = """
import sys
from pathlib import Path
from pipeline.markdown import parse
for path in sorted(Path(sys.argv[1]).rglob("*.md")):
    parse(path.read_text(encoding="utf-8"))
"""
MDPO = """
import sys
from pathlib import Path
from mdpo.md2po import markdown_to_pofile
from mdpo.po2md import pofile_to_markdown
content, out = Path(sys.argv[1]), Path(sys.argv[2])
failed = 0
for path in sorted(content.rglob("*.md")):
    rel = path.relative_to(content)
    po = out / "po" / rel.with_suffix(".po")
    md = out / "md" / rel
    po.parent.mkdir(parents=True, exist_ok=True)
    md.parent.mkdir(parents=True, exist_ok=True)
    try:
        markdown_to_pofile(str(path), po_filepath=str(po), save=True)
        pofile_to_markdown(str(path), str(po), save=str(md))
    except Exception:  # mdpo fails on some real lessons: count them, go on
        failed += 1
(out / "failures.txt").write_text(str(failed))
"""


def run(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one command in a fresh process."""
    with tempfile.TemporaryFile() as errors:  # a pipe could fill up and block the child
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        err = errors.read().decode(errors="replace")
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {err[-2000:]}")
    return seconds, usage.ru_maxrss / 1024


def make_corpus(source: Path, target: Path, copies: int) -> int:
    content = target / "content"
    content.mkdir(parents=True)
    for item in sorted(source.iterdir()):
        if item.is_dir():
            for k in range(copies):
                shutil.copytree(item, content / (item.name if copies == 1 else f"{item.name}_copy{k:02d}"))
        else:
            shutil.copy(item, content / item.name)
    return sum(1 for _ in content.rglob("*.md"))


def translate_one(work: Path, lesson: Path) -> None:
    """A translator's save: one paragraph of one lesson's catalog translated
    (one with nothing protected in it, so it is used). A title would do more:
    the footers of its module link to it, and the memory fills those links."""
    import polib

    rel = lesson.relative_to(work / "content").with_suffix(".po")
    path = work / "locales" / "en" / rel
    po = polib.pofile(str(path), wrapwidth=78)
    entry = next(
        e
        for e in po
        if not e.msgstr and e.comment.startswith("paragraph") and not any(c in e.msgid for c in "$`[]<>*_\\|")
    )
    entry.msgstr = "A translated sentence."
    po.save(str(path))


def median_of(samples: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(s for s, _ in samples), max(m for _, m in samples)


def bench(source: Path, copies: int, reps: int, scratch: Path, peers: bool = True) -> dict[str, object]:
    keys = ("floor", "cold", "noop", "edit", "translate", "help", "mdpo", "ttk")
    results: dict[str, list[tuple[float, float]]] = {k: [] for k in keys}
    lessons = mdpo_failures = 0
    for rep in range(reps):
        work = scratch / f"x{copies}-{rep}"
        lessons = make_corpus(source, work, copies)
        content = work / "content"
        results["floor"].append(run([PY, "-c", FLOOR, str(content)], work))
        results["cold"].append(run([PY, "-m", "pipeline", "rebuild", "--root", str(work)], work))
        results["noop"].append(run([PY, "-m", "pipeline", "rebuild", "--root", str(work)], work))
        all_lessons = sorted(content.rglob("*.md"))
        edited = all_lessons[len(all_lessons) // 2]
        edited.write_text(edited.read_text(encoding="utf-8") + "\nMột đoạn văn mới được thêm vào.\n", encoding="utf-8")
        results["edit"].append(run([PY, "-m", "pipeline", "rebuild", "--root", str(work)], work))
        translate_one(work, all_lessons[len(all_lessons) // 3])
        results["translate"].append(run([PY, "-m", "pipeline", "rebuild", "--root", str(work)], work))
        results["help"].append(run([PY, "-m", "pipeline", "--help"], work))
        if not peers:
            results["mdpo"].append((float("nan"), 0.0))
            results["ttk"].append((float("nan"), 0.0))
            shutil.rmtree(work)
            continue
        results["mdpo"].append(run([PY, "-c", MDPO, str(content), str(work / "mdpo")], work))
        mdpo_failures = int((work / "mdpo" / "failures.txt").read_text())
        ttk = work / "ttk"
        ttk.mkdir()
        quiet = ["--progress", "none"]
        md2po = [PY, "-m", "translate.convert.md2po", *quiet, "-i", str(content), "-o", str(ttk / "po")]
        first = run(md2po, work)
        po2md = [PY, "-m", "translate.convert.po2md", *quiet, "-t", str(content), "-i", str(ttk / "po")]
        po2md += ["-o", str(ttk / "md")]
        second = run(po2md, work)
        results["ttk"].append((first[0] + second[0], max(first[1], second[1])))
        shutil.rmtree(work)
    out: dict[str, object] = {"lessons": lessons, "mdpo_failures": mdpo_failures}
    for key, samples in results.items():
        out[key] = median_of(samples)
    return out


def version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def report(figures: dict[int, dict[str, object]], reps: int, source: Path) -> str:
    info = Path("/proc/cpuinfo").read_text().splitlines() if Path("/proc/cpuinfo").exists() else []
    cpu = next((line.split(":", 1)[1].strip() for line in info if "model name" in line), platform.processor())
    lines = [
        "# Benchmark results",
        "",
        f"Reproduce: `pip install -e '.[bench]' && python benchmarks/run.py {source} --reps {reps}`",
        "",
        f"Machine: {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, {platform.system()}. "
        f"Versions: pipeline {version('pipeline')}, markdown-it-py {version('markdown-it-py')}, "
        f"mdpo {version('mdpo')}, translate-toolkit {version('translate-toolkit')}. "
        f"Each figure is the median of {reps} runs in fresh processes; RSS is the peak.",
        "",
        "| corpus | lessons | floor (parse) | cold rebuild | cold / floor | `--help` | no-op | no-op / help "
        "| one edit | edit / cold | one entry translated | translated / cold | peak RSS (cold) | mdpo "
        "| translate-toolkit |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for copies, f in sorted(figures.items()):
        floor, cold, noop, edit, tr, helps = (
            f[k][0]  # type: ignore[index]
            for k in ("floor", "cold", "noop", "edit", "translate", "help")
        )
        rss = f["cold"][1]  # type: ignore[index]
        mdpo, ttk = f["mdpo"][0], f["ttk"][0]  # type: ignore[index]
        failures = f["mdpo_failures"]
        lines.append(
            f"| x{copies} | {f['lessons']} | {floor:.2f}s | {cold:.2f}s | {cold / floor:.2f}x | {helps:.2f}s "
            f"| {noop:.2f}s | {noop / helps:.2f}x | {edit:.2f}s | {edit / cold:.3f} | {tr:.2f}s | {tr / cold:.3f} "
            f"| {rss:.0f} MB | {_peer(mdpo, cold, f'; failed on {failures} lessons')} | {_peer(ttk, cold, '')} |"
        )
    x1, x10 = figures.get(1), figures.get(10)
    if x1 and x10:
        per1 = x1["cold"][0] / x1["lessons"]  # type: ignore[index,operator]
        per10 = x10["cold"][0] / x10["lessons"]  # type: ignore[index,operator]
        # What each lesson beyond the first 105 costs: the start-up every run
        # pays once (interpreter, imports, workers) is not in it.
        added = (x10["cold"][0] - x1["cold"][0]) / (x10["lessons"] - x1["lessons"])  # type: ignore[index,operator]
        lines += [
            "",
            f"Cost per lesson, cold: {1000 * per1:.1f} ms at x1, {1000 * per10:.1f} ms at x10 "
            f"({100 * (per10 / per1 - 1):+.0f}%). Each lesson added from x1 to x10 costs "
            f"{1000 * added:.1f} ms ({100 * (added / per10 - 1):+.0f}% of the x10 average): what x1 pays "
            "beyond that is start-up, paid once per run.",
        ]
    lines += ["", "Peer ratios read as: their time over ours (above 1 means we are faster).", ""]
    if x1 and x10:
        lines += _targets(x1, x10)
    return "\n".join(lines)


def _peer(seconds: float, ours: float, more: str) -> str:
    """A peer's time and its ratio to ours ("not run" with --no-peers)."""
    if math.isnan(seconds):
        return "not run"
    return f"{seconds:.2f}s ({seconds / ours:.1f}x ours{more})"


def _targets(x1: dict[str, object], x10: dict[str, object]) -> list[str]:
    """Each target of issue 12 against what was measured."""

    def t(f: dict[str, object], key: str) -> float:
        return float(f[key][0])  # type: ignore[index]

    def rss(f: dict[str, object]) -> float:
        return float(f["cold"][1])  # type: ignore[index]

    rows = [
        (
            "cold rebuild / bare parse, x10 (rebuild on every core, parse on one)",
            "<= 1.5",
            f"{t(x10, 'cold') / t(x10, 'floor'):.2f}",
            t(x10, "cold") <= 1.5 * t(x10, "floor"),
        ),
        (
            "one entry translated / cold, x1",
            "<= 0.10",
            f"{t(x1, 'translate') / t(x1, 'cold'):.3f}",
            t(x1, "translate") <= 0.10 * t(x1, "cold"),
        ),
        (
            "one entry translated / cold, x10",
            "<= 0.10",
            f"{t(x10, 'translate') / t(x10, 'cold'):.3f}",
            t(x10, "translate") <= 0.10 * t(x10, "cold"),
        ),
        (
            "one lesson edited / cold, x10",
            "<= 0.05",
            f"{t(x10, 'edit') / t(x10, 'cold'):.3f}",
            t(x10, "edit") <= 0.05 * t(x10, "cold"),
        ),
        (
            "no-op / `pipeline --help`, x10",
            "<= 1.3",
            f"{t(x10, 'noop') / t(x10, 'help'):.2f}",
            t(x10, "noop") <= 1.3 * t(x10, "help"),
        ),
        ("peak RSS of a cold rebuild, x10", "<= 150 MB", f"{rss(x10):.0f} MB", rss(x10) <= 150),
        ("peak RSS, x10 minus x1", "<= 50 MB", f"{rss(x10) - rss(x1):.0f} MB", rss(x10) - rss(x1) <= 50),
        (
            "faster than mdpo (extract + rebuild), x10",
            "> 1",
            f"mdpo/ours {t(x10, 'mdpo') / t(x10, 'cold'):.2f}" if not math.isnan(t(x10, "mdpo")) else "not run",
            t(x10, "mdpo") > t(x10, "cold"),
        ),
        (
            "faster than translate-toolkit, x10",
            "> 1",
            f"ttk/ours {t(x10, 'ttk') / t(x10, 'cold'):.2f}" if not math.isnan(t(x10, "ttk")) else "not run",
            t(x10, "ttk") > t(x10, "cold"),
        ),
    ]
    out = ["| target | wanted | measured | met |", "| --- | ---: | ---: | :---: |"]
    out += [f"| {name} | {want} | {value} | {'yes' if ok else 'no'} |" for name, want, value, ok in rows]
    return [*out, ""]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", nargs="?", type=Path, default=ROOT.parent / "shared" / "corpus" / "course")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "RESULTS.md")
    parser.add_argument("--no-peers", action="store_true", help="skip mdpo and translate-toolkit (quick runs)")
    args = parser.parse_args()
    # An installed package has its bytecode compiled at install time; this
    # editable one is compiled once here, so that no measured run pays for
    # compiling the package's sources (PYTHONDONTWRITEBYTECODE may be set).
    subprocess.run([PY, "-m", "compileall", "-q", str(ROOT / "pipeline")], check=True)
    figures = {}
    with tempfile.TemporaryDirectory(prefix="pipeline-bench-") as scratch:
        for copies in args.copies:
            figures[copies] = bench(args.corpus.resolve(), copies, args.reps, Path(scratch), not args.no_peers)
            print(f"x{copies}: {figures[copies]}", flush=True)
    shown = Path(os.path.relpath(args.corpus.resolve(), ROOT))
    text = report(figures, args.reps, shown)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
