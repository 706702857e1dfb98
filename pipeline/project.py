"""A project on disk: its settings, its lessons, where each file goes, and
guarded writes.

What every command shares and no lesson's job decides: the lessons and
assets under ``content/``, the path of each template, catalog and page, and
the one write that never leaves the root (a symlink, a setting), never
overwrites a file a translator saved meanwhile, and in a dry run writes
nothing at all. Forked workers inherit it and write through it too.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from . import files, languages, lessons
from .config import Config, load
from .errors import Finding, PipelineError
from .files import Stat, content_hash
from .segments import Document


@dataclass(frozen=True, slots=True)
class Wrote:
    """A file a write left as ``digest`` (``changed``: its bytes are new)."""

    rel: str
    digest: str
    stat: Stat | None  # None: not known (a dry run)
    changed: bool


class Conflict(Exception):
    """The file no longer holds the bytes the run read: someone saved it."""


class Project:
    """One root: settings, lessons and assets, paths, and the guarded write."""

    def __init__(self, root: Path | str, dry: bool = False) -> None:
        self.config: Config = load(Path(root))
        self.root = self.config.root
        self.dry = dry
        self.outputs: dict[Path, bytes] = {}  # a dry run's writes
        self._real_root = self.root.resolve()
        self._resolved: dict[Path, Path] = {}
        self._shown: dict[Path, str] = {}
        self._paths: dict[tuple[str, str], Path] = {}
        self._rels: dict[tuple[str, str, str], str] = {}
        self._prefixes: dict[tuple[str, str], str] = {}
        content = self.config.content
        if not content.is_dir():
            raise PipelineError(self.shown(content), 0, "no content folder: lessons go in content/")
        # No file of the project is read where a link leads it out (a catalog
        # linked to a secret): content/ may be a link, its lessons are checked
        # against it (lessons.discover).
        files.fence(self.root, content)
        self.lessons, self.assets, self.found = lessons.discover(content, self.shown)
        # Lessons parsed by this process (see document()), with their problems.
        self.docs: dict[str, tuple[Document | None, list[Finding]]] = {}

    def document(self, lesson: str, allow_mojibake: bool = False) -> tuple[Document | None, list[Finding]]:
        """A lesson read and segmented once per run, and what reading it found
        (a dry run's jobs leave theirs here: a check parses each lesson once)."""
        found = self.docs.get(lesson)
        if found is None:
            path = self.source(lesson)
            shown = self.shown(path)
            try:
                data = files.read_bytes(path)
            except OSError as exc:
                found = (None, [read_failed(shown, exc)])
            else:
                found = lessons.load_bytes(data, shown, self.config.boilerplate, allow_mojibake)
            self.docs[lesson] = found
        return found

    # -- paths -----------------------------------------------------------------

    def shown(self, path: Path) -> str:
        """A path as messages and records name it: from the root, with "/"."""
        found = self._shown.get(path)
        if found is None:
            try:
                found = path.relative_to(self.root).as_posix()
            except ValueError:
                found = str(path)
            self._shown[path] = found
        return found

    # Each path is made once: a rebuild with little to do asks for the paths
    # of a thousand lessons several times, and a Path is slow to make.

    def source(self, lesson: str) -> Path:
        return self._path("content", lesson, lambda: self.config.content / lesson)

    def template_path(self, lesson: str) -> Path:
        return self._path("", lesson, lambda: self.config.locales / "templates" / Path(lesson).with_suffix(".pot"))

    def catalog_path(self, lesson: str, lang: str) -> Path:
        return self._path(lang, lesson, lambda: self.config.locales / lang / Path(lesson).with_suffix(".po"))

    def page_path(self, lesson: str, lang: str) -> Path:
        return self._path("/" + lang, lesson, lambda: self.config.build / lang / lesson)

    def rel(self, kind: str, lesson: str, lang: str = "") -> str:
        """A lesson's file as :meth:`shown` names it, made without a Path:
        ``kind`` is "source", "copy" (build/<source>/), "template",
        "catalog" or "page"."""
        key = (kind, lang, lesson)
        found = self._rels.get(key)
        if found is None:
            prefix = self._prefixes.get((kind, lang))
            if prefix is None:
                config = self.config
                folder = {
                    "source": config.content,
                    "copy": config.build / config.source_lang,
                    "template": config.locales / "templates",
                    "catalog": config.locales / lang,
                    "page": config.build / lang,
                }[kind]
                prefix = self._prefixes[kind, lang] = self.shown(folder) + "/"
            suffix = {"template": ".pot", "catalog": ".po"}.get(kind)
            found = self._rels[key] = prefix + (os.path.splitext(lesson)[0] + suffix if suffix else lesson)
        return found

    def _path(self, kind: str, lesson: str, make: Callable[[], Path]) -> Path:
        found = self._paths.get((kind, lesson))
        if found is None:
            found = self._paths[kind, lesson] = make()
        return found

    def langs(self, only: Iterable[str] | None) -> list[str]:
        """The target languages of a run: ``only`` (``--lang``) or the
        configured ones. A language given that the settings do not list is
        taken when CLDR knows it (``--lang fr`` needs no pyproject.toml);
        its code becomes folder names, so anything else is refused."""
        chosen = list(only) if only else list(self.config.languages)
        for lang in chosen:
            if lang == self.config.source_lang:
                raise PipelineError("--lang", 0, f"{lang!r} is the source language: build/{lang}/ is always written")
            if lang not in self.config.languages:
                languages.validate(lang, "--lang")
        return list(dict.fromkeys(chosen))

    def catalogs(self, lang: str, known: Iterable[str] | None = None) -> list[Path]:
        """Every catalog of a language, in path order (``known``: the files
        of the project as a snapshot listed them, instead of a walk)."""
        folder = self.config.locales / lang
        if known is not None:
            prefix = self.shown(folder) + "/"
            return sorted(self.root / rel for rel in known if rel.startswith(prefix) and rel.endswith(".po"))
        return sorted(Path(full) for full, rel in files.tree(folder) if rel.endswith(".po")) if folder.is_dir() else []

    # -- writing ---------------------------------------------------------------

    def escapes(self, path: Path) -> str | None:
        """Why writing or removing ``path`` would leave the project, or None.

        A symlink (build/en -> /somewhere) or a setting (build_dir =
        "../x") must never carry output out of the root.
        """
        parent = self._resolved.get(path.parent)
        if parent is None:  # each folder resolved once: a run writes many files to few folders
            parent = self._resolved[path.parent] = path.parent.resolve()
        real = parent / path.name
        if real.is_relative_to(self._real_root):
            return None
        config = self.config
        # As written, normalized: "build/../../x" is not in build/ (a setting, not a link).
        written = os.path.normpath(path)
        folders = (Path(os.path.normpath(f)) for f in (config.build, config.locales, config.content))
        folder = next((f for f in folders if Path(written).is_relative_to(f)), None)
        if folder is not None and folder.resolve().is_relative_to(self._real_root):
            return f"refusing to write outside {self.shown(folder)}/: the path resolves to {real} (through a symlink)"
        return f"refusing to write outside the project root: the path resolves to {real} (check the settings)"

    def put(
        self,
        path: Path,
        data: bytes,
        *,
        durable: bool = False,
        expect: str | None = None,
    ) -> tuple[Wrote | None, Finding | None]:
        """Leave ``path`` holding ``data``: what it did, or why it could not.

        ``expect`` is the content hash the run read the file as ("" for no
        file): if the file holds other bytes now, :class:`Conflict` is
        raised and nothing is written. ``durable`` files (a translator's
        work) are fsynced before they replace the old one.
        """
        shown = self.shown(path)
        escape = self.escapes(path)
        if escape is not None:
            return None, Finding(shown, 0, "outside-root", escape)
        digest = content_hash(data)
        try:
            old = files.read_bytes(path)
        except (FileNotFoundError, NotADirectoryError):
            old = None
        except files.Outside as exc:  # replacing the link would hide what it was: the user decides
            why = f"refusing to replace a symbolic link out of the project ({exc.target}): remove it"
            return None, Finding(shown, 0, "outside-root", why)
        except OSError as exc:
            if not isinstance(exc, IsADirectoryError):
                return None, Finding(shown, 0, "write-failed", f"cannot write the file: {_why(exc)}")
            old = None
        if expect is not None and (content_hash(old) if old is not None else "") != expect:
            raise Conflict(shown)
        if old == data:
            return Wrote(shown, digest, None, False), None
        if self.dry:
            self.outputs[path] = data
            return Wrote(shown, digest, None, True), None
        try:
            files.replace(path, data, durable=durable)
            stat = Stat.of(os.stat(path))
        except OSError as exc:
            return None, Finding(shown, 0, "write-failed", f"cannot write the file: {_why(exc)}")
        return Wrote(shown, digest, stat, True), None

    def remove(self, path: Path) -> Finding | None:
        """Delete a file the run no longer makes (not in a dry run)."""
        escape = self.escapes(path)
        if escape is not None:
            return Finding(self.shown(path), 0, "outside-root", escape)
        if not self.dry:
            try:
                path.unlink()
            except FileNotFoundError:
                pass
            except OSError as exc:
                return Finding(self.shown(path), 0, "write-failed", f"cannot remove the file: {_why(exc)}")
        return None

    def stale(self, folder: Path, keep: set[str], suffix: str | None, known: Iterable[str] | None = None) -> list[Path]:
        """Files under ``folder`` the run did not make: ``keep`` names those
        it made as :meth:`shown` does (``suffix``: only files ending so;
        ``known``: the project's files as a snapshot listed them, no walk)."""
        prefix = self.shown(folder) + "/"
        if known is not None:
            found: Iterable[str] = (rel for rel in known if rel.startswith(prefix))
        elif folder.is_dir():
            found = (prefix + rel for _, rel in files.tree(folder))
        else:
            return []
        return sorted(self.root / rel for rel in found if rel not in keep and (suffix is None or rel.endswith(suffix)))

    def prune(self, folder: Path) -> None:
        """Remove the empty folders under ``folder`` (not in a dry run)."""
        if self.dry or not folder.is_dir():
            return
        for here, _, _ in os.walk(folder, topdown=False):  # the deepest first; linked folders not entered
            if here != os.fspath(folder):
                with contextlib.suppress(OSError):  # not empty
                    os.rmdir(here)


def _why(exc: OSError) -> str:
    """An OSError as a person reads it: "No space left on device" (errno 28)."""
    return f"{exc.strerror or exc} (errno {exc.errno})" if exc.errno else str(exc)


def read_failed(shown: str, exc: OSError) -> Finding:
    """A lesson or catalog that cannot be read, as a finding (one a link
    leads out of the project: a symlink finding, the file never read)."""
    if isinstance(exc, files.Outside):
        return files.outside(shown, exc)
    what = "is a folder, not a file" if isinstance(exc, IsADirectoryError) else f"cannot be read: {_why(exc)}"
    if isinstance(exc, FileNotFoundError):
        what = "vanished while the run worked (deleted or moved)"
    return Finding(shown, 0, "read-failed", f"{what}; it was skipped, the next run tries again")
