"""The no-op fast path: a record of the last complete rebuild, by content hash.

`.pipeline-cache/state.json` (git-ignored, safe to delete) lists every file
of content/, locales/ and the build trees with its hash, and the figures of
that run. When every file still hashes the same, a rebuild has nothing to
do and says so without parsing anything. The record is never trusted over
the files: any difference, a new file or a missing one means a full run.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .files import content_hash, write_if_changed

VERSION = 1
FOLDER = ".pipeline-cache"


def _hash(path: Path) -> str:
    return content_hash(path.read_bytes())


def snapshot(root: Path, folders: list[Path]) -> dict[str, str]:
    """Hash of every file under ``folders`` and of the settings file."""
    files: dict[str, str] = {}
    for folder in folders:
        if folder.is_dir():
            for path in folder.rglob("*"):
                if path.is_file():
                    files[path.relative_to(root).as_posix()] = _hash(path)
    settings = root / "pyproject.toml"
    if settings.is_file():
        files["pyproject.toml"] = _hash(settings)
    return files


def load(root: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((root / FOLDER / "state.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("version") == VERSION else None


def save(root: Path, files: dict[str, str], figures: dict[str, Any], records: dict[str, Any] | None = None) -> None:
    payload = {"version": VERSION, "files": dict(sorted(files.items())), "figures": figures, "records": records or {}}
    write_if_changed(root / FOLDER / "state.json", (json.dumps(payload, ensure_ascii=False) + "\n").encode("utf-8"))
    ignore = root / FOLDER / ".gitignore"
    if not ignore.exists():
        write_if_changed(ignore, b"*\n")


def unchanged(state: dict[str, Any] | None, now: dict[str, str]) -> dict[str, Any] | None:
    """The last run's figures if no file changed since (``now``), else None."""
    if state is None or now != state.get("files"):
        return None
    figures = state.get("figures")
    return figures if isinstance(figures, dict) else None
