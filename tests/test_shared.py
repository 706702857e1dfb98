"""The shared boilerplate catalog: navigation and footers translated once."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import polib

from pipeline import api
from tests.conftest import msgfmt_check
from tests.test_course import VIETNAMESE

Project = Callable[[dict[str, str]], Path]

NAV = """<!-- Aero-Navigation-Start -->
[🏠 Trang chủ](../index.md)

### 🧭 Điều hướng nhanh
<!-- Aero-Navigation-End -->
"""
FOOTER = """<!-- Aero-Footer-Start -->
## 🤝 Liên hệ
Góp ý qua kho mã.
<!-- Aero-Footer-End -->
"""


def _lesson(title: str, body: str) -> str:
    return f"{NAV}# {title}\n\n{body}\n{FOOTER}"


def test_boilerplate_goes_to_one_shared_entry_per_string(project: Project) -> None:
    root = project({"m/a.md": _lesson("Bài A", "Nội dung A."), "m/b.md": _lesson("Bài B", "Nội dung B.")})
    api.rebuild(root)
    shared = polib.pofile(str(root / "locales" / "templates" / "_shared.pot"))
    assert [e.msgid for e in shared] == [
        "[🏠 Trang chủ](../index.md)",
        "🧭 Điều hướng nhanh",
        "🤝 Liên hệ",
        "Góp ý qua kho mã.",
    ]
    assert shared.find("Góp ý qua kho mã.").occurrences == [("m/a.md", ""), ("m/b.md", "")]  # type: ignore[union-attr]
    lesson = polib.pofile(str(root / "locales" / "templates" / "m" / "a.pot"))
    assert [e.msgid for e in lesson] == ["Bài A", "Nội dung A."]
    for path in (root / "locales").rglob("*.po*"):
        assert msgfmt_check(path) == ""


def test_build_uses_the_shared_translation_everywhere(project: Project) -> None:
    root = project({"m/a.md": _lesson("Bài A", "Nội dung A."), "n/b.md": _lesson("Bài B", "Nội dung B.")})
    (root / "pyproject.toml").write_text("[tool.pipeline]\nmin_lesson_coverage = 0\n", encoding="utf-8")
    api.rebuild(root)
    po = polib.pofile(str(root / "locales" / "en" / "_shared.po"))
    po.find("🧭 Điều hướng nhanh").msgstr = "🧭 Quick navigation"  # type: ignore[union-attr]
    po.save()
    api.rebuild(root)
    for rel in ("m/a.md", "n/b.md"):
        assert "### 🧭 Quick navigation\n" in (root / "build" / "en" / rel).read_text(encoding="utf-8")


def test_custom_markers(project: Project) -> None:
    root = project({"a.md": "<!-- nav -->\nĐiều hướng\n<!-- /nav -->\n\nNội dung.\n"})
    (root / "pyproject.toml").write_text('[tool.pipeline]\nboilerplate = [["<!-- nav -->", "<!-- /nav -->"]]\n')
    api.extract(root)
    assert [e.msgid for e in polib.pofile(str(root / "locales" / "templates" / "_shared.pot"))] == ["Điều hướng"]
    assert [e.msgid for e in polib.pofile(str(root / "locales" / "templates" / "a.pot"))] == ["Nội dung."]


def _footer_tables(text: str) -> list[str]:
    footer = text[text.index("<!-- Aero-Footer-Start -->") : text.index("<!-- Aero-Footer-End -->")]
    return [line for line in footer.splitlines() if line.startswith("|")]


def test_titles_translated_once_make_every_sibling_table_english(course: Path) -> None:
    """Translate each lesson's title once, and the table's own words once."""
    for path in (course / "locales" / "en").rglob("*.po"):
        path.unlink()  # start from nothing translated
    # show partly translated lessons as they are (not the whole source)
    (course / "pyproject.toml").write_text("[tool.pipeline]\nmin_lesson_coverage = 0\n", encoding="utf-8")
    api.rebuild(course)
    titles = {
        "Biến và kiểu dữ liệu trong Python": "Variables and data types in Python",
        "Danh sách và từ điển": "Lists and dictionaries",
        "Vòng lặp và câu lệnh điều kiện": "Loops and conditional statements",
        "Hàm và thư viện NumPy": "Functions and the NumPy library",
        "Biến cố và xác suất": "Events and probability",
        "Trung bình, phương sai và độ lệch chuẩn": "Mean, variance and standard deviation",
        "Phân phối chuẩn": "The normal distribution",
        "Định lý Bayes": "Bayes' theorem",
        "Nơ-ron nhân tạo": "Artificial neurons",
        "Hàm kích hoạt": "Activation functions",
        "Hàm mất mát và thuật toán hạ gradient": "Loss functions and gradient descent",
        "Huấn luyện một mạng nơ-ron nhỏ": "Training a small neural network",
    }
    done = set()
    for path in sorted((course / "locales" / "en").rglob("bai_*.po")):
        po = polib.pofile(str(path))
        h1 = next(e for e in po if e.comment.startswith("heading 1"))
        h1.msgstr = titles[h1.msgid]
        done.add(h1.msgid)
        po.save()
    assert done == set(titles)  # each title translated exactly once
    shared_path = course / "locales" / "en" / "_shared.po"
    shared = polib.pofile(str(shared_path))
    first_link = next(e for e in shared if e.msgid.startswith("[Đọc bài →]("))
    first_link.msgstr = first_link.msgid.replace("Đọc bài", "Read")
    for msgid, msgstr in {"Bài học": "Lesson", "Liên kết": "Link"}.items():
        shared.find(msgid).msgstr = msgstr  # type: ignore[union-attr]
    shared.save()

    api.rebuild(course)
    lessons = sorted((course / "build" / "en").rglob("bai_*.md"))
    assert len(lessons) == 12
    for path in lessons:
        rows = _footer_tables(path.read_text(encoding="utf-8"))
        assert len(rows) == 6, path
        for row in rows:
            prose = re.sub(r"\]\([^)]*\)", "]", row)  # link destinations are file names
            assert not VIETNAMESE & set(prose.lower()), row
