"""Cold runs parse lessons in worker processes: same files, same findings,
in the same order, as one process."""

from __future__ import annotations

import shutil
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from pipeline import api
from pipeline import lessons as run_module

LESSON = "# Bài {n}\n\nĐoạn văn số {n} có công thức $x_{n}$ và `mã {n}`.\n\n| a | b |\n| --- | --- |\n| {n} | ô |\n"


def _course(root: Path) -> Path:
    for n in range(30):
        path = root / "content" / f"m{n % 3}" / f"bai_{n:02}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(LESSON.format(n=n), encoding="utf-8")
    # Lessons with something to say, spread among the others.
    (root / "content" / "m0" / "bai_05.md").write_text("# Bài\n\nGiá 5$ thôi.\n", encoding="utf-8")
    (root / "content" / "m1" / "bai_07.md").write_bytes(b"# B\xe0i\n")
    (root / "content" / "m2" / "bai_11.md").write_text("# Chá»§ Äá» má»›i\n", encoding="utf-8")
    return root


def _files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for folder in ("locales", "build")
        for p in (root / folder).rglob("*")
        if p.is_file()
    }


def test_workers_give_what_one_process_gives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pools: list[int] = []

    class Counted(ProcessPoolExecutor):
        def __init__(self, *args: object, **kwargs: object) -> None:
            pools.append(1)
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(run_module, "ProcessPoolExecutor", Counted)
    monkeypatch.setattr(run_module.os, "cpu_count", lambda: 2)
    # Same folder name: it is the catalogs' Project-Id-Version.
    serial, parallel = _course(tmp_path / "one" / "course"), tmp_path / "many" / "course"
    shutil.copytree(serial, parallel)

    monkeypatch.setattr(run_module, "PARALLEL_MIN", 10**9)
    one = api.rebuild(serial)
    assert pools == []
    monkeypatch.setattr(run_module, "PARALLEL_MIN", 2)
    many = api.rebuild(parallel)
    assert pools == [1]  # the workers did the parsing

    assert [str(f) for f in many.findings] == [str(f) for f in one.findings]
    assert {f.rule for f in one.findings} >= {"encoding", "mojibake", "unbalanced-dollar"}
    assert many.exit_code == one.exit_code == 2
    assert _files(parallel) == _files(serial)
    # A run with errors records nothing, so the next one parses all again;
    # after a clean one, an edit is parsed alone, in this process.
    (parallel / "content" / "m1" / "bai_07.md").unlink()
    (parallel / "content" / "m2" / "bai_11.md").unlink()
    assert api.rebuild(parallel).exit_code == 0
    assert pools == [1, 1]
    (parallel / "content" / "m0" / "bai_00.md").write_text(LESSON.format(n=99), encoding="utf-8")
    assert api.rebuild(parallel).exit_code == 0
    assert pools == [1, 1]
