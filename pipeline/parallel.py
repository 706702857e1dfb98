"""A function of (item, context) over many items, on every core.

Workers are forked: they inherit the context (memory, glossary, settings)
instead of receiving it, and send back only each item's result, in the
order of the items, as soon as it and those before it are done.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
C = TypeVar("C")
R = TypeVar("R")

# Below this many items, worker processes cost more than they save.
PARALLEL_MIN = 24

# What the forked workers inherit: the function and its context.
_FORKED: tuple[Callable[[Any, Any], Any], Any] | None = None


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


def _call(item: Any) -> Any:
    assert _FORKED is not None
    fn, context = _FORKED
    return fn(item, context)


def ordered_map(fn: Callable[[T, C], R], items: list[T], context: C, count: int) -> Iterator[R]:
    """``fn(item, context)`` for each item in ``count`` forked workers, the
    results in the order of ``items``."""
    global _FORKED
    _FORKED = (fn, context)
    chunk = max(1, min(8, len(items) // (count * 8)))
    try:
        with ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("fork")) as pool:
            yield from pool.map(_call, items, chunksize=chunk)
    finally:
        _FORKED = None
