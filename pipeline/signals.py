"""SIGTERM and SIGHUP stop a run the way Ctrl-C does: as an exception.

Killed by the default action, a run would leave its workers and temporary
files to chance; raised as :class:`Terminated` in the main thread, the
signal unwinds through the run, whose lock (see :func:`pipeline.lock.stopped`)
kills the workers, settles the writes and sweeps the temporary files before
letting go; the CLI then exits 128 + the signal's number, as a shell would
report the signal.

An exception a signal raises lands wherever the main thread is; where it
would be swallowed (Python ignores exceptions raised in fork hooks, say) or
would cut a cleanup short, :func:`deferred` holds it back until the end of
the block.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

SIGNALS = tuple(s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s is not None)


class Terminated(BaseException):
    """A termination signal arrived: a BaseException, so no ``except Exception`` swallows it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    def __str__(self) -> str:
        return f"stopped by {signal.Signals(self.signum).name}"


Handler = Callable[[int, FrameType | None], Any] | int | signal.Handlers | None

# What terminating() replaced, while it is in force (restored in a forked child).
_replaced: dict[int, Handler] = {}
_deferring = 0  # how many deferred() blocks the main thread is in
_pending: list[int] = []  # signals that arrived in one


def _restore_in_child() -> None:
    """A forked child must not raise Terminated in code that is not the run's."""
    global _deferring
    for signum, old in _replaced.items():
        signal.signal(signum, old)
    _replaced.clear()
    _deferring = 0
    _pending.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_restore_in_child)


def _stop(signum: int) -> BaseException:
    return KeyboardInterrupt() if signum == signal.SIGINT else Terminated(signum)


def _handler(signum: int, frame: FrameType | None) -> None:
    if _deferring:
        _pending.append(signum)
        return
    raise _stop(signum)


@contextmanager
def terminating() -> Iterator[None]:
    """For the body, SIGTERM and SIGHUP raise :class:`Terminated` in the
    main thread, and SIGINT KeyboardInterrupt, unless :func:`deferred`
    holds them back. The old handlers come back on exit. Off the main
    thread (signals go to it alone), or nested, this does nothing."""
    if threading.current_thread() is not threading.main_thread() or _replaced:
        yield
        return
    try:
        for signum in (*SIGNALS, signal.SIGINT):
            old = signal.getsignal(signum)
            if signum == signal.SIGINT and old is not signal.default_int_handler:
                continue  # Ctrl-C ignored (a background job) or handled by our caller: theirs
            _replaced[signum] = signal.signal(signum, _handler)
        yield
    finally:
        for signum, old in _replaced.items():
            signal.signal(signum, old)
        _replaced.clear()


@contextmanager
def deferred() -> Iterator[None]:
    """Hold back the exception of a signal that arrives in the body (see
    :func:`terminating`) and raise it at the end, unless one is already on
    its way out (the run is stopping anyway). Nests."""
    global _deferring
    _deferring += 1
    try:
        yield
    except BaseException:
        _deferring -= 1
        if not _deferring:
            _pending.clear()
        raise
    _deferring -= 1
    if not _deferring and _pending:
        signum = _pending[0]
        _pending.clear()
        raise _stop(signum)
