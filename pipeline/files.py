"""File I/O that never leaves a half-written file behind.

Modes: a new file gets the mode ``open()`` would give it (0o666 less the
umask, or the folder's default ACL): the kernel applies it, as the temporary
file is created with 0o666, so no umask is read (reading it means setting it,
racing every thread). A replaced file keeps its mode: the temporary file is
created 0o600 and fchmod-ed to the old file's mode before the data goes in.

Durability is a choice per write (``replace(..., durable=...)``): a catalog
under ``locales/<lang>/`` is translators' work, so it is fsynced before the
rename and its folder after it; what a rebuild regenerates (templates, build
trees, the cache) is only renamed: a power cut may lose the last run's output,
never a mix, and the next run writes it again. The default is durable.

Fault injection, for tests: ``PIPELINE_FAULTS`` holds rules separated by
";", each ``<op>:<glob>=<ERRNO>``, e.g.
``write:locales/en/*.po=ENOSPC;read:content/a.md=EACCES``. ``op`` is
``write`` (in :func:`replace`, after the temporary file is made, before any
byte goes in), ``rename`` (in :func:`replace`, before the rename) or
``read`` (:func:`read_bytes`, so :func:`read_text`); the glob (fnmatch: ``*``
crosses folders) is matched against the absolute path when it is absolute,
else against the path relative to the working directory; the errno is a
name from :mod:`errno`. A match raises ``OSError(errno)``. The variable is
read on each call (so forked workers, subprocesses and monkeypatch.setenv
see it) and parsed once per value; unset, it costs one dict lookup.
"""

from __future__ import annotations

import errno
import fnmatch
import hashlib
import os
import re
import secrets
from collections.abc import Iterable, Iterator
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


FAULTS = "PIPELINE_FAULTS"
_faults: tuple[str, list[tuple[str, str, int]]] = ("", [])


def _rules(spec: str) -> list[tuple[str, str, int]]:
    """``PIPELINE_FAULTS`` parsed: (op, glob, errno) per rule; a bad rule raises ValueError."""
    rules = []
    for rule in filter(None, (r.strip() for r in spec.split(";"))):
        where, sep, name = rule.rpartition("=")
        op, colon, pattern = where.partition(":")
        code = getattr(errno, name.strip(), None)
        if not sep or not colon or op not in ("write", "rename", "read") or not isinstance(code, int):
            raise ValueError(f"{FAULTS}: bad rule {rule!r} (want <write|rename|read>:<glob>=<ERRNO>)")
        rules.append((op, pattern, code))
    return rules


def fault(op: str, path: Path | str) -> None:
    """Raise the OSError ``PIPELINE_FAULTS`` injects for ``op`` on ``path``, if any."""
    global _faults
    spec = os.environ.get(FAULTS)
    if not spec:
        return
    if _faults[0] != spec:
        _faults = (spec, _rules(spec))
    full = os.path.abspath(path)
    here = os.path.relpath(full)
    for rule_op, pattern, code in _faults[1]:
        if rule_op == op and fnmatch.fnmatchcase(full if os.path.isabs(pattern) else here, pattern):
            raise OSError(code, f"{os.strerror(code)} (injected by {FAULTS})", os.fspath(path))


class Outside(OSError):
    """A file of a fenced folder that really lies outside it (a symbolic
    link, or a linked folder on the way): refused before a byte is read."""

    def __init__(self, path: str, target: str) -> None:
        super().__init__(f"a symbolic link leads it out of the project, to {target}")
        self.filename, self.target = path, target


# Folders whose files are read only where they really lie: {the folder as
# written (absolute, normalized): its real path}. A project fences its root
# and its content folder (itself possibly a link: see lessons.discover), so
# a catalog, template or glossary linked to a file elsewhere (a secret, a
# catalog of another project) is never read, whatever reads it.
_FENCES: dict[str, str] = {}


def fence(*folders: Path) -> None:
    """Read a file under one of ``folders`` (as written) from now on only when
    its real path lies under that folder's real path. A file outside every
    fenced folder is read as it is: the fence never refuses what is not a project's."""
    for folder in folders:
        _FENCES[os.path.abspath(folder)] = os.path.realpath(folder)


def _fenced(path: Path | str) -> None:
    """Raise :class:`Outside` if ``path`` lies in a fenced folder as written but not really."""
    full = os.path.abspath(path)
    here = os.path.dirname(full)
    while (real := _FENCES.get(here)) is None:
        up = os.path.dirname(here)
        if up == here:
            return
        here = up
    target = os.path.realpath(full)
    if target != real and not target.startswith(real.rstrip(os.sep) + os.sep) and os.path.exists(target):
        raise Outside(os.fspath(path), target)  # (a file that is not there is not there: open() says so)


def read_bytes(path: Path) -> bytes:
    """``path.read_bytes()``, through the fault-injection seam (see the
    module's docstring), never out of a fenced folder (:func:`fence`)."""
    fault("read", path)
    if _FENCES:
        _fenced(path)
    with open(path, "rb", buffering=0) as handle:  # one read of the whole file, no buffer copy
        return handle.readall()


_TEMP_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def _temp(path: Path, mode: int) -> tuple[int, str]:
    """A new file beside ``path``, named as :func:`sweep_temp` expects, and its descriptor."""
    while True:
        tmp = os.path.join(path.parent, f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(tmp, _TEMP_FLAGS, mode), tmp
        except FileExistsError:
            continue


def replace(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Atomically replace ``path`` with ``data``: a temporary file in the
    same folder, renamed over it. A reader (or a run killed half-way) sees
    the old bytes or the new, never a mix. ``durable``: fsync the file
    before the rename and its folder after, so a power cut cannot lose it
    (see the module's docstring for which writes want it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        old = os.stat(path).st_mode & 0o7777
    except (FileNotFoundError, NotADirectoryError):
        old = None
    # New: 0o666 less the umask, applied by the kernel. Replaced: private
    # until it has the old file's mode, which may be narrower than the umask's.
    fd, tmp = _temp(path, 0o666 if old is None else 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            if old is not None and old != 0o600:
                os.fchmod(handle.fileno(), old)
            fault("write", path)
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        fault("rename", path)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if durable:
        _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """fsync a folder, so a rename in it survives a power cut (not every
    system or file system can: then the rename is as durable as it gets)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_if_changed(path: Path, data: bytes, *, durable: bool = False) -> bool:
    """Atomically replace ``path`` with ``data`` unless it already holds it.

    Unchanged files keep their bytes and modification time, so a rebuild
    with nothing to do writes nothing. Used for what can be made again (the
    cache): not fsynced unless ``durable``.
    """
    if unchanged(path, data):
        return False
    replace(path, data, durable=durable)
    return True


# What _temp (and mkstemp, before it) names temporary files: ".<name>.<8 random characters>.tmp".
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


def read_text(path: Path, shown: str) -> tuple[str | None, Finding | None]:
    """The file as UTF-8 text, or a finding naming the line of the bad byte
    (or the link that leads it out of the project: never read)."""
    try:
        data = read_bytes(path)
    except Outside as exc:
        return None, outside(shown, exc)
    return decode(data, shown)


def outside(shown: str, exc: Outside) -> Finding:
    """A file a symbolic link leads out of the project, as a finding."""
    return Finding(
        shown,
        0,
        "symlink",
        f"symbolic link out of the project ({exc.target}): refused, not read (copy the file into the project instead)",
    )


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
