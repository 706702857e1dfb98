"""File I/O that never leaves a half-written file behind."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .errors import Finding


def content_hash(data: bytes) -> str:
    """The hash that tells whether a file changed (state and incremental records)."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def write_if_changed(path: Path, data: bytes) -> bool:
    """Atomically replace ``path`` with ``data`` unless it already holds it.

    Unchanged files keep their bytes and modification time, so a rebuild
    with nothing to do writes nothing.
    """
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


# What mkstemp names our temporary files: ".<name>.<8 random characters>.tmp".
_TEMP = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.tmp$")


def sweep_temp(folders: Iterable[Path]) -> int:
    """Delete temporary files a killed run left behind (a SIGKILL between
    writing one and renaming it leaves it there). Only call this while
    holding the project's lock: no other run can be writing one now."""
    removed = 0
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in folder.rglob(".*.tmp"):
            if _TEMP.match(path.name) and path.is_file() and not path.is_symlink():
                path.unlink(missing_ok=True)
                removed += 1
    return removed


def read_text(path: Path, shown: str) -> tuple[str | None, Finding | None]:
    """The file as UTF-8 text, or a finding naming the line of the bad byte."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start : exc.start + 1].hex()
        return None, Finding(
            shown,
            line,
            "encoding",
            f"not valid UTF-8 (byte 0x{bad} at offset {exc.start}); save the file as UTF-8",
        )
