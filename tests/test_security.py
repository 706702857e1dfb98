"""Security: a translation cannot inject active content, output never leaves
build/, and no pattern backtracks catastrophically on a hostile line."""

from __future__ import annotations

import re
import time
from pathlib import Path

import polib
import pytest
from typer.testing import CliRunner

from pipeline import api
from pipeline.cli import app
from pipeline.safety import introduced
from tests.conftest import msgid_line

runner = CliRunner()

LESSON = """# Bài an toàn

Đoạn đầu có [liên kết](b.md) và chữ **đậm**.

Đoạn hai nói về dữ liệu.

Đoạn ba có thẻ <iframe src="video.html"></iframe> sẵn trong nguồn.
"""
FIRST = "Đoạn đầu có [liên kết](b.md) và chữ **đậm**."
SECOND = "Đoạn hai nói về dữ liệu."
THIRD = 'Đoạn ba có thẻ <iframe src="video.html"></iframe> sẵn trong nguồn.'
SAFE_SECOND = "The second paragraph is about data."
# The rest of the lesson translated, so that the lesson is past the
# "shown in Vietnamese" threshold and each unit's fate shows.
REST = {
    "Bài an toàn": "A safe lesson",
    SECOND: SAFE_SECOND,
    THIRD: 'The third has an <iframe src="video.html"></iframe> tag already in the source.',
}

# translation of FIRST -> what the refusal must name
HOSTILE = {
    "script": ("The first has a [link](b.md) and **bold** text.<script>steal()</script>", "a <script> tag"),
    "iframe": ('The first has a [link](b.md) and **bold** <iframe src="//x.example"></iframe>.', "a <iframe> tag"),
    "style": ("The first has a [link](b.md) and **bold**.<style>body{display:none}</style>", "a <style> tag"),
    "object": ('The first has a [link](b.md) and **bold**.<object data="x.swf"></object>', "a <object> tag"),
    "event": ('The first has a [link](b.md) and **bold** <img src="x.png" onerror="steal()">.', "an on...= event"),
    "javascript-link": ("The first has a [link](javascript:steal()) and **bold** [b](b.md).", "a javascript: URL"),
    "data-image": (
        "The first has a [link](b.md) and **bold** ![x](data:image/svg+xml;base64,PHN2Zz4=).",
        "a data: URL",
    ),
    "data-href": ('The first has a [link](b.md) and **bold** <a href="data:text/html,x">x</a>.', "a data: URL"),
    "vbscript": ('The first has a [link](b.md) and **bold** <a href="vbscript:msgbox(1)">x</a>.', "a vbscript: URL"),
}


def _project(tmp_path: Path) -> Path:
    (tmp_path / "content").mkdir(parents=True)
    (tmp_path / "content" / "a.md").write_text(LESSON, encoding="utf-8")
    (tmp_path / "content" / "b.md").write_text("# Bài B\n", encoding="utf-8")
    assert api.rebuild(tmp_path).exit_code == 0
    return tmp_path


def _translate(root: Path, mapping: dict[str, str]) -> None:
    path = root / "locales" / "en" / "a.po"
    po = polib.pofile(str(path))
    for entry in po:
        if entry.msgid in mapping:
            entry.msgstr = mapping[entry.msgid]
    po.save()


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_build_refuses_active_content_a_translation_adds(tmp_path: Path, kind: str) -> None:
    root = _project(tmp_path)
    hostile, named = HOSTILE[kind]
    _translate(root, {**REST, FIRST: hostile})
    result = runner.invoke(app, ["build", "--root", str(root)])
    assert result.exit_code == 1, result.output
    # named at the catalog entry to fix, with the lesson's line
    at = f"locales/en/a.po:{msgid_line(root / 'locales' / 'en' / 'a.po', FIRST)}"
    assert f"{at}: error: translation of the paragraph adds {named}" in result.output
    assert "source kept (lesson content/a.md:3) [active-content]" in result.output
    built = (root / "build" / "en" / "a.md").read_text(encoding="utf-8")
    assert FIRST in built  # the unit fell back to its source text
    assert hostile not in built
    assert SAFE_SECOND in built  # the other units are still translated
    # `check` names the catalog line to fix, once.
    checked = runner.invoke(app, ["check", "--root", str(root)])
    assert checked.exit_code == 1
    assert checked.output.count("[active-content]") == 1
    assert f"{at}: error: translation of the paragraph adds {named}" in checked.output
    assert "(lesson content/a.md:3) [active-content]" in checked.output


def test_what_the_source_already_has_may_stay(tmp_path: Path) -> None:
    """Near misses: the source's own iframe kept; 'data:' and 'onion =' as prose."""
    root = _project(tmp_path)
    _translate(root, {**REST, SECOND: "The second paragraph is about data: the onion = 3 kind of values."})
    result = runner.invoke(app, ["build", "--root", str(root)])
    assert result.exit_code == 0, result.output
    built = (root / "build" / "en" / "a.md").read_text(encoding="utf-8")
    assert "The third has an <iframe" in built
    assert "the onion = 3 kind" in built


