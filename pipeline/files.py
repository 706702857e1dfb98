"""File I/O that never leaves a half-written file behind."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from .errors import Finding


def is_file(entry: os.DirEntry[str]) -> bool:
    """``entry.is_file()``, False for a link that loops (as Path.is_file)."""
    try:
        return entry.is_file()
    except OSError:
        return False


def entries(folder: Path, hidden: bool = False) -> Iterator[tuple[os.DirEntry[str], str]]:
    """Every entry under ``folder`` with its path from there ("a/b.md"), in
    name order, a folder before what it holds. Linked folders are listed but
    not entered; hidden names (".git") are left out with all they hold,
    unless ``hidden``. No Path is made: a rebuild walks thousands of files."""
    stack = [(os.fspath(folder), "")]
    while stack:
        here, rel = stack.pop()
        try:
            with os.scandir(here) as found:
                listed = sorted((e for e in found if hidden or not e.name.startswith(".")), key=lambda e: e.name)
        except OSError:
            continue
        below = []
        for entry in listed:
            yield entry, rel + entry.name
            if entry.is_dir(follow_symlinks=False):
                below.append((entry.path, f"{rel}{entry.name}/"))
        stack.extend(reversed(below))


def tree(folder: Path) -> Iterator[tuple[str, str]]:
    """Every file under ``folder``, hidden ones too, as (path, path from
    ``folder`` with "/"): what ``rglob("*")`` and ``is_file()`` find (a
    linked folder is not entered, a linked file is followed)."""
    for entry, rel in entries(folder, hidden=True):
        if not entry.is_dir(follow_symlinks=False) and is_file(entry):
            yield entry.path, rel


@dataclass(frozen=True, slots=True)
class Stat:
    """What ``stat`` says of a file: when all four are as recorded, the file
    is taken to hold the bytes recorded (see :mod:`pipeline.cache`)."""

    size: int
    mtime_ns: int
    ctime_ns: int
    ino: int

    @classmethod
    def of(cls, st: os.stat_result) -> Stat:
        return cls(st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


# Stands for a file's hash when it cannot be read: never equal to a hash, and
# never taken as "unchanged" (see state.unchanged, Records.same).
UNREADABLE = "unreadable"


def content_hash(data: bytes) -> str:
    """The hash that tells whether a file changed (state and incremental records).

    SHA-1, for speed: it runs on the CPU's SHA instructions, half again as
    fast as BLAKE2 here, and a no-op rebuild hashes every file of the
    project. It detects change; it guards against no adversary (whoever can
    forge a collision in content/ can simply edit content/)."""
    return hashlib.sha1(data).hexdigest()


def unchanged(path: Path, data: bytes) -> bool:
    """True if ``path`` already holds exactly ``data``."""
    try:
        return path.read_bytes() == data
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return False


def replace(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Atomically replace ``path`` with ``data``: a temporary file in the
    same folder, flushed and fsynced, then renamed over it. A reader (or a
    run killed half-way) sees the old bytes or the new, never a mix."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_if_changed(path: Path, data: bytes, durable: bool = False) -> bool:
    """Atomically replace ``path`` with ``data`` unless it already holds it.

    Unchanged files keep their bytes and modification time, so a rebuild
    with nothing to do writes nothing. Used for what can be made again (the
    cache): not fsynced unless ``durable``.
    """
    if unchanged(path, data):
        return False
    replace(path, data, durable=durable)
    return True


class Writer:
    """Atomic writes on a few threads.

    Each write waits on the disk (fsync), not on the CPU, so a cold run
    that writes hundreds of files overlaps them with its own work. Writes
    to one path keep their order; :meth:`settle` waits for all of them and
    returns the ones that failed.
    """

    def __init__(self, threads: int = 4) -> None:
        self.threads = threads
        self._pool: ThreadPoolExecutor | None = None
        self._pending: dict[Path, Future[None]] = {}

    def submit(self, path: Path, data: bytes) -> None:
        earlier = self._pending.get(path)
        if earlier is not None:
            wait([earlier])  # the same file twice: the later bytes must win
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="pipeline-write")
        self._pending[path] = self._pool.submit(replace, path, data)

    def settle(self) -> list[tuple[Path, BaseException]]:
        failed = [(path, exc) for path, future in self._pending.items() if (exc := future.exception()) is not None]
        self._pending.clear()
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
        return failed


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


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def read_bytes(path: Path) -> bytes:
    """A file's bytes (the one read of lessons and catalogs)."""
    with open(path, "rb", buffering=0) as handle:  # one read of the whole file, no buffer copy
        return handle.readall()


def read_text(path: Path, shown: str) -> tuple[str | None, Finding | None]:
    """The file as UTF-8 text, or a finding naming the line of the bad byte."""
    return decode(read_bytes(path), shown)


def decode(data: bytes, shown: str) -> tuple[str | None, Finding | None]:
    """Bytes as UTF-8 text, or a finding naming the line of the bad byte
    (or saying the file is UTF-16, the usual cause of such a byte at its start)."""
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        if data[:2] in _UTF16_BOMS:
            why = "UTF-16 text (it starts with a UTF-16 byte order mark), not UTF-8: save the file as UTF-8"
            return None, Finding(shown, 1, "encoding", why)
        line = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start : exc.start + 1].hex()
        return None, Finding(
            shown,
            line,
            "encoding",
            f"not valid UTF-8 (byte 0x{bad} at offset {exc.start}); save the file as UTF-8",
        )
