"""One writer at a time: an advisory lock on the project root.

Two runs writing the same catalogs could interleave their merges and lose a
translation; the second run says who holds the lock and stops (exit 2), or
waits for it with ``wait``. The lock is ``flock`` on
``.pipeline-cache/lock``: the kernel drops it when its holder exits, even on
SIGKILL, so a crashed run never leaves the project locked.

flock belongs to the open file, which a fork shares: a forked worker that
outlived its run would hold the lock for good. So every fork closes, in the
child, the lock descriptors this process holds (``os.register_at_fork``):
no child of any kind inherits the lock.

A run stopped part-way (SIGTERM, SIGHUP, Ctrl-C: an exception that is not an
``Exception`` unwinding through the lock) cleans up before it lets go: its
workers killed, its writes in flight finished and the queued ones dropped,
the temporary files swept from the folders runs write.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from . import files, pool, signals
from .errors import PipelineError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: runs are not serialised there
    fcntl = None  # type: ignore[assignment]

LOCK = Path(".pipeline-cache") / "lock"

# The lock descriptors this process holds: closed in every child it forks.
_held: set[int] = set()


def _close_held() -> None:
    for fd in _held:
        with suppress(OSError):
            os.close(fd)
    _held.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_held)


def folders(root: Path) -> list[Path]:
    """The folders a run writes, where a stopped or killed one may leave temporary files."""
    from .config import load

    try:
        config = load(root)
    except (PipelineError, OSError):  # unreadable settings: the defaults' folders
        return [root / "content", root / "locales", root / "build", root / LOCK.parent]
    return [config.content, config.locales, config.build, config.root / LOCK.parent]


def stopped(root: Path, sweep: Iterable[Path] | None = None) -> bool:
    """Clean up after a run stopped part-way, before it releases the lock:
    kill its workers and sweep the temporary files from ``sweep`` (default: :func:`folders`).
    True if all went well (else the next run sweeps again)."""
    pool.stop_all()
    try:
        files.sweep_temp(folders(root) if sweep is None else sweep)
    except OSError:
        return False
    return True


@contextmanager
def exclusive(root: Path, wait: bool = False, sweep: Iterable[Path] | None = None) -> Iterator[bool]:
    """Hold the project's lock for the body; refuse (or wait) if another run has it.

    Yields True when the last run that held it never finished (it was
    killed): it may have left temporary files for the caller to sweep. If
    the body is stopped (a BaseException that is not an Exception: SIGTERM
    via :mod:`pipeline.signals`, Ctrl-C), :func:`stopped` cleans up before
    the lock is released; ``sweep`` names the folders (default: the
    settings' ones). On an error, writes in flight are waited for.
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
    _held.add(fd)
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
        clean = False
        try:
            yield killed
            clean = True
        except Exception:
            with signals.deferred():  # a signal now is raised once the run is tidy
                pool.stop_all()
            clean = True
            raise
        except BaseException:
            with signals.deferred():
                clean = stopped(root, sweep)
            raise
        finally:
            if clean:  # else "running" stays: the next run sweeps
                _say(fd, "done\n")
    finally:
        with signals.deferred():
            _held.discard(fd)
            os.close(fd)  # closing the descriptor releases the lock


def _say(fd: int, text: str) -> None:
    os.ftruncate(fd, 0)
    os.pwrite(fd, text.encode("ascii"), 0)
