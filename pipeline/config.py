"""Settings from ``[tool.pipeline]`` in ``<root>/pyproject.toml``, with defaults.

A root holding only ``content/`` works: every setting has a default.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from .errors import PipelineError

# The boilerplate every lesson repeats (navigation, footer), between these
# comments; the settings may name others.
DEFAULT_REGIONS = (
    ("<!-- Aero-Navigation-Start -->", "<!-- Aero-Navigation-End -->"),
    ("<!-- Aero-Footer-Start -->", "<!-- Aero-Footer-End -->"),
)
# Project-Id-Version when pyproject.toml names no project: a constant, never
# the folder's name, or a clone under another name would find every catalog
# stale.
DEFAULT_PROJECT = "course"

_KNOWN = {
    "source_lang",
    "languages",
    "content_dir",
    "locales_dir",
    "build_dir",
    "project",
    "line_numbers",
    "fuzzy_threshold",
    "tm_threshold",
    "boilerplate",
    "min_coverage",
    "mojibake",
    "notices",
    "min_lesson_coverage",
}


@dataclass(frozen=True)
class Config:
    root: Path
    source_lang: str = "vi"
    languages: tuple[str, ...] = ("en",)
    content_dir: str = "content"
    locales_dir: str = "locales"
    build_dir: str = "build"
    project: str = DEFAULT_PROJECT
    line_numbers: bool = False  # line numbers in `#:` references churn diffs
    fuzzy_threshold: float = 60.0  # msgmerge-style match within a lesson
    tm_threshold: float = 90.0  # close match from anywhere else
    # Comment markers around navigation and footer blocks, whose text goes to
    # the shared catalog once instead of into every lesson's.
    boilerplate: tuple[tuple[str, str], ...] = DEFAULT_REGIONS
    # `pipeline check` fails under these: {"en": 90, "en/01_module": 100}.
    min_coverage: dict[str, float] = field(default_factory=dict)
    mojibake: str = "warning"  # or "error": how `check` rates mojibake
    # Built lessons below this coverage carry the whole source, with a notice;
    # 0: every translation is shown, the notice says how much there is.
    min_lesson_coverage: float = 0.0
    # Notices per target language: {"en": {"partial": "...", "source": "..."}}.
    notices: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def content(self) -> Path:
        return self.root / self.content_dir

    @property
    def locales(self) -> Path:
        return self.root / self.locales_dir

    @property
    def build(self) -> Path:
        return self.root / self.build_dir


def load(root: Path) -> Config:
    """Read the settings of the project at ``root``."""
    root = root.resolve()
    pyproject = root / "pyproject.toml"
    table: dict[str, object] = {}
    source = ""
    name: object = None
    if pyproject.is_file():
        try:
            source = pyproject.read_text(encoding="utf-8")
            data = tomllib.loads(source)
        except (tomllib.TOMLDecodeError, UnicodeError) as exc:
            raise PipelineError(str(pyproject), _toml_line(exc), f"cannot read settings: {exc}") from None
        table = data.get("tool", {}).get("pipeline", {})
        name = data.get("project", {}).get("name") if isinstance(data.get("project"), dict) else None
    unknown = sorted(set(table) - _KNOWN)
    if unknown:
        raise PipelineError(
            str(pyproject),
            _key_line(source, unknown[0]),
            f"unknown setting(s) in [tool.pipeline]: {', '.join(unknown)}; known: {', '.join(sorted(_KNOWN))}",
        )
    # Any: each value's type is checked here, at run time, key by key.
    values: dict[str, Any] = {"root": root}
    if isinstance(name, str) and name.strip():
        values["project"] = name  # [project] name; [tool.pipeline] project comes first
    for key, value in table.items():
        if not _right_type(key, value):
            raise PipelineError(
                str(pyproject), _key_line(source, key), f"[tool.pipeline] {key} has the wrong type: {value!r}"
            )
        if key == "boilerplate" and isinstance(value, list):
            value = tuple(tuple(pair) for pair in value)
        bad_table = isinstance(value, dict) and (
            (key == "min_coverage" and not all(isinstance(v, int | float) for v in value.values()))
            or (key == "notices" and not all(isinstance(v, dict) for v in value.values()))
        )
        if bad_table or (key == "mojibake" and value not in ("warning", "error")):
            raise PipelineError(
                str(pyproject), _key_line(source, key), f"[tool.pipeline] {key} has a bad value: {value!r}"
            )
        if key in ("languages", "source_lang"):
            bad = next((code for code in (value if isinstance(value, list) else [value]) if not _code(code)), None)
            if bad is not None:
                raise PipelineError(
                    str(pyproject),
                    _key_line(source, key),
                    f"[tool.pipeline] {key}: {bad!r} is not a language code like fr, pt_BR, zh_Hant or sr@latin",
                )
        values[key] = tuple(value) if key == "languages" and isinstance(value, list) else value
    config = Config(**values)
    if config.source_lang in config.languages:
        raise PipelineError(
            str(pyproject),
            _key_line(source, "languages"),
            "[tool.pipeline] languages must not include the source language",
        )
    _apart(config, table, str(pyproject), source)
    return config


# The records of the last run and the lock (cache.FOLDER, lock.py): not a setting.
CACHE_DIR = ".pipeline-cache"
_FOLDERS = ("content_dir", "locales_dir", "build_dir")


def _folder(config: Config, key: str) -> str:
    return CACHE_DIR if key == "cache" else str(getattr(config, key))


def _apart(config: Config, table: dict[str, object], where: str, source: str) -> None:
    """Refuse folders that overlap: a rebuild deletes from build/ every file
    it did not make (a catalog, a lesson, the cache), and writes catalogs and
    pages over what is there. Compared as they really are (links resolved)."""
    real = {key: os.path.realpath(config.root / _folder(config, key)) for key in (*_FOLDERS, "cache")}

    def named(key: str) -> str:
        return f"the cache folder {CACHE_DIR}" if key == "cache" else f'{key} = "{getattr(config, key)}"'

    def refuse(keys: tuple[str, ...], why: str) -> NoReturn:
        key = next((k for k in reversed(keys) if k in table), None)
        line = _key_line(source, key) if key is not None else 0
        raise PipelineError(
            where if key is not None else config.root.as_posix(),
            line,
            f"[tool.pipeline] {why}: lessons, catalogs, built trees and the cache need folders of their "
            "own, none inside another (a rebuild deletes from build_dir what it did not make)",
        )

    for lang in (config.source_lang, *config.languages):
        if os.path.realpath(config.build / lang) == real["content_dir"]:
            both = f"{named('build_dir')} and {named('content_dir')}"
            refuse(("content_dir", "build_dir"), f"{both} make {config.build_dir}/{lang} the content folder")
    keys = list(real)
    for at, one in enumerate(keys):
        for other in keys[at + 1 :]:
            if real[one] == real[other]:
                linked = any(real[k] != os.path.normpath(config.root / _folder(config, k)) for k in (one, other))
                how = " (through a symbolic link)" if linked else ""
                refuse((one, other), f"{named(one)} and {named(other)} are the same folder{how}")
            for inner, outer in ((one, other), (other, one)):
                if real[inner].startswith(real[outer].rstrip(os.sep) + os.sep):
                    refuse((one, other), f"{named(inner)} is inside {named(outer)}")


_EXPECTED: dict[str, type | tuple[type, ...]] = {
    "languages": list,
    "boilerplate": list,
    "line_numbers": bool,
    "fuzzy_threshold": (int, float),
    "tm_threshold": (int, float),
    "min_lesson_coverage": (int, float),
    "min_coverage": dict,
    "notices": dict,
}


def _right_type(key: str, value: object) -> bool:
    """Whether a setting's TOML value has the type it needs (a string unless
    listed above); boilerplate is a list of [start, end] marker pairs."""
    if not isinstance(value, _EXPECTED.get(key, str)):
        return False
    return key != "boilerplate" or (
        isinstance(value, list)
        and all(isinstance(p, list) and len(p) == 2 and all(isinstance(m, str) and m for m in p) for p in value)
    )


def _code(code: object) -> bool:
    """Whether a configured language is shaped like one: it names folders.
    Its form only: a language CLDR does not know may be chosen on purpose."""
    from .languages import well_formed  # not at import: `pipeline --help` reads no settings

    return isinstance(code, str) and well_formed(code)


def _key_line(source: str, key: str) -> int:
    """Line of ``key = ...`` inside the [tool.pipeline] table (0 if unseen)."""
    inside = False
    for number, line in enumerate(source.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("["):
            inside = stripped.replace(" ", "") == "[tool.pipeline]"
        elif inside and re.match(rf"{re.escape(key)}\s*=", stripped):
            return number
    return 0


def _toml_line(exc: Exception) -> int:
    return int(getattr(exc, "lineno", 0) or 0)