def test_introduced_counts_occurrences() -> None:
    """A second script beside the source's own is still an addition."""
    source = "Xem <script>a()</script>."
    assert introduced(source, "See <script>a()</script>.") == []
    assert introduced(source, "See <script>a()</script><script>b()</script>.") == ["a <script> tag"]


def test_build_never_writes_through_a_symlink_out_of_build(tmp_path: Path) -> None:
    root = _project(tmp_path / "p")
    outside = tmp_path / "outside"
    outside.mkdir()
    en = root / "build" / "en"
    for path in en.iterdir():
        path.unlink()
    en.rmdir()
    en.symlink_to(outside, target_is_directory=True)
    (root / "content" / "a.md").write_text(LESSON + "\nThêm một đoạn.\n", encoding="utf-8")
    result = runner.invoke(app, ["rebuild", "--root", str(root)])
    assert result.exit_code == 2, result.output
    assert "build/en/a.md: error: refusing to write outside build/" in result.output
    assert list(outside.iterdir()) == []


def test_settings_cannot_send_output_out_of_the_root(tmp_path: Path) -> None:
    root = _project(tmp_path / "p")
    (root / "pyproject.toml").write_text('[tool.pipeline]\nbuild_dir = "../elsewhere"\n', encoding="utf-8")
    result = runner.invoke(app, ["build", "--root", str(root)])
    assert result.exit_code == 2, result.output
    assert "refusing to write outside" in result.output
    assert not (tmp_path / "elsewhere").exists()


# Inputs that make a backtracking pattern explode: long runs of the
# characters our patterns care about, each with a tail that makes a match fail.
ADVERSARIAL = [
    "<" * 50_000,
    "<a " + " " * 50_000 + "x",
    "<a" + " on" * 20_000,
    "$" * 50_000 + "x",
    "\\" * 50_000,
    "|" * 50_000,
    "`" * 50_000,
    "[" * 25_000 + "](" * 25_000,
    "*_" * 25_000,
    "-" * 50_000 + "x",
    "a" * 50_000 + "!",
    "Ã" * 25_000 + "â€" * 10_000,
    "data" * 12_500,
    "ðŸ" * 20_000,
    " " * 50_000 + "\n",
    "#" * 50_000,
    "\t" * 50_000 + "x",
    "&#" * 25_000,
]


def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    import importlib
    import pkgutil

    import pipeline

    found = []
    for info in pkgutil.iter_modules(pipeline.__path__):
        if info.name == "__main__":  # importing it runs the CLI
            continue
        module = importlib.import_module(f"pipeline.{info.name}")
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern) and isinstance(value.pattern, str):
                found.append((f"{info.name}.{name}", value))
    return found


def test_every_pattern_of_the_package_is_found_and_checked() -> None:
    names = {name for name, _ in _patterns()}
    assert {"safety._ANY_TAG", "safety._DATA_URL", "files._TEMP"} <= names
    assert len(names) >= 15


@pytest.mark.parametrize(("name", "pattern"), _patterns(), ids=[n for n, _ in _patterns()])
def test_no_pattern_backtracks_catastrophically(name: str, pattern: re.Pattern[str]) -> None:
    """A bound, not a benchmark: a catastrophic pattern takes minutes on
    these 50,000-character lines; a linear one, milliseconds."""
    for text in ADVERSARIAL:
        start = time.perf_counter()
        list(pattern.finditer(text))
        pattern.sub("", text)
        took = time.perf_counter() - start
        assert took < 2.0, f"{name} took {took:.1f}s on {text[:12]!r}… ({len(text)} chars)"


def test_a_hostile_lesson_builds_in_bounded_time(tmp_path: Path) -> None:
    """The whole pipeline, not only our patterns, on the same hostile lines."""
    (tmp_path / "content").mkdir()
    for n, text in enumerate(ADVERSARIAL):
        (tmp_path / "content" / f"h{n:02}.md").write_text(f"# Bài {n}\n\n{text}\n", encoding="utf-8")
    start = time.perf_counter()
    report = api.rebuild(tmp_path)
    took = time.perf_counter() - start
    assert report.lessons == len(ADVERSARIAL)
    assert took < 60, f"rebuild of {len(ADVERSARIAL)} hostile lessons took {took:.0f}s"


def test_no_code_runs_from_content_or_catalogs() -> None:
    """No eval/exec, no pickle, no YAML loader, no shell anywhere in the
    package: nothing a lesson or a catalog holds is ever run. (Worker
    processes exchange documents through multiprocessing, parent and child
    both ours; no pickle is ever read from a file.)"""
    import pipeline

    banned = re.compile(r"\b(eval|exec)\(|\bimport pickle\b|\bpickle\.|\byaml\b|shell=True|os\.system\(|__import__\(")
    found = []
    for path in sorted(Path(pipeline.__file__).parent.glob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
            if banned.search(line.split("#")[0]):
                found.append(f"{path.name}:{number}: {line.strip()}")
    assert found == []
