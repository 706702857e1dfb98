"""Translators' tools as the tests apply them: GNU gettext, polib, translate-toolkit, Weblate.

Each tool rewrites one catalog in place, the way a translator (or a
translation platform) saving the file would: `apply(root, tool)` runs it over
every catalog under `locales/<lang>/`.  `content(path)` is what a catalog
says, layout aside, so a test can tell a rewrap from a real change.

A catalog saved with CRLF line ends is out of scope: no tool here writes one
(GNU gettext, polib, translate-toolkit and Weblate write LF), and such a file
is a different file, not another layout of the same one.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polib

from tests.needs import need_gettext


@dataclass(frozen=True)
class Tool:
    """One way of saving a catalog; `drops_flags` when it loses flags it does not know (`#, copied`)."""

    name: str
    run: Callable[[Path, Path], None]  # (catalog, its template)
    drops_flags: bool = False

    def __str__(self) -> str:
        return self.name


def _gnu(*args: str) -> None:
    need_gettext()
    proc = subprocess.run(list(args), capture_output=True, text=True, check=False)
    assert proc.returncode == 0, f"{' '.join(args)}: {proc.stderr}"


def msgcat(*options: str) -> Callable[[Path, Path], None]:
    return lambda po, _pot: _gnu("msgcat", *options, "-o", str(po), str(po))


def msgattrib(*options: str) -> Callable[[Path, Path], None]:
    return lambda po, _pot: _gnu("msgattrib", *options, "-o", str(po), str(po))


def msgmerge_previous(po: Path, pot: Path) -> None:
    _gnu("msgmerge", "--quiet", "--previous", "-o", str(po), str(po), str(pot))


def polib_save(wrapwidth: int) -> Callable[[Path, Path], None]:
    return lambda po, _pot: polib.pofile(str(po), wrapwidth=wrapwidth).save()


def translate_toolkit(po: Path, _pot: Path) -> None:
    """translate-toolkit's own PO store (what Pootle and Weblate build on), serialised with `bytes()`."""
    from translate.storage import po as ttk_po

    store = ttk_po.pofile.parsefile(str(po))
    po.write_bytes(bytes(store))


WEBLATE_FIELDS = {
    "Last-Translator": "Ana <ana@example.org>",
    "PO-Revision-Date": "2026-01-02 10:00+0000",
    "X-Generator": "Weblate 5.8",
}


def weblate_header(po: Path, _pot: Path) -> None:
    """A text edit like Weblate's save: fields filled, one appended, Language-Team and Language swapped."""
    text = po.read_text(encoding="utf-8")
    head, sep, rest = text.partition("\n\n")
    for field in ("Last-Translator", "PO-Revision-Date"):
        head, n = re.subn(rf'^"{field}: [^"\\]*\\n"$', f'"{field}: {WEBLATE_FIELDS[field]}\\\\n"', head, flags=re.M)
        assert n == 1, f"{po}: no {field} line"
    team = re.search(r'^"Language-Team: .*"$', head, flags=re.M)
    lang = re.search(r'^"Language: .*"$', head, flags=re.M)
    assert team and lang, f"{po}: no Language-Team or Language line"
    head = head.replace(team[0], "\0").replace(lang[0], team[0]).replace("\0", lang[0])
    head += f'\n"X-Generator: {WEBLATE_FIELDS["X-Generator"]}\\n"'
    po.write_text(head + sep + rest, encoding="utf-8")


def chain(*tools: Callable[[Path, Path], None]) -> Callable[[Path, Path], None]:
    def run(po: Path, pot: Path) -> None:
        for tool in tools:
            tool(po, pot)

    return run


