"""Learn the Vietnamese model used for mojibake repair from content/ (our own clean text).

python tools/build_model.py    # writes pipeline/data/vi_model.json
"""

from __future__ import annotations

from pathlib import Path

from pipeline.text import Model

ROOT = Path(__file__).resolve().parent.parent

if __name__ == "__main__":
    model = Model.learn(p.read_text(encoding="utf-8") for p in sorted((ROOT / "content").rglob("*.md")))
    out = ROOT / "pipeline" / "data" / "vi_model.json"
    out.write_text(model.to_json(), encoding="utf-8")
    print(f"{out.relative_to(ROOT)}: {len(model.syllables)} syllables, {len(model.trigrams)} trigrams")
