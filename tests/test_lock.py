"""One writer at a time: the advisory lock on the project root."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from typer.testing import CliRunner

from pipeline.cli import app

runner = CliRunner()

LESSON = "# Bài một\n\nMột đoạn văn ngắn.\n"

# A stand-in for a run in progress: takes the lock the way pipeline.lock
# does, says so, then holds it for the given seconds.
HOLDER = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
fcntl.flock(fd, fcntl.LOCK_EX)
os.ftruncate(fd, 0); os.pwrite(fd, f"{os.getpid()}\\n".encode(), 0)
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
"""


def _hold(root: Path, seconds: float) -> subprocess.Popen[str]:
    (root / ".pipeline-cache").mkdir(exist_ok=True)
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(root / ".pipeline-cache" / "lock"), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    return proc


def test_a_second_run_says_who_holds_the_lock_and_exits_2(project) -> None:
    root = project({"a.md": LESSON})
    holder = _hold(root, 30)
    try:
        for command in ("rebuild", "extract", "update", "build"):
            result = runner.invoke(app, [command, "--root", str(root)])
            assert result.exit_code == 2, (command, result.output)
            assert f"another pipeline run (pid {holder.pid})" in result.output
            assert "--wait" in result.output
        assert not (root / "locales").exists()  # the refused runs wrote nothing
    finally:
        holder.kill()
        holder.wait()


def test_wait_queues_behind_the_running_one(project) -> None:
    root = project({"a.md": LESSON})
    holder = _hold(root, 1.0)
    start = time.monotonic()
    result = runner.invoke(app, ["rebuild", "--root", str(root), "--wait"])
    assert result.exit_code == 0, result.output
    assert time.monotonic() - start >= 0.5  # it did wait for the holder
    assert holder.wait(timeout=10) == 0
    assert (root / "build" / "en" / "a.md").is_file()


def test_a_killed_run_leaves_no_lock_behind(project) -> None:
    root = project({"a.md": LESSON})
    holder = _hold(root, 30)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    result = runner.invoke(app, ["rebuild", "--root", str(root)])
    assert result.exit_code == 0, result.output


def test_reading_commands_do_not_need_the_lock(project) -> None:
    root = project({"a.md": LESSON})
    assert runner.invoke(app, ["rebuild", "--root", str(root)]).exit_code == 0
    holder = _hold(root, 30)
    try:
        assert runner.invoke(app, ["stats", "--root", str(root)]).exit_code == 0
        assert runner.invoke(app, ["doctor", "--root", str(root)]).exit_code == 0
    finally:
        holder.kill()
        holder.wait()
