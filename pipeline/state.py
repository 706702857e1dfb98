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

from .files import UNREADABLE, content_hash, tree, write_if_changed

VERSION = 2  # 2: the records in records.json
FOLDER = ".pipeline-cache"


def _hash(path: str | Path) -> str:
    try:
        with open(path, "rb", buffering=0) as handle:  # one read of the whole file, no buffer copy
            return content_hash(handle.readall())
    except OSError:
        return UNREADABLE  # gone or unreadable since the walk: the run will say


def snapshot(root: Path, folders: list[Path]) -> dict[str, str]:
    """Hash of every file under ``folders`` and of the settings file."""
    files: dict[str, str] = {}
    for folder in folders:
        try:
            prefix = folder.relative_to(root).as_posix() + "/"
        except ValueError:
            prefix = folder.as_posix() + "/"  # a folder set outside the root: known by its own path
        for path, rel in tree(folder):
            files[prefix + rel] = _hash(path)
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
    """Record a run: the records (large: every catalog's entries) in a file of
    their own, named by hash from state.json, so that a no-op run reads only
    the small one; written first, so state.json never names records it lacks."""
    extra = (json.dumps(records or {}, ensure_ascii=False) + "\n").encode("utf-8")
    write_if_changed(root / FOLDER / "records.json", extra)
    payload = {
        "version": VERSION,
        "files": dict(sorted(files.items())),
        "figures": figures,
        "records": content_hash(extra),
    }
    write_if_changed(root / FOLDER / "state.json", (json.dumps(payload, ensure_ascii=False) + "\n").encode("utf-8"))
    ignore = root / FOLDER / ".gitignore"
    if not ignore.exists():
        write_if_changed(ignore, b"*\n")


def load_records(root: Path, state: dict[str, Any]) -> dict[str, Any]:
    """The records state.json names; none if the file is missing or is not
    the one it names (a run killed between the two writes)."""
    try:
        extra = (root / FOLDER / "records.json").read_bytes()
    except OSError:
        return {}
    if content_hash(extra) != state.get("records"):
        return {}
    try:
        data = json.loads(extra)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def unchanged(state: dict[str, Any] | None, now: dict[str, str]) -> dict[str, Any] | None:
    """The last run's figures if no file changed since (``now``), else None."""
    if state is None or now != state.get("files") or UNREADABLE in now.values():
        return None
    figures = state.get("figures")
    return figures if isinstance(figures, dict) else None