TOOLS = [
    Tool("msgcat", msgcat(), drops_flags=True),
    Tool("msgcat --no-wrap", msgcat("--no-wrap"), drops_flags=True),
    Tool("msgcat --width=60", msgcat("--width=60"), drops_flags=True),
    Tool("msgmerge --previous", msgmerge_previous, drops_flags=True),
    Tool("msgattrib", msgattrib(), drops_flags=True),
    Tool("polib", polib_save(78)),
    Tool("polib wrapwidth=0", polib_save(0)),
    Tool("translate-toolkit", translate_toolkit),
    Tool("weblate header", weblate_header),
    Tool(
        "msgcat --width=60, msgmerge, msgattrib, polib, translate-toolkit in turn",
        chain(msgcat("--width=60"), msgmerge_previous, msgattrib(), polib_save(78), translate_toolkit),
        drops_flags=True,
    ),
]
BY_NAME = {t.name: t for t in TOOLS}


def catalogs(root: Path) -> list[Path]:
    """Every catalog of every target language (templates excluded)."""
    locales = root / "locales"
    return sorted(p for p in locales.rglob("*.po") if p.relative_to(locales).parts[0] != "templates")


def templates(root: Path) -> list[Path]:
    return sorted((root / "locales" / "templates").rglob("*.pot"))


def template_of(root: Path, po: Path) -> Path:
    """locales/<lang>/<lesson>.po -> locales/templates/<lesson>.pot (the shared catalog's too)."""
    rel = po.relative_to(root / "locales")
    return (root / "locales" / "templates" / Path(*rel.parts[1:])).with_suffix(".pot")


def apply(root: Path, tool: Tool) -> list[Path]:
    """Run the tool over every catalog; return those whose bytes it changed."""
    changed = []
    for po in catalogs(root):
        before = po.read_bytes()
        tool.run(po, template_of(root, po))
        if po.read_bytes() != before:
            changed.append(po)
    return changed


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """Each file's content hash and mtime (ns), by path under the folder."""
    if not folder.exists():
        return {}
    return {
        str(p.relative_to(folder)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def hashes(folder: Path) -> dict[str, str]:
    return {k: v[0] for k, v in snapshot(folder).items()}


def changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


def content(path: Path, *, owned: bool = True) -> tuple[object, ...]:
    """What a catalog says, layout aside: header fields in order, then each entry's parts.

    `owned=False` leaves out what the pipeline writes and a tool may drop
    without touching the translation: flags but `fuzzy` (GNU forgets flags it
    does not know, `#, copied` among them) and `#.` comments (msgmerge takes
    them from the template, which has no `#. glossary:` lines).
    """
    po = polib.pofile(str(path), wrapwidth=0)
    entries = []
    for e in [*po, *po.obsolete_entries()]:
        flags = e.flags if owned else [f for f in e.flags if f == "fuzzy"]
        entries.append(
            (
                e.obsolete,
                e.msgctxt,
                e.msgid,
                e.msgid_plural,
                e.msgstr,
                tuple(sorted(e.msgstr_plural.items())),
                tuple(sorted(flags)),
                e.comment if owned else "",
                e.tcomment,
                tuple(e.occurrences),
                e.previous_msgctxt,
                e.previous_msgid,
                e.previous_msgid_plural,
            )
        )
    return (po.header, tuple(po.metadata.items()), tuple(sorted(entries, key=repr)))


def marks(path: Path) -> set[tuple[str | None, str, str]]:
    """Every (context, msgid, mark) of a catalog: its flags and `#.` comment lines, which a tool may drop."""
    found = set()
    for e in polib.pofile(str(path)):
        found |= {(e.msgctxt, e.msgid, f"#, {f}") for f in e.flags}
        found |= {(e.msgctxt, e.msgid, f"#. {c}") for c in e.comment.splitlines()}
    return found


def flags(path: Path) -> set[tuple[str | None, str, str]]:
    """Every (context, msgid, flag) of a catalog."""
    return {(e.msgctxt, e.msgid, f) for e in polib.pofile(str(path)) for f in e.flags}


def header_fields(path: Path) -> list[tuple[str, str]]:
    return list(polib.pofile(str(path)).metadata.items())
