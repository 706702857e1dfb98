"""A run stopped by a signal stops whole and lets go of the project.

SIGTERM, SIGHUP and SIGKILL to the parent of a cold rebuild (forked workers
running), and Ctrl-C to its process group: no process of the run is left,
the lock is free, no temporary file is left, and the next run reaches what
a clean run reaches. Then the pieces: terminating(), deferred(), and the
lock's clean-up of a stopped run.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from pipeline import files, lock
from pipeline.signals import Terminated, deferred, terminating

from .conftest import REPO

ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}  # the module's fixture runs before conftest's dates
# 16 lessons and these three times more: 46. With fewer, a cold rebuild on an
# idle machine could end before the test saw a worker (flaky at 26).
COPIED = ("01_python_co_ban", "02_xac_suat_thong_ke")
COPIES = 3
PLANTED = ".bai.md.abcd1234.tmp"  # what a run killed mid-write leaves: a stopped run sweeps it


def _cli(root: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "rebuild", "--root", str(root), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=ENV,
    )


def _files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for folder in ("locales", "build")
        for p in (root / folder).rglob("*")
        if p.is_file()
    }


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    """The embedded course with two modules four times (46 lessons: a cold
    rebuild forks workers), and the files a clean rebuild of it makes."""
    base = tmp_path_factory.mktemp("base") / "course"
    shutil.copytree(REPO / "content", base / "content")
    shutil.copytree(REPO / "locales" / "en", base / "locales" / "en")
    shutil.copy(REPO / "pyproject.toml", base / "pyproject.toml")
    for module in COPIED:
        for k in range(COPIES):
            shutil.copytree(REPO / "content" / module, base / "content" / f"copy{k}_{module}")
            shutil.copytree(REPO / "locales" / "en" / module, base / "locales" / "en" / f"copy{k}_{module}")
    assert len(list((base / "content").rglob("*.md"))) >= 40
    clean = tmp_path_factory.mktemp("clean") / "course"  # same name: the catalogs' Project-Id-Version
    shutil.copytree(base, clean)
    done = _cli(clean)
    assert done.returncode == 0, done.stderr
    return base, _files(clean)


def _stat(pid: str) -> list[str] | None:
    """/proc/<pid>/stat's fields after the name (state, ppid, pgrp, session, ...)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return None


def _session(sid: int) -> list[int]:
    """The live processes of session ``sid`` (zombies hold nothing: init reaps them)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        fields = _stat(pid)
        if fields is not None and fields[3] == str(sid) and fields[0] != "Z":
            found.append(int(pid))
    return found


def _workers(parent: subprocess.Popen[bytes], timeout: float = 30) -> list[int]:
    """Wait until the run has forked a worker (a child running what it runs)."""
    with open(f"/proc/{parent.pid}/cmdline", "rb") as handle:
        command = handle.read()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and parent.poll() is None:
        with open(f"/proc/{parent.pid}/task/{parent.pid}/children") as handle:
            children = [int(c) for c in handle.read().split()]
        forked = []
        for child in children:
            try:
                with open(f"/proc/{child}/cmdline", "rb") as handle:
                    if handle.read() == command:
                        forked.append(child)
            except OSError:
                continue
        if forked:
            return forked
        time.sleep(0.005)
    raise AssertionError("the cold rebuild forked no worker (this test needs 2 cores)")


@pytest.mark.parametrize(
    ("stop", "group", "status"),
    [
        (signal.SIGTERM, False, 128 + signal.SIGTERM),
        (signal.SIGHUP, False, 128 + signal.SIGHUP),
        (signal.SIGKILL, False, -signal.SIGKILL),
        (signal.SIGINT, True, 128 + signal.SIGINT),  # Ctrl-C: the terminal signals the whole group
    ],
    ids=["TERM", "HUP", "KILL", "ctrl-c"],
)
def test_a_stopped_cold_rebuild_leaves_nothing_behind(
    big: tuple[Path, dict[str, bytes]], tmp_path: Path, stop: signal.Signals, group: bool, status: int
) -> None:
    base, clean = big
    root = tmp_path / "course"
    shutil.copytree(base, root)
    (root / "content" / PLANTED).write_bytes(b"half")
    run = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "rebuild", "--root", str(root)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env=ENV,
    )
    try:
        workers = _workers(run)
        (os.killpg if group else os.kill)(run.pid, stop)
        assert run.wait(timeout=10) == status
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
    deadline = time.monotonic() + 3
    while _session(run.pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert _session(run.pid) == [], f"workers {workers}: a process of the stopped run is still alive"
    if stop != signal.SIGKILL:
        # It cleaned up itself, holding the lock: swept, and its lock file says it finished.
        assert not list(root.rglob("*.tmp"))
        assert (root / lock.LOCK).read_text() == "done\n"
    # The lock is free: a run goes ahead at once, and one that would wait does not hang.
    again = _cli(root)
    assert again.returncode == 0, again.stderr
    assert _cli(root, "--wait", timeout=30).returncode == 0
    assert not list(root.rglob("*.tmp"))
    assert _files(root) == clean


def test_terminating_raises_in_the_main_thread_and_restores_the_handlers() -> None:
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(Terminated) as caught, terminating():
        os.kill(os.getpid(), signal.SIGHUP)
        time.sleep(5)  # interrupted
    assert caught.value.signum == signal.SIGHUP
    assert str(caught.value) == "stopped by SIGHUP"
    assert not isinstance(caught.value, Exception)  # no `except Exception` swallows it
    assert signal.getsignal(signal.SIGTERM) is before
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_terminating_turns_sigint_into_keyboard_interrupt() -> None:
    with pytest.raises(KeyboardInterrupt), terminating():
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(5)


def test_deferred_holds_a_signal_back_to_the_end_of_the_block() -> None:
    reached = []
    with pytest.raises(Terminated), terminating():
        with deferred():
            with deferred():
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(0.05)
                reached.append("inner")
            reached.append("outer")  # nested: held to the outermost block's end
        reached.append("after")
    assert reached == ["inner", "outer"]


def test_deferred_drops_a_signal_when_the_run_is_already_stopping() -> None:
    with pytest.raises(ValueError), terminating(), deferred():
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(0.05)
        raise ValueError("already on its way out")
    with terminating():  # nothing left pending
        time.sleep(0.01)


def test_terminating_does_nothing_off_the_main_thread() -> None:
    seen = []

    def body() -> None:
        with terminating():
            seen.append(signal.getsignal(signal.SIGTERM))

    thread = threading.Thread(target=body)
    thread.start()
    thread.join()
    assert seen == [signal.getsignal(signal.SIGTERM)]


def test_a_stopped_run_sweeps_before_it_lets_go_of_the_lock(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / PLANTED).write_bytes(b"half")
    with pytest.raises(Terminated), lock.exclusive(tmp_path):
        files.replace(tmp_path / "build" / "a.md", b"a\n")
        raise Terminated(signal.SIGTERM)
    assert not (tmp_path / "content" / PLANTED).exists()
    assert (tmp_path / lock.LOCK).read_text() == "done\n"
    assert not list(tmp_path.rglob("*.tmp"))
    # An error is no stop: it sweeps nothing (no temporary file of its own is left).
    (tmp_path / "content" / PLANTED).write_bytes(b"half")
    with pytest.raises(ValueError), lock.exclusive(tmp_path):
        raise ValueError
    assert (tmp_path / "content" / PLANTED).exists()
    assert (tmp_path / lock.LOCK).read_text() == "done\n"
