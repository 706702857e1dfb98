"""One writer at a time: an advisory lock on the project root.

Two runs writing the same catalogs could interleave their merges and lose a
translation; the second run says who holds the lock and stops (exit 2), or
waits for it with ``wait``. The lock is ``flock`` on
``.pipeline-cache/lock``: the kernel drops it when its holder exits, even on
SIGKILL, so a crashed run never leaves the project locked.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import PipelineError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: runs are not serialised there
    fcntl = None  # type: ignore[assignment]

LOCK = Path(".pipeline-cache") / "lock"


@contextmanager
def exclusive(root: Path, wait: bool = False) -> Iterator[bool]:
    """Hold the project's lock for the body; refuse (or wait) if another run has it.

    Yields True when the last run that held it never finished (it was
    killed): it may have left temporary files for the caller to sweep.
    """
    if fcntl is None or not root.is_dir():
        yield False
        return
    path = root / LOCK
    if path.parent.is_symlink() or (path.parent.exists() and not path.parent.resolve().is_relative_to(root.resolve())):
        raise PipelineError(
            LOCK.parent.as_posix(),
            0,
            "the cache folder is a symbolic link: refusing to write through it (delete it; it is rebuilt)",
            rule="outside-root",
        )
    path.parent.mkdir(exist_ok=True)
    # O_NOFOLLOW: a lock file planted as a symlink must not make us truncate its target.
    fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            holder = (os.pread(fd, 64, 0).decode("ascii", "replace").split() or ["?"])[0]
            raise PipelineError(
                LOCK.as_posix(),
                0,
                f"another pipeline run (pid {holder}) is writing this project: "
                "wait for it to finish, or pass --wait to queue behind it",
                rule="locked",
            ) from None
        # The file says "<pid> running" while a run works and "done" after:
        # finding "running" with the lock free means its run was killed.
        killed = b"running" in os.pread(fd, 64, 0)
        _say(fd, f"{os.getpid()} running\n")
        try:
            yield killed
        finally:
            _say(fd, "done\n")
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _say(fd: int, text: str) -> None:
    os.ftruncate(fd, 0)
    os.pwrite(fd, text.encode("ascii"), 0)
