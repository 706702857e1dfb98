"""pool.ordered_map: results in order, errors at their item's turn, and no
worker left behind whatever way the caller stops."""

from __future__ import annotations

import errno
import os
import signal
import time
from pathlib import Path

import pytest

from pipeline import files, lock, pool
from pipeline.errors import PipelineError


def _children() -> list[int]:
    """This process's live children (zombies are reaped by join, so none should be left)."""
    found = []
    for task in os.listdir(f"/proc/{os.getpid()}/task"):
        with open(f"/proc/{os.getpid()}/task/{task}/children") as handle:
            found += [int(pid) for pid in handle.read().split()]
    return found


@pytest.fixture(autouse=True)
def _no_worker_left() -> None:
    before = set(_children())
    yield
    assert set(_children()) <= before, "a worker outlived its pool"
    assert not pool._live


def _slow_square(n: int) -> int:
    time.sleep(0.02 * (5 - n % 5))  # early items finish last
    return n * n


def test_results_come_in_the_order_of_the_items() -> None:
    assert list(pool.ordered_map(_slow_square, list(range(23)), 3)) == [n * n for n in range(23)]
    assert list(pool.ordered_map(_slow_square, [], 3)) == []


def _pids(n: int) -> int:
    time.sleep(0.01)
    return os.getpid()


def test_the_work_is_done_in_other_processes() -> None:
    pids = set(pool.ordered_map(_pids, list(range(20)), 2))
    assert os.getpid() not in pids
    assert len(pids) == 2


def _fails_on_three(n: int) -> int:
    if n == 3:
        raise ValueError(f"bad item {n}")
    return n


def test_an_exception_is_raised_at_its_items_turn_with_the_workers_traceback() -> None:
    got: list[int] = []
    with pytest.raises(ValueError, match="bad item 3") as caught:
        for n in pool.ordered_map(_fails_on_three, list(range(10)), 2):
            got.append(n)
    assert got == [0, 1, 2]
    assert isinstance(caught.value.__cause__, pool.RemoteTraceback)
    assert "_fails_on_three" in str(caught.value.__cause__)


def _injected_read(n: int) -> bytes:
    return files.read_bytes(Path(f"content/{n}.md"))


def test_an_os_error_arrives_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the engine turns into a finding: an injected fault in a worker."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "content").mkdir()
    for n in range(4):
        (tmp_path / "content" / f"{n}.md").write_bytes(b"# A\n")
    monkeypatch.setenv(files.FAULTS, "read:content/2.md=EACCES")
    with pytest.raises(PermissionError) as caught:
        list(pool.ordered_map(_injected_read, [0, 1, 2, 3], 2))
    assert (caught.value.errno, caught.value.filename) == (errno.EACCES, "content/2.md")


def _raises_pipeline_error(n: int) -> int:
    raise PipelineError("a.md", 3, "cannot read")  # its pickled args do not fit its constructor


def test_an_exception_that_does_not_pickle_back_still_arrives() -> None:
    with pytest.raises(RuntimeError, match=r"PipelineError.*cannot read"):
        list(pool.ordered_map(_raises_pipeline_error, [1, 2], 2))


def _kills_itself_on_two(n: int) -> int:
    if n == 2:
        os.kill(os.getpid(), signal.SIGKILL)
    return n


def test_a_killed_worker_raises_instead_of_hanging() -> None:
    start = time.monotonic()
    with pytest.raises(pool.WorkerDied, match=r"killed by SIGKILL\) while working on item 2"):
        list(pool.ordered_map(_kills_itself_on_two, list(range(8)), 2))
    assert time.monotonic() - start < 5


def _sleepy(n: int) -> int:
    time.sleep(0.05)
    return n


def test_a_consumer_that_stops_early_leaves_no_worker() -> None:
    results = pool.ordered_map(_sleepy, list(range(100)), 2)
    assert next(results) == 0
    assert len(_children()) == 2
    start = time.monotonic()
    results.close()
    assert _children() == []
    assert time.monotonic() - start < 1  # killed, not waited for


def test_stop_all_kills_the_workers_of_a_pool_nobody_closed() -> None:
    """A signal's exception raised outside the generator leaves it suspended:
    the lock's clean-up calls stop_all."""
    results = pool.ordered_map(_sleepy, list(range(100)), 2)
    assert next(results) == 0
    assert len(_children()) == 2
    pool.stop_all()
    assert _children() == []
    with pytest.raises(pool.WorkerDied):
        list(results)


def _lock_fds(path: str) -> list[int]:
    fds = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{fd}") == path:
                fds.append(int(fd))
        except OSError:
            continue
    return fds


def test_workers_do_not_hold_the_projects_lock(tmp_path: Path) -> None:
    path = str((tmp_path / lock.LOCK).resolve())
    with lock.exclusive(tmp_path):
        assert _lock_fds(path), "the parent holds it"
        assert list(pool.ordered_map(_lock_fds, [path] * 4, 2)) == [[]] * 4


def _parent_and_stop_signals(n: int) -> tuple[int, list[object]]:
    return os.getppid(), [signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)]


def test_workers_take_the_default_action_on_stop_signals() -> None:
    """Ctrl-C or SIGTERM to the process group kills a worker at once; the
    handlers of the run (which raise) are not inherited."""
    from pipeline.signals import terminating

    with terminating():
        found = list(pool.ordered_map(_parent_and_stop_signals, [1, 2, 3], 2))
    assert found == [(os.getpid(), [signal.SIG_DFL] * 3)] * 3
