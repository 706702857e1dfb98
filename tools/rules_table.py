"""Write the README's table of rules from pipeline/rules.py.

The table lives between ``<!-- rules -->`` and ``<!-- /rules -->``;
tests/test_rules.py fails when it and the registry differ.
Usage: python tools/rules_table.py [README.md]
"""

from __future__ import annotations

import sys
from pathlib import Path

from pipeline import rules

START, END = "<!-- rules -->\n", "<!-- /rules -->"


def rewrite(text: str) -> str:
    """``text`` with the block between the markers replaced by the registry's table."""
    head, start, rest = text.partition(START)
    _, end, tail = rest.partition(END)
    if not start or not end:
        raise SystemExit(f"the README needs a {START.strip()} ... {END} block")
    return head + start + rules.markdown_table() + end + tail


def main() -> None:
    path = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "README.md")
    text = path.read_text(encoding="utf-8")
    new = rewrite(text)
    if new != text:
        path.write_text(new, encoding="utf-8")
        print(f"{path}: rules table rewritten")


if __name__ == "__main__":
    main()
