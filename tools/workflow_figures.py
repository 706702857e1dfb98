"""Figures of a translator's workflow on a course, for before/after notes.

    python tools/workflow_figures.py ../shared/corpus/course [--pipeline CMD]

Copies the course into a scratch project, then, each on a fresh copy of the
first rebuild's result, plays what translators' tools do and counts what the
gate says. ``--pipeline`` is the command to run (default: this venv's
``pipeline``): point it at another checkout's to measure that one. Only the
CLI is used, so any version can be measured; the judging (which copies are
Vietnamese) is this checkout's pipeline.langid.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from pipeline import langid  # noqa: E402


def run(cmd: list[str], root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*cmd, "--root", str(root)], capture_output=True, text=True, check=False)


def stale(pipeline: list[str], root: Path) -> int:
    out = run([*pipeline, "check", "--format", "json"], root).stdout
    try:
        findings = json.loads(out)["findings"]
    except (ValueError, KeyError):
        return -1
    return sum(1 for f in findings if f["rule"] == "catalog-stale")


def digests(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted((root / "locales").rglob("*"))
        if p.is_file()
    }


def catalogs(root: Path, lang: str = "en") -> list[Path]:
    return sorted((root / "locales" / lang).rglob("*.po"))


def copies(root: Path, lang: str) -> tuple[int, int, int]:
    """Entries whose translation is their source: all, Vietnamese ones, active total."""
    n = vi = total = 0
    for path in catalogs(root, lang):
        for e in polib.pofile(str(path)):
            if e.obsolete:
                continue
            total += 1
            if e.msgstr and e.msgstr == e.msgid:
                n += 1
                vi += langid.vietnamese(e.msgid)
    return n, vi, total


def fresh(base: Path, scratch: Path, name: str) -> Path:
    root = scratch / name
    shutil.copytree(base, root, symlinks=True)
    return root


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("course", type=Path)
    parser.add_argument("--pipeline", default=str(Path(sys.executable).parent / "pipeline"))
    args = parser.parse_args()
    pipeline = args.pipeline.split()
    figures: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="figures-") as tmp:
        scratch = Path(tmp)
        base = scratch / "base"
        shutil.copytree(args.course, base / "content")
        (base / "pyproject.toml").write_text(
            '[project]\nname = "course"\n[tool.pipeline]\nlanguages = ["en"]\nproject = "course"\n', encoding="utf-8"
        )
        run([*pipeline, "rebuild"], base)
        figures["stale after a clean rebuild"] = stale(pipeline, base)

        # A translator translates the msgid most catalogs share, in one catalog, commits, no update.
        root = fresh(base, scratch, "translate")
        counter = collections.Counter(
            e.msgid for p in catalogs(root) for e in polib.pofile(str(p)) if not e.obsolete and not e.msgstr
        )
        msgid, holders = counter.most_common(1)[0]
        for path in catalogs(root):
            po = polib.pofile(str(path))
            entry = po.find(msgid)
            if entry is not None and not entry.obsolete and not entry.msgstr:
                entry.msgstr = "Translated by hand"
                po.save()
                break
        figures[f"stale after one hand translation (a msgid {holders} catalogs hold)"] = stale(pipeline, root)
        run([*pipeline, "update"], root)
        before = digests(root)
        run([*pipeline, "update"], root)
        figures["files a second update rewrites"] = sum(1 for k, v in digests(root).items() if before.get(k) != v)
        figures["stale right after update"] = stale(pipeline, root)

        # GNU msgcat's layout (wrap at 79), then update.
        root = fresh(base, scratch, "msgcat")
        files = [*catalogs(root), *sorted((root / "locales").rglob("*.pot"))]
        for path in files:
            subprocess.run(["msgcat", "-o", str(path), str(path)], check=True)
        figures[f"stale after msgcat of {len(files)} files"] = stale(pipeline, root)
        before = digests(root)
        run([*pipeline, "update"], root)
        figures["files update rewrites after msgcat"] = sum(1 for k, v in digests(root).items() if before.get(k) != v)

        # Weblate appends a header field.
        root = fresh(base, scratch, "weblate")
        for path in catalogs(root):
            po = polib.pofile(str(path))
            po.metadata["X-Generator"] = "Weblate 5.8"
            po.save()
        figures["stale after Weblate's X-Generator"] = stale(pipeline, root)

        # GNU msgattrib (drops flags it does not know).
        root = fresh(base, scratch, "msgattrib")
        copied_before = json.loads(run([*pipeline, "stats", "--format", "json"], root).stdout)
        for path in catalogs(root):
            subprocess.run(["msgattrib", "-o", str(path), str(path)], check=True)
        copied_after = json.loads(run([*pipeline, "stats", "--format", "json"], root).stdout)
        figures["stats the same after msgattrib"] = copied_before == copied_after

        n, vi, total = copies(base, "en")
        figures["en: entries copied from the source"] = n
        figures["en: of them Vietnamese (langid)"] = vi
        figures["en: active entries"] = total

        # Four languages.
        root = fresh(base, scratch, "langs")
        (root / "pyproject.toml").write_text(
            '[tool.pipeline]\nlanguages = ["en", "fr", "ja", "pl"]\nproject = "course"\n', encoding="utf-8"
        )
        run([*pipeline, "rebuild"], root)
        for lang in ("fr", "ja", "pl"):
            n, vi, total = copies(root, lang)
            figures[f"{lang}: copied from the source (% of entries)"] = round(100 * n / total, 1) if total else 0
        pl = catalogs(root, "pl")
        figures["pl Plural-Forms"] = polib.pofile(str(pl[0])).metadata.get("Plural-Forms") if pl else None

        # An untranslated lesson renamed.
        root = fresh(base, scratch, "rename")
        lesson = sorted((root / "content").rglob("*.md"))[3]
        po_path = root / "locales" / "en" / lesson.relative_to(root / "content").with_suffix(".po")
        po = polib.pofile(str(po_path))
        po.metadata["Last-Translator"] = "Ana <ana@example.org>"
        po.save()
        lesson.rename(lesson.with_name("renamed_" + lesson.name))
        run([*pipeline, "rebuild"], root)
        new = po_path.with_name("renamed_" + po_path.name)
        kept = new.exists() and polib.pofile(str(new)).metadata.get("Last-Translator") == "Ana <ana@example.org>"
        figures["untranslated lesson renamed keeps its catalog"] = kept
        figures["old catalog left behind"] = po_path.exists()
        check = json.loads(run([*pipeline, "check", "--format", "json"], root).stdout or "{}")
        figures["orphans check reports"] = sum(1 for f in check.get("findings", []) if f["rule"] == "orphan-catalog")
    for key, value in figures.items():
        print(f"{key}\t{value}")


if __name__ == "__main__":
    main()
