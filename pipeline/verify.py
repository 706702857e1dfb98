"""Round-trip proofs: identity and pseudo-translations of a whole course.

An identity translation must rebuild every lesson byte for byte; a
case-swapped pseudo-translation must parse to the same Markdown structure,
with code, math, HTML and link destinations unchanged and every prose letter
swapped (so nothing translatable was missed).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import api, catalog
from . import po as po_io
from .markdown import Span, protected_spans
from .segments import Unit, segment
from .structure import structure_problems, swap_char
from .text import nfc


def pseudo(text: str, spans: Iterable[Span] | None = None) -> str:
    """``text`` with the case of every letter swapped outside protected spans.

    Pass the unit's own ``spans`` where reference links or footnotes occur:
    alone, the text does not know its lesson's link definitions.
    """
    out: list[str] = []
    pos = 0
    for span in protected_spans(text) if spans is None else spans:
        out.append("".join(map(swap_char, text[pos : span.start])))
        out.append(text[span.start : span.end])
        pos = span.end
    out.append("".join(map(swap_char, text[pos:])))
    return "".join(out)


@dataclass
class RoundTrip:
    lessons: int = 0
    entries: int = 0
    identical: int = 0  # identity build == source, byte for byte
    structure_ok: int = 0  # pseudo build parses to the same structure
    failures: dict[str, list[str]] = field(default_factory=dict)
    findings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.identical == self.lessons and self.structure_ok == self.lessons and not self.failures


def _fill_catalogs(root: Path, lang: str, translate: Callable[[Unit], str]) -> None:
    """Give every entry of every catalog (lessons and shared) ``translate``."""
    table: dict[str, str] = {}
    for lesson in sorted((root / "content").rglob("*.md")):
        for unit in segment(lesson.read_text(encoding="utf-8")).units:
            table.setdefault(nfc(unit.text), translate(unit))  # msgids are NFC; a lesson may not be
    for path in sorted((root / "locales" / lang).rglob("*.po")):
        po = po_io.loads(path.read_text(encoding="utf-8"), str(path))
        catalog.fill(po, lambda msgid: table.get(msgid, msgid))
        path.write_text(po_io.dumps(po), encoding="utf-8")


def round_trip(content: Path, lang: str = "en", keep: Path | None = None) -> RoundTrip:
    """Run both round trips over a copy of ``content`` in a scratch project."""
    result = RoundTrip()
    with tempfile.TemporaryDirectory(prefix="pipeline-roundtrip-") as scratch:
        root = keep or Path(scratch)
        shutil.copytree(content, root / "content", dirs_exist_ok=True)
        (root / "pyproject.toml").write_text(f'[tool.pipeline]\nlanguages = ["{lang}"]\n', encoding="utf-8")
        report = api.rebuild(root)
        result.lessons, result.entries = report.lessons, report.entries
        result.findings = [str(f) for f in report.findings]
        lessons = sorted(p.relative_to(root / "content") for p in (root / "content").rglob("*.md"))

        _fill_catalogs(root, lang, lambda unit: unit.text)
        api.build(root)
        for rel in lessons:
            if (root / "build" / lang / rel).read_bytes() == (root / "content" / rel).read_bytes():
                result.identical += 1
            else:
                result.failures.setdefault(rel.as_posix(), []).append("identity build differs from source")

        _fill_catalogs(root, lang, lambda unit: pseudo(unit.text, unit.spans))
        built = api.build(root)
        result.findings += [str(f) for f in built.findings]
        for rel in lessons:
            # Translations are NFC, the bytes between them the source's: compare in NFC.
            source = nfc((root / "content" / rel).read_text(encoding="utf-8"))
            problems = structure_problems(source, nfc((root / "build" / lang / rel).read_text(encoding="utf-8")))
            if problems:
                result.failures.setdefault(rel.as_posix(), []).extend(problems)
            else:
                result.structure_ok += 1
    return result
