"""Work on every core: forked workers that die with their run.

:func:`ordered_map` is the one way the package runs work in other processes.
Workers are forked (they inherit the caller's memory: the items are never
pickled, only their results), and results come back in the order of the
items, so a caller reports findings as one process would.

A worker must never outlive its run: one blocked on a pipe would keep
whatever it inherited (the project's lock: see :mod:`pipeline.lock`, which
closes it in every child). So in each worker, SIGINT, SIGTERM and SIGHUP
take their default action (Ctrl-C to the process group stops it at once;
the run's own handlers are not inherited); on Linux, the kernel kills it
when its parent dies (PR_SET_PDEATHSIG); and before each task, and after
that request, it checks its parent is still the process that forked it,
which works on every system and closes the race with a parent that died
first. (The kernel's signal comes when the forking thread ends: call
:func:`ordered_map` from a thread that outlives the pool.) In the parent,
when the consumer stops early or an exception (a signal's too) unwinds through the generator, the workers are killed and
reaped at once; :func:`stop_all` does the same for every pool of the
process, for a caller unwinding outside the generator.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import multiprocessing
import os
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any, TypeVar

from . import signals

T = TypeVar("T")
R = TypeVar("R")

# Tasks sent ahead to each worker: one to work on, one to start right after.
DEPTH = 2
# Below this many items, worker processes cost more than they save.
PARALLEL_MIN = 24
_PR_SET_PDEATHSIG = 1


class WorkerDied(RuntimeError):
    """A worker process ended (killed, out of memory) before sending its result."""


class RemoteTraceback(Exception):
    """The traceback of an exception raised in a worker, as text (its __cause__)."""

    def __str__(self) -> str:
        return "\n" + str(self.args[0])


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    conn: Connection
    busy: list[int] = field(default_factory=list)  # items sent, results not back yet

    def stop(self) -> None:
        """Kill and reap (a no-op once done)."""
        with signals.deferred():
            if self.process.exitcode is None:
                self.process.kill()
            self.process.join()
            self.conn.close()
            _live.discard(self)


# Every worker this process started and has not reaped.
_live: set[_Worker] = set()


_forking = False  # a worker is being forked: see _in_child
_STOPS = (signal.SIGINT, *signals.SIGNALS)


def _in_child() -> None:
    """Right after any fork: the child owns none of its parent's workers,
    and a worker takes the default action on a stop signal (dies at once)."""
    _live.clear()
    if _forking:
        for signum in _STOPS:
            signal.signal(signum, signal.SIG_DFL)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_in_child)


def stop_all() -> None:
    """Kill and reap every worker of this process (a run stopped part-way)."""
    for worker in list(_live):
        worker.stop()


@functools.cache
def _libc() -> Any:
    """The C library, for prctl; None off Linux or without it."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


def _orphaned(parent: int) -> bool:
    return os.getppid() != parent


def _serve(
    conn: Connection, fn: Callable[[Any], Any], items: Sequence[Any], parent: int, others: list[Connection]
) -> None:
    """A worker's life: item indexes in, (index, ok, result) out, until
    told to stop (None), its parent gone or its pipe closed."""
    for inherited in others:
        inherited.close()  # else the parent's death would not close our pipe
    for signum in _STOPS:
        signal.signal(signum, signal.SIG_DFL)
    libc = _libc()
    if libc is not None:
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    while not _orphaned(parent):
        try:
            index = conn.recv()
        except (EOFError, OSError):
            return
        if index is None or _orphaned(parent):
            return
        try:
            result = fn(items[index])
        except Exception as exc:  # noqa: BLE001 - raised in the parent, at the item's turn
            _send_error(conn, index, exc, "".join(traceback.format_exception(exc)))
            continue
        try:
            conn.send((index, True, result))
        except Exception as exc:  # noqa: BLE001 - the result does not pickle: say so, do not hang
            _send_error(conn, index, RuntimeError(f"item {index}'s result cannot be sent back: {exc!r}"), "")


def _send_error(conn: Connection, index: int, exc: Exception, remote: str) -> None:
    """An exception in two messages: what it says (plain data, always
    readable), then the exception itself, or None if it does not pickle;
    the parent falls back on the first if the second does not unpickle
    (an exception whose constructor its args do not fit)."""
    conn.send((index, False, f"{type(exc).__name__}: {exc}", remote))
    try:
        conn.send(exc)
    except Exception:  # noqa: BLE001 - any failure to pickle: the summary stands
        conn.send(None)


