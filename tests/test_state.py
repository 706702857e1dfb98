"""The no-op fast path: nothing parsed when nothing changed; never trusted over the files."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline import api, lessons, segments

Project = Callable[[dict[str, str]], Path]
LESSON = "# Bài\n\nĐoạn một.\n\n```\nmã không đóng\n"


def _no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed although nothing changed")

    monkeypatch.setattr(segments, "segment", fail)
    monkeypatch.setattr(lessons, "segment", fail)


def test_nothing_changed_parses_nothing_and_replays_figures(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    root = project({"a.md": LESSON})
    first = api.rebuild(root)
    _no_parsing(monkeypatch)
    second = api.rebuild(root)
    assert first.written and second.written == []
    assert second.summary() == re.sub(r"\d+ files changed$", "nothing changed", first.summary())
    assert [str(f) for f in second.findings] == [str(f) for f in first.findings]  # warnings stay visible


@pytest.mark.parametrize(
    "change",
    [
        lambda r: (r / "content" / "a.md").write_text(LESSON + "\nThêm.\n", encoding="utf-8"),
        lambda r: (r / "content" / "b.md").write_text("# Mới\n", encoding="utf-8"),
        lambda r: (r / "locales" / "en" / "a.po").write_text(
            (r / "locales" / "en" / "a.po").read_text(encoding="utf-8").replace('msgstr ""\n\n#', 'msgstr "X"\n\n#', 1),
            encoding="utf-8",
        ),
        lambda r: (r / "build" / "en" / "a.md").unlink(),
        lambda r: (r / "pyproject.toml").write_text("[tool.pipeline]\nline_numbers = true\n", encoding="utf-8"),
        lambda r: (r / ".pipeline-cache" / "state.json").write_text("{not json", encoding="utf-8"),
    ],
    ids=["lesson-edited", "lesson-added", "catalog-edited", "output-deleted", "settings", "corrupt-state"],
)
def test_any_change_means_a_full_run(
    project: Project, change: Callable[[Path], object], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project({"a.md": LESSON})
    api.rebuild(root)
    change(root)
    calls = []
    real = lessons.segment
    monkeypatch.setattr(lessons, "segment", lambda *a, **k: calls.append(a) or real(*a, **k))
    api.rebuild(root)
    assert calls, "the lessons were not parsed again"
    assert (root / "build" / "en" / "a.md").is_file()


def test_cache_is_safe_to_delete(project: Project) -> None:
    root = project({"a.md": LESSON})
    api.rebuild(root)
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and ".pipeline-cache" not in p.parts}
    for path in (root / ".pipeline-cache").iterdir():
        path.unlink()
    report = api.rebuild(root)  # a full run: nothing to replay
    assert (root / ".pipeline-cache" / "state.json").is_file()
    after = {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and ".pipeline-cache" not in p.parts}
    assert after == before and report.written == []
