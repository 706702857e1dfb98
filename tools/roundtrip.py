"""Prove the pipeline on a whole course: identity, pseudo-translation, gettext.

    python tools/roundtrip.py ../shared/corpus/course [--lang en]

Copies the course into a scratch project, runs `pipeline rebuild`, checks
every catalog with GNU `msgfmt --check`, then rebuilds with every msgstr set
to its msgid (each lesson must come back byte for byte) and with a
case-swapped pseudo-translation (each lesson must parse to the same
structure with every prose letter swapped). Prints the figures; exits 1 on
any failure.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pipeline import api
from pipeline.verify import round_trip


def msgfmt_failures(root: Path) -> tuple[int, list[str]]:
    files = sorted((root / "locales").rglob("*.po")) + sorted((root / "locales").rglob("*.pot"))
    failed = []
    for path in files:
        proc = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True)
        if proc.returncode:
            failed.append(f"{path.relative_to(root)}: {proc.stderr.strip()}")
    return len(files), failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("content", type=Path, help="folder of lessons (a content/ tree)")
    parser.add_argument("--lang", default="en")
    args = parser.parse_args()
    if shutil.which("msgfmt") is None:
        print("msgfmt not found: install GNU gettext", file=sys.stderr)
        return 2
    ok = True
    with tempfile.TemporaryDirectory(prefix="pipeline-msgfmt-") as scratch:
        root = Path(scratch)
        shutil.copytree(args.content, root / "content")
        start = time.perf_counter()
        report = api.rebuild(root, [args.lang])
        elapsed = time.perf_counter() - start
        checked, failed = msgfmt_failures(root)
    print(f"rebuild: {report.summary()} in {elapsed:.2f}s")
    for finding in report.findings:
        print(f"  {finding}")
    print(f"msgfmt --check: {checked - len(failed)}/{checked} catalogs accepted")
    for line in failed:
        print(f"  {line}")
    ok &= not failed and report.exit_code == 0

    result = round_trip(args.content, args.lang)
    share = 100.0 * result.structure_ok / result.lessons if result.lessons else 100.0
    print(f"identity round-trip: {result.identical}/{result.lessons} lessons byte-identical")
    print(f"pseudo round-trip: {result.structure_ok}/{result.lessons} lessons same structure ({share:.1f}%)")
    for lesson, problems in result.failures.items():
        print(f"  {lesson}: {'; '.join(problems[:3])}")
    ok &= result.ok
    print("round-trip: PASS" if ok else "round-trip: FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
