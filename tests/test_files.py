"""files.replace: the modes it gives, when it fsyncs, and the fault-injection seam."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline import files
from pipeline.cli import app

runner = CliRunner()
LESSON = "# Bài một\n\nMột đoạn văn ngắn.\n"


@pytest.fixture
def umask() -> Iterator[None]:
    """Restores the test process's umask after a test that sets its own."""
    old = os.umask(0o022)
    os.umask(old)
    yield
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize(("mask", "expected"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_new_file_gets_the_umasks_mode(tmp_path: Path, umask: None, mask: int, expected: int) -> None:
    os.umask(mask)
    files.replace(tmp_path / "new.txt", b"x")
    files.replace(tmp_path / "sub" / "new.txt", b"x", durable=False)
    assert _mode(tmp_path / "new.txt") == _mode(tmp_path / "sub" / "new.txt") == expected


@pytest.mark.parametrize("mask", [0o022, 0o077])
def test_a_replaced_file_keeps_its_mode(tmp_path: Path, umask: None, mask: int) -> None:
    os.umask(mask)
    for mode in (0o640, 0o600, 0o755):
        path = tmp_path / f"kept-{mode:o}"
        path.write_bytes(b"old")
        path.chmod(mode)
        files.replace(path, b"new")
        assert (_mode(path), path.read_bytes()) == (mode, b"new")


def test_a_real_rebuild_writes_readable_files_and_keeps_a_translators_mode(project, umask: None) -> None:
    os.umask(0o022)
    root = project({"a.md": LESSON, "m/b.md": LESSON.replace("một", "hai")})
    assert runner.invoke(app, ["rebuild", "--root", str(root)]).exit_code == 0
    written = [p for p in root.rglob("*") if p.is_file() and "content" not in p.parts]
    assert {p.relative_to(root).parts[0] for p in written} >= {"build", "locales", ".pipeline-cache"}
    assert {p.relative_to(root).as_posix(): _mode(p) for p in written if p.name != "lock"} == {
        p.relative_to(root).as_posix(): 0o644 for p in written if p.name != "lock"
    }
    catalog = root / "locales" / "en" / "a.po"
    catalog.chmod(0o640)
    (root / "content" / "a.md").write_text(LESSON + "\nMột câu mới.\n", encoding="utf-8")
    os.umask(0o077)
    before = catalog.read_bytes()
    assert runner.invoke(app, ["rebuild", "--root", str(root)]).exit_code == 0
    assert catalog.read_bytes() != before, "the catalog was rewritten"
    assert _mode(catalog) == 0o640
    assert _mode(root / "build" / "en" / "a.md") == 0o644  # replaced: kept
    (root / "content" / "c.md").write_text(LESSON.replace("một", "ba"), encoding="utf-8")
    assert runner.invoke(app, ["rebuild", "--root", str(root)]).exit_code == 0
    assert _mode(root / "build" / "en" / "c.md") == _mode(root / "locales" / "en" / "c.po") == 0o600  # new


def test_only_a_durable_write_fsyncs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[int] = []
    real = os.fsync
    monkeypatch.setattr(files.os, "fsync", lambda fd: synced.append(fd) or real(fd))
    files.replace(tmp_path / "a.po", b"x", durable=False)
    assert synced == []
    files.replace(tmp_path / "a.po", b"y")
    assert len(synced) == 2  # the file, then its folder


@pytest.mark.parametrize("op", ["write", "rename"])
def test_an_injected_write_fault_leaves_the_old_file_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, op: str
) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "locales" / "en" / "a.po"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"old")
    monkeypatch.setenv(files.FAULTS, f"{op}:locales/en/*.po=ENOSPC")
    with pytest.raises(OSError) as caught:
        files.replace(path, b"new")
    assert caught.value.errno == errno.ENOSPC
    assert "injected" in str(caught.value)
    assert path.read_bytes() == b"old"
    assert sorted(p.name for p in path.parent.iterdir()) == ["a.po"]
    files.replace(tmp_path / "locales" / "en" / "a.pot", b"other paths are written")
    files.replace(Path("locales/en/b.txt"), b"relative paths too")


def test_an_injected_read_fault_and_absolute_patterns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lesson = tmp_path / "content" / "a.md"
    lesson.parent.mkdir()
    lesson.write_bytes(b"# A\n")
    monkeypatch.setenv(files.FAULTS, f"read:{tmp_path}/content/*.md=EACCES")
    with pytest.raises(PermissionError) as caught:
        files.read_bytes(lesson)
    assert caught.value.errno == errno.EACCES
    with pytest.raises(PermissionError):
        files.read_text(lesson, "content/a.md")
    files.replace(lesson, b"# B\n")  # a read rule does not fail writes
    # The value is read again when it changes (monkeypatch.setenv in one process).
    monkeypatch.setenv(files.FAULTS, "read:elsewhere/*.md=EIO;write:content/a.md=EROFS")
    assert files.read_bytes(lesson) == b"# B\n"


def test_no_variable_no_fault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(files.FAULTS, raising=False)
    files.replace(tmp_path / "a.po", b"x")
    assert files.read_bytes(tmp_path / "a.po") == b"x"
    monkeypatch.setenv(files.FAULTS, "")
    files.replace(tmp_path / "a.po", b"y")
    assert files.read_bytes(tmp_path / "a.po") == b"y"


@pytest.mark.parametrize("rule", ["write:a.po", "delete:a.po=EIO", "write:a.po=ENOTANERRNO", "a.po=EIO"])
def test_a_bad_rule_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rule: str) -> None:
    monkeypatch.setenv(files.FAULTS, rule)
    with pytest.raises(ValueError, match="PIPELINE_FAULTS"):
        files.replace(tmp_path / "a.po", b"x")


def test_the_seam_reaches_a_cli_run_in_a_subprocess(project) -> None:
    import subprocess
    import sys

    root = project({"a.md": LESSON})
    env = {**os.environ, files.FAULTS: "write:*/locales/en/*.po=ENOSPC"}
    run = subprocess.run(
        [sys.executable, "-m", "pipeline", "rebuild", "--root", str(root)], capture_output=True, text=True, env=env
    )
    assert run.returncode != 0
    assert "No space left on device (injected by PIPELINE_FAULTS)" in run.stderr
    assert not (root / "locales" / "en" / "a.po").exists()
    assert (root / "locales" / "templates" / "a.pot").is_file()
    assert not list(root.rglob("*.tmp"))
