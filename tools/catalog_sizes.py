"""Entries per lesson catalog with and without the shared boilerplate catalog.

python tools/catalog_sizes.py ../shared/corpus/course
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from pipeline import api, po
from pipeline.lessons import SHARED


def sizes(content: Path, settings: str) -> tuple[list[int], int]:
    with tempfile.TemporaryDirectory(prefix="pipeline-sizes-") as scratch:
        root = Path(scratch)
        shutil.copytree(content, root / "content")
        (root / "pyproject.toml").write_text(settings, encoding="utf-8")
        api.extract(root)
        templates = root / "locales" / "templates"
        lessons = [
            len(po.loads(p.read_text(encoding="utf-8"), str(p)))
            for p in sorted(templates.rglob("*.pot"))
            if p.stem != SHARED
        ]
        shared = templates / f"{SHARED}.pot"
        return lessons, len(po.loads(shared.read_text(encoding="utf-8"), str(shared))) if shared.exists() else 0


def main() -> int:
    content = Path(sys.argv[1] if len(sys.argv) > 1 else "content")
    for label, settings in (
        ("without shared catalog", "[tool.pipeline]\nboilerplate = []\n"),
        ("with shared catalog", ""),
    ):
        lessons, shared = sizes(content, settings)
        print(
            f"{label}: {len(lessons)} lesson catalogs, {sum(lessons)} entries "
            f"(mean {statistics.mean(lessons):.1f}, median {statistics.median(lessons):g} per lesson); "
            f"shared catalog {shared} entries; total {sum(lessons) + shared}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