def _receive(worker: _Worker) -> tuple[int, bool, Any]:
    """The next result from ``worker``: (index, True, value), or (index,
    False, (exception, remote traceback))."""
    try:
        message = worker.conn.recv()
        if message[1]:
            index, _, value = message
            return index, True, value
        index, _, summary, remote = message
        try:
            error = worker.conn.recv()
        except (EOFError, OSError):
            raise
        except Exception:  # noqa: BLE001 - it does not unpickle: the summary stands
            error = None
    except (EOFError, OSError):
        raise _died(worker) from None
    if not isinstance(error, BaseException):
        error = RuntimeError(summary)
    return index, False, (error, remote)


def _start(process: BaseProcess) -> None:
    """Fork a worker; a signal meanwhile is raised after (Python would
    swallow its exception in a fork hook)."""
    global _forking
    with signals.deferred():
        _forking = True
        try:
            process.start()
        finally:
            _forking = False


def _died(worker: _Worker) -> WorkerDied:
    worker.process.join(1)
    code = worker.process.exitcode
    if code is not None and code < 0:
        how = f"killed by {signal.Signals(-code).name}"
    else:
        how = f"exit status {code}" if code is not None else "its pipe closed"
    item = f" while working on item {worker.busy[0]}" if worker.busy else ""
    return WorkerDied(f"worker process {worker.process.pid} died ({how}){item}")


def workers(count: int) -> int:
    """How many forked workers ``count`` items are worth: 0 when they cost
    more than they save (few items, one core, no fork)."""
    cores = min(os.cpu_count() or 1, 8)
    # Forking a process that runs threads may copy a held lock: only from a
    # single-threaded one.
    if cores < 2 or count < PARALLEL_MIN or threading.active_count() > 1:
        return 0
    if "fork" not in multiprocessing.get_all_start_methods():
        return 0
    return cores


def ordered_map(fn: Callable[[T], R], items: Sequence[T], workers: int) -> Generator[R, None, None]:
    """``fn`` on each of ``items`` in ``workers`` forked processes, the
    results yielded in the order of ``items``. At most a few items per
    worker are in flight or waiting to be yielded. An exception ``fn``
    raised is raised here, at its item's turn (with the worker's traceback
    as its cause); a worker that dies raises :class:`WorkerDied`."""
    count = len(items)
    if not count:
        return
    context = multiprocessing.get_context("fork")
    parent = os.getpid()
    _libc()  # loaded before forking: each worker need not
    crew: list[_Worker] = []
    done: dict[int, tuple[bool, Any]] = {}
    sent = 0  # items sent so far (they go in order)
    turn = 0  # the next item to yield
    window = max(1, workers) * DEPTH * 2  # items sent beyond the one yielded next
    try:
        for _ in range(max(1, min(workers, count))):
            here, there = context.Pipe(duplex=True)
            process = context.Process(
                target=_serve, args=(there, fn, items, parent, [w.conn for w in crew] + [here]), daemon=True
            )
            try:
                _start(process)
            except BaseException:
                here.close()
                raise
            finally:
                there.close()
            worker = _Worker(process, here)
            crew.append(worker)
            _live.add(worker)
        while turn < count:
            if turn in done:
                ok, value = done.pop(turn)
                turn += 1
                if not ok:
                    error, remote = value
                    raise error from (RemoteTraceback(remote) if remote else None)
                yield value
                continue
            for worker in crew:
                while len(worker.busy) < DEPTH and sent < min(count, turn + window):
                    try:
                        worker.conn.send(sent)
                    except OSError:
                        raise _died(worker) from None
                    worker.busy.append(sent)
                    sent += 1
            ready = wait([w.conn for w in crew if w.busy])
            for worker in (w for w in crew if w.conn in ready):
                index, ok, value = _receive(worker)
                worker.busy.remove(index)
                done[index] = (ok, value)
        for worker in crew:
            with contextlib.suppress(OSError):
                worker.conn.send(None)
        for worker in crew:
            worker.process.join(5)
    finally:
        for worker in crew:
            worker.stop()
