"""Paths, through the real CLI: nothing is read where a symbolic link leads
out of the project, folders that overlap are refused before anything is
written or deleted, and a language is a code, never a path (issue 14).

Fixtures in tests/data/paths/: the files outside the project that links
point at (a catalog of another project, a secret that is no catalog, a
glossary), each holding "SECRET", which no output and no file of the
project may ever hold.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from pipeline.cli import app
from pipeline.project import Project

DATA = Path(__file__).parent / "data" / "paths"
runner = CliRunner()
SECRET = "SECRET"


def _invoke(*args: str) -> Result:
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output and "internal error" not in result.output, result.output
    return result


def _project(tmp_path: Path) -> tuple[Path, Path]:
    """A rebuilt project, and a folder beside it holding the fixtures (the outside)."""
    root, outside = tmp_path / "p", tmp_path / "outside"
    (root / "content").mkdir(parents=True)
    shutil.copy(DATA / "bai.md", root / "content" / "bai.md")
    shutil.copytree(DATA, outside)
    assert _invoke("rebuild", "--root", str(root)).exit_code == 0
    return root, outside


def _tree(folder: Path) -> dict[str, str]:
    """Every entry under ``folder``, links not followed: path -> what it is."""
    found = {}
    for here, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(here, name)
            rel = path.relative_to(folder).as_posix()
            if path.is_symlink():
                found[rel] = "link:" + os.readlink(path)
            elif path.is_file():
                found[rel] = hashlib.sha1(path.read_bytes()).hexdigest()
            else:
                found[rel] = "dir"
    return found


def _no_secret_in(root: Path) -> None:
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink() and ".pipeline-cache" not in path.parts:
            assert SECRET.encode() not in path.read_bytes(), path


def _link(path: Path, target: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target, target_is_directory=target.is_dir())


# -- links out of the project -------------------------------------------------------

# name -> (the link under the root, its target in the outside folder, (command, exit, message) runs)
REFUSED = "symbolic link out of the project ("
LINKS: dict[str, tuple[str, str, tuple[tuple[str, int, str], ...]]] = {
    "catalog": (
        "locales/en/bai.po",
        "secret.po",
        (
            ("update", 2, f"locales/en/bai.po: error: {REFUSED}"),
            ("build", 2, f"locales/en/bai.po: error: {REFUSED}"),
            ("rebuild", 2, f"locales/en/bai.po: error: {REFUSED}"),
            ("check", 1, f"locales/en/bai.po: error: {REFUSED}"),
        ),
    ),
    "catalog-to-a-secret": (
        "locales/en/bai.po",
        "secret.env",
        (
            ("update", 2, f"locales/en/bai.po: error: {REFUSED}"),
            ("rebuild", 2, f"locales/en/bai.po: error: {REFUSED}"),
            ("check", 1, f"locales/en/bai.po: error: {REFUSED}"),
            ("doctor", 1, f"locales/en/bai.po: error: {REFUSED}"),
        ),
    ),
    "template": (
        "locales/templates/bai.pot",
        "secret.po",
        (
            ("update", 2, f"locales/templates/bai.pot: error: {REFUSED}"),
            ("extract", 2, "locales/templates/bai.pot: error: refusing to replace a symbolic link out of the project"),
            ("rebuild", 2, "locales/templates/bai.pot: error: refusing to replace a symbolic link out of the project"),
            ("doctor", 1, f"locales/templates/bai.pot: error: {REFUSED}"),
        ),
    ),
    "glossary": (
        "locales/en/glossary.csv",
        "glossary.csv",
        (
            ("update", 2, f"locales/en/glossary.csv: error: {REFUSED}"),
            ("rebuild", 2, f"locales/en/glossary.csv: error: {REFUSED}"),
            ("check", 1, f"locales/en/glossary.csv: error: {REFUSED}"),
        ),
    ),
    "language-folder": (
        "locales/en",
        "langs",
        (
            ("update", 2, f"locales/en/bai.po: error: {REFUSED}"),
            ("build", 2, f"locales/en/bai.po: error: {REFUSED}"),
            ("rebuild", 2, f"locales/en/bai.po: error: {REFUSED}"),
        ),
    ),
}


@pytest.mark.parametrize("name", list(LINKS))
def test_a_file_linked_out_of_the_project_is_named_and_never_read(tmp_path: Path, name: str) -> None:
    rel, target, runs = LINKS[name]
    root, outside = _project(tmp_path)
    (outside / "langs").mkdir()
    shutil.copy(outside / "secret.po", outside / "langs" / "bai.po")
    _link(root / rel, outside / target)
    (root / "content" / "bai.md").write_text(
        (DATA / "bai.md").read_text(encoding="utf-8") + "\nĐoạn thêm.\n", encoding="utf-8"
    )  # every step has work to do
    away = _tree(outside)
    for command, code, message in runs:
        result = _invoke(command, "--root", str(root))
        assert result.exit_code == code, f"{command}: {result.output}"
        assert result.output.count(message) == 1, f"{command}: {result.output}"
        assert SECRET not in result.output, f"{command}: {result.output}"
        assert (root / rel).is_symlink() and os.readlink(root / rel) == str(outside / target)
        assert _tree(outside) == away
        _no_secret_in(root)


def test_a_link_inside_the_project_is_followed(tmp_path: Path) -> None:
    root, _ = _project(tmp_path)
    (root / "translations").mkdir()
    shutil.move(root / "locales" / "en" / "bai.po", root / "translations" / "bai.po")
    (root / "locales" / "en" / "bai.po").symlink_to(Path("../../translations/bai.po"))
    result = _invoke("update", "--root", str(root))
    assert result.exit_code == 0, result.output
    assert "error" not in result.output


# -- what a message may quote ----------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "message", "hidden"),
    [
        ("secret.env", "locales/en/bai.po: error: cannot read catalog: not a PO file (no msgid line at all)", SECRET),
        (
            "bad_line.po",
            "locales/en/bai.po:6: error: cannot read catalog: syntax error: '\\x1b[31mSECRET-TOKEN=abcdef'…",
            "ghijklmnop",
        ),
    ],
)
def test_a_message_quotes_little_of_a_file_and_nothing_of_one_that_is_no_catalog(
    tmp_path: Path, fixture: str, message: str, hidden: str
) -> None:
    root, _ = _project(tmp_path)
    catalog = root / "locales" / "en" / "bai.po"
    shutil.copy(DATA / fixture, catalog)
    before = catalog.read_bytes()
    for command in ("update", "build", "rebuild", "check"):
        result = _invoke(command, "--root", str(root))
        assert result.exit_code == (1 if command == "check" else 2), result.output
        assert result.output.count(message) == 1, f"{command}: {result.output}"
        assert hidden not in result.output and "\x1b" not in result.output, result.output
        assert catalog.read_bytes() == before


# -- folders that overlap ----------------------------------------------------------------


def _settings(text: str) -> Callable[[Path], None]:
    return lambda root: (root / "pyproject.toml").write_text(f"[tool.pipeline]\n{text}\n", encoding="utf-8")


def _locales_linked_to_build(root: Path) -> None:
    shutil.move(root / "locales", root / "translations")
    (root / "locales").symlink_to("build", target_is_directory=True)


SAME = "are the same folder"
OVERLAPS: dict[str, tuple[Callable[[Path], None], str]] = {
    "build-is-locales": (
        _settings('build_dir = "locales"'),
        f'locales_dir = "locales" and build_dir = "locales" {SAME}',
    ),
    "locales-is-build": (_settings('locales_dir = "build"'), f'locales_dir = "build" and build_dir = "build" {SAME}'),
    "locales-is-content": (
        _settings('locales_dir = "content"'),
        f'content_dir = "content" and locales_dir = "content" {SAME}',
    ),
    "build-is-content": (
        _settings('build_dir = "content"'),
        f'content_dir = "content" and build_dir = "content" {SAME}',
    ),
    "build-lang-is-content": (
        _settings('content_dir = "en"\nbuild_dir = "."'),
        'build_dir = "." and content_dir = "en" make ./en the content folder',
    ),
    "build-source-is-content": (
        _settings('content_dir = "vi"\nbuild_dir = "."'),
        'build_dir = "." and content_dir = "vi" make ./vi the content folder',
    ),
    "language-content-at-the-root": (  # the case: refused for its code, and would be for its folder
        _settings('languages = ["content"]\nbuild_dir = "."'),
        "languages: 'content' is not a language code",
    ),
    "build-is-the-root": (_settings('build_dir = "."'), 'content_dir = "content" is inside build_dir = "."'),
    "locales-is-the-root": (_settings('locales_dir = ""'), 'content_dir = "content" is inside locales_dir = ""'),
    "build-in-content": (
        _settings('build_dir = "content/out"'),
        'build_dir = "content/out" is inside content_dir = "content"',
    ),
    "build-in-locales": (_settings('build_dir = "locales/en"'), 'build_dir = "locales/en" is inside locales_dir'),
    "content-is-build-source": (
        _settings('content_dir = "build/vi"'),
        'build_dir = "build" and content_dir = "build/vi" make build/vi the content folder',
    ),
    "content-in-build": (_settings('content_dir = "build/x"'), 'content_dir = "build/x" is inside build_dir'),
    "build-is-the-cache": (
        _settings('build_dir = ".pipeline-cache"'),
        f'build_dir = ".pipeline-cache" and the cache folder .pipeline-cache {SAME}',
    ),
    "locales-in-the-cache": (
        _settings('locales_dir = ".pipeline-cache/l"'),
        'locales_dir = ".pipeline-cache/l" is inside the cache folder .pipeline-cache',
    ),
    "dotted-alias": (
        _settings('build_dir = "x/../locales"'),
        f'locales_dir = "locales" and build_dir = "x/../locales" {SAME}',
    ),
    "linked-alias": (
        _locales_linked_to_build,
        f'locales_dir = "locales" and build_dir = "build" {SAME} (through a symbolic link)',
    ),
}


@pytest.mark.parametrize("name", list(OVERLAPS))
def test_folders_that_overlap_are_refused_and_nothing_is_deleted(tmp_path: Path, name: str) -> None:
    make, says = OVERLAPS[name]
    root, _ = _project(tmp_path)
    (root / "en").mkdir()  # a content folder for the cases that name one
    shutil.copy(DATA / "bai.md", root / "en" / "bai.md")
    shutil.copytree(root / "en", root / "vi")
    make(root)
    before = _tree(tmp_path)
    for command in ("rebuild", "extract", "update", "build", "check", "stats", "pseudo", "fmt", "doctor"):
        result = _invoke(command, "--root", str(root))
        assert result.exit_code == 2, f"{command}: {result.output}"
        assert says in result.output and "[input]" in result.output, f"{command}: {result.output}"
        assert _tree(tmp_path) == before, command


# -- language codes --------------------------------------------------------------------

CODES = ["../x", "../../x", "content", "a/b", ".", "..", "en/../x", "", "build"]


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("where", ["languages", "source_lang", "--lang"])
def test_a_language_is_a_code_never_a_path(tmp_path: Path, code: str, where: str) -> None:
    root, _ = _project(tmp_path)
    if where == "--lang":
        args = ["--lang", code]
    else:
        value = f'["{code}"]' if where == "languages" else f'"{code}"'
        (root / "pyproject.toml").write_text(f"[tool.pipeline]\n{where} = {value}\n", encoding="utf-8")
        args = []
    before = _tree(tmp_path)
    for command in ("rebuild", "update", "build", "check"):
        result = _invoke(command, "--root", str(root), *args)
        assert result.exit_code == 2, f"{command}: {result.output}"
        named = "--lang: error: " if where == "--lang" else f"error: [tool.pipeline] {where}: "
        assert f"{named}{code!r} is not a language code like fr" in result.output, result.output
        assert _tree(tmp_path) == before, command
    if where == "--lang":
        result = _invoke("pseudo", "--root", str(root), "--lang", code)
        assert result.exit_code == 2 and f"{code!r} is not a language code" in result.output, result.output


def test_a_write_a_setting_sends_out_is_named_as_a_setting(tmp_path: Path) -> None:
    """escapes() tells a setting from a link: build/../../x is not in build/."""
    root, _ = _project(tmp_path)
    project = Project(root)
    why = project.escapes(project.config.build / ".." / ".." / "x" / "bai.md")
    assert why is not None and "check the settings" in why and "symlink" not in why
    (root / "build" / "en").rename(root / "old")
    (tmp_path / "away").mkdir()
    (root / "build" / "en").symlink_to(tmp_path / "away", target_is_directory=True)
    why = Project(root).escapes(root / "build" / "en" / "bai.md")
    assert why is not None and "refusing to write outside build/" in why and "(through a symlink)" in why
