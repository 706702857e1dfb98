"""Every rule a finding can name, in one table.

A rule's id is written where a finding is made, its exit code is decided in
report.py and it is explained in the README: one registry keeps the three in
step (tests/test_rules.py checks that the package and the README agree).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from .errors import Exit

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule: its id, the severity its findings have unless the place that
    makes one says otherwise, the exit code an error of it makes, and a line
    for the README."""

    id: str
    severity: str  # error | warning | info
    exit: Exit
    doc: str

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"rule {self.id!r}: severity {self.severity!r} is not one of {SEVERITIES}")
        if not isinstance(self.exit, Exit):
            raise TypeError(f"rule {self.id!r}: exit must be an errors.Exit, not {self.exit!r}")


_E, _W, _I = "error", "warning", "info"
_OK, _FAILED, _BAD = Exit.OK, Exit.FAILED, Exit.BAD_INPUT

# In the README's order: what CI checks, then unusable input, then lint.
RULES: tuple[Rule, ...] = (
    Rule(
        "catalog-stale",
        _E,
        _FAILED,
        "a template or catalog whose entries are not the lessons' (a msgid added, removed or changed); "
        "layout, translations and what the memory could fill never make one stale",
    ),
    Rule(
        "protected-span",
        _E,
        _FAILED,
        "a translation that loses or alters math, code, a link destination or an HTML tag, or whose page renders "
        "to another set of destinations, definitions, footnotes or tags than the source's",
    ),
    Rule(
        "active-content",
        _E,
        _FAILED,
        "a translation adding script/iframe/object/embed/style (and frame, applet, base, meta, link, form, svg) tags, "
        "`on…=` attributes, a URL that is not relative, http(s) or mailto (`javascript:` however encoded, `data:`, "
        "`//host`) in a link, image or definition, or markup a sanitiser strips; at build such a unit keeps its "
        "source text",
    ),
    Rule("vietnamese-left", _E, _FAILED, "Vietnamese text in a translation (outside code and math)"),
    Rule("structure", _E, _FAILED, "a translation that would change the lesson's Markdown structure"),
    Rule("broken-link", _E, _FAILED, "a relative link or image that resolves to no file of the course"),
    Rule("coverage", _E, _FAILED, "a language or module under `--min-coverage` or `[tool.pipeline.min_coverage]`"),
    Rule("fmt", _E, _FAILED, "`pipeline fmt --check`: a lesson not in mdformat's canonical form"),
    Rule("glossary-term", _W, _FAILED, "a translation that does not use the glossary's approved term"),
    Rule(
        "catalog-syntax",
        _E,
        _BAD,
        "a PO that does not parse (or starts with a BOM, holds a NUL)",
    ),
    Rule(
        "po-escape",
        _E,
        _BAD,
        "a PO string holding an escape GNU gettext does not define (`\\q`), a NUL or U+0004 (`\\0`), "
        "a hex escape of more than two digits or bytes that are not UTF-8: refused, the catalog left as it is "
        "(`\\a`, octal and hex escapes are read as gettext reads them)",
    ),
    Rule("catalog-duplicate", _E, _BAD, "a PO holding the same entry (context and text) twice"),
    Rule(
        "bad-header",
        _E,
        _BAD,
        "a PO header naming another language, a charset other than UTF-8 or another plural rule",
    ),
    Rule("plural-forms", _E, _BAD, "an entry whose plural forms do not match the header's `nplurals`"),
    Rule("encoding", _E, _BAD, "a lesson or catalog that is not UTF-8 (invalid bytes, UTF-16, NUL bytes)"),
    Rule(
        "symlink",
        _E,
        _BAD,
        "a symbolic link out of `content/`, broken or looping, or a catalog, template or glossary that a link "
        "leads out of the project (never read)",
    ),
    Rule(
        "input",
        _E,
        _BAD,
        "unusable input or settings: no `content/`, bad settings, a lesson named like the shared catalog "
        "or like another but for its suffix",
    ),
    Rule(
        "read-failed",
        _E,
        _BAD,
        "a lesson or catalog that cannot be read (permission, vanished, a folder where a file should be)",
    ),
    Rule("write-failed", _E, _BAD, "a write that fails (no space, too large, permission)"),
    Rule("outside-root", _E, _BAD, "a write that a symlink or a setting would carry out of the project: refused"),
    Rule("locked", _E, _BAD, "another run is writing the project (`--wait` queues behind it)"),
    Rule("no-template", _E, _BAD, "a lesson without its template: run `pipeline extract` first"),
    Rule("glossary", _E, _BAD, "a glossary row without a term and its translation"),
    Rule(
        "mojibake",
        _W,
        _BAD,
        'source lint (`mojibake = "error"` makes it fail); `extract` refuses such a lesson unless '
        "`--allow-mojibake`, `doctor --fix` repairs it",
    ),
    Rule("mojibake-ambiguous", _W, _FAILED, "a spot `doctor --fix` repaired by choosing among readings: check it"),
    Rule("invalid-utf8", _E, _FAILED, "`doctor`: a file that is not valid UTF-8 (not fixable: re-save it)"),
    Rule("not-nfc", _E, _FAILED, "`doctor`: text that is not in Unicode NFC"),
    Rule("invisible", _E, _FAILED, "`doctor`: a zero-width or other invisible character"),
    Rule("bom", _W, _FAILED, "a lesson starting with a BOM (kept)"),
    Rule("mixed-newlines", _W, _FAILED, "a lesson mixing CRLF and LF"),
    Rule("unclosed-fence", _W, _FAILED, "source lint: a code fence never closed (the rest stays code)"),
    Rule("unbalanced-dollar", _W, _FAILED, "source lint: a `$` that opens no math"),
    Rule(
        "too-deep",
        _W,
        _FAILED,
        "lists or quotes nested deeper than markdown-it's 20 levels (the lines past it stay untranslated, named)",
    ),
    Rule("empty-lesson", _W, _FAILED, "an empty lesson"),
    Rule("directive", _W, _FAILED, "an unknown or empty `i18n:` directive"),
    Rule("unlocated", _W, _FAILED, "a unit the parser could not locate in the source: left untranslated"),
    Rule(
        "fmt-refused", _W, _FAILED, "a lesson `pipeline fmt` leaves as it is: formatting would change more than layout"
    ),
    Rule(
        "orphan-catalog",
        _E,
        _FAILED,
        "a catalog whose lesson is gone and that no renamed lesson took: `check` fails when it holds "
        "translators' work (`update` and `rebuild` keep it and warn), and only informs when it holds none",
    ),
    Rule(
        "renamed",
        _I,
        _OK,
        "a lesson renamed or moved: the orphaned catalog sharing at least half its text migrated to the new name",
    ),
    Rule("memory-fill", _I, _OK, "`update` translated entries from the translation memory, marked `# tm: exact match`"),
    Rule("concurrent-edit", _I, _OK, "a catalog a translator saved while the run worked: merged from the new file"),
)

_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}
if len(_BY_ID) != len(RULES):  # pragma: no cover - a mistake in the table above
    raise ValueError("rules.RULES names a rule twice")


def get(rule_id: str) -> Rule | None:
    """The rule named ``rule_id``, or None if no rule has that id."""
    return _BY_ID.get(rule_id)


def exit_for(rule_id: str) -> Exit:
    """What an error of the rule makes a run exit with: an unknown rule is
    taken for unusable input, the safe side."""
    rule = _BY_ID.get(rule_id)
    return rule.exit if rule is not None else Exit.BAD_INPUT


def ids(exit: Exit | None = None) -> frozenset[str]:
    """Every rule's id, or those whose errors make ``exit``."""
    return frozenset(r.id for r in RULES if exit is None or r.exit is exit)


def known(*rule_ids: str) -> frozenset[str]:
    """A set of rule ids for a filter, each checked against the registry: a
    misspelt id raises at import instead of filtering nothing."""
    unknown = [x for x in rule_ids if x not in _BY_ID]
    if unknown:
        raise KeyError(f"not registered in pipeline/rules.py: {', '.join(unknown)}")
    return frozenset(rule_ids)


def markdown_table() -> str:
    """The README's table of rules, one row per rule, ending in a newline."""
    rows = ["| rule | severity | exit | finding |", "| --- | --- | --- | --- |"]
    for r in RULES:
        doc = r.doc.replace("|", "\\|")  # a bare | would end the cell
        rows.append(f"| `{r.id}` | {r.severity} | {int(r.exit)} | {doc} |")
    return "\n".join(rows) + "\n"


def main() -> None:
    """``python -m pipeline.rules``: print the table to paste into the README."""
    sys.stdout.write(markdown_table())


if __name__ == "__main__":  # pragma: no cover
    main()
