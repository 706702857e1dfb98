"""Language codes, plural rules and names from CLDR (through Babel)."""

from __future__ import annotations

import gettext
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import languages
from pipeline.errors import PipelineError
from tests.conftest import msgfmt_check

# code: (nplurals, English name, {n: the form n takes})
CASES = {
    "pl": (3, "Polish", {0: 2, 1: 0, 2: 1, 4: 1, 5: 2, 12: 2, 14: 2, 22: 1, 25: 2, 112: 2, 122: 1}),
    "ru": (3, "Russian", {0: 2, 1: 0, 2: 1, 5: 2, 11: 2, 21: 0, 22: 1, 111: 2}),
    "ar": (6, "Arabic", {0: 0, 1: 1, 2: 2, 3: 3, 10: 3, 11: 4, 99: 4, 100: 5, 102: 5, 103: 3}),
    "cs": (3, "Czech", {0: 2, 1: 0, 2: 1, 4: 1, 5: 2, 22: 2}),
    "fr": (2, "French", {0: 0, 1: 0, 2: 1, 1_000_000: 1}),
    "ja": (1, "Japanese", {0: 0, 1: 0, 2: 0}),
    "vi": (1, "Vietnamese", {0: 0, 1: 0, 2: 0}),
    "en": (2, "English", {0: 1, 1: 0, 2: 1}),
    "pt_BR": (2, "Portuguese (Brazil)", {0: 0, 1: 0, 2: 1}),
    "sr@latin": (3, "Serbian", {1: 0, 2: 1, 5: 2, 21: 0}),
}
# What catalog.PLURAL_FORMS said before: the headers of existing catalogs.
BEFORE = {
    "vi": "nplurals=1; plural=0;",
    "en": "nplurals=2; plural=(n != 1);",
    "fr": "nplurals=2; plural=(n > 1);",
    "de": "nplurals=2; plural=(n != 1);",
    "ja": "nplurals=1; plural=0;",
    "zh": "nplurals=1; plural=0;",
}


@pytest.mark.parametrize("code", CASES)
def test_plural_forms_and_names_come_from_cldr(code: str) -> None:
    count, name, forms = CASES[code]
    header = languages.plural_forms(code)
    assert header.startswith(f"nplurals={count}; plural=(") or header == f"nplurals={count}; plural=0;"
    assert header.endswith(");") or header.endswith("=0;")
    expression = header.split("plural=", 1)[1].rstrip(";")
    rule = gettext.c2py(expression)  # the C expression, as gettext evaluates it
    assert {n: rule(n) for n in forms} == forms
    assert languages.english_name(code) == name
    assert languages.validate(code, "--lang") == code


def test_polish_has_its_own_rule() -> None:
    assert languages.plural_forms("pl") == (
        "nplurals=3; plural=(n == 1 ? 0 : n % 10 >= 2 && n % 10 <= 4 && (n % 100 < 12 || n % 100 > 14) ? 1 : 2);"
    )


@pytest.mark.parametrize("code", BEFORE)
def test_the_languages_of_the_old_table_keep_their_header(code: str) -> None:
    assert languages.plural_forms(code) == BEFORE[code]


@pytest.mark.parametrize("code", ["fr_CA", "es", "es_419", "it", "pt", "pt_PT", "ca"])
def test_no_third_form_for_exact_millions(code: str) -> None:
    """CLDR's "many" of fr/es/it/pt/ca: gettext's catalogs have two forms."""
    assert languages.plural_forms(code).startswith("nplurals=2; ")


@pytest.mark.parametrize("code", [*CASES, "zh_Hant", "ga", "cy"])
def test_gnu_msgfmt_accepts_the_plural_forms(tmp_path: Path, code: str) -> None:
    count = int(languages.plural_forms(code).split(";")[0].split("=")[1])
    forms = "".join(f'msgstr[{i}] "{i} tệp"\n' for i in range(count))
    header = {
        "Language": code,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": languages.plural_forms(code),
    }
    fields = "".join(f'"{key}: {value}\\n"\n' for key, value in header.items())
    path = tmp_path / "a.po"
    path.write_text(f'msgid ""\nmsgstr ""\n{fields}\nmsgid "%d tệp"\nmsgid_plural "%d tệp"\n{forms}', encoding="utf-8")
    assert msgfmt_check(path) == ""


@pytest.mark.parametrize("code", ["fr", "pt_BR", "zh_Hant", "zh_CN", "zh_Hant_TW", "sr@latin", "sr_Latn", "es_419"])
def test_real_codes_are_valid(code: str) -> None:
    assert languages.validate(code, "--lang") == code


@pytest.mark.parametrize(
    ("code", "complaint"),
    [
        ("../x", "'../x' is not a language code"),
        ("en/..", "'en/..' is not a language code"),
        ("a b", "'a b' is not a language code"),
        ("", "'' is not a language code"),
        ("fr\n", "'fr\\n' is not a language code"),
        ("fr.UTF-8", "'fr.UTF-8' is not a language code"),
        ("pt_br", "(did you mean 'pt_BR'?)"),
        ("pt-BR", "(did you mean 'pt_BR'?)"),
        ("EN", "(did you mean 'en'?)"),
        ("zh-hant", "(did you mean 'zh_Hant'?)"),
        ("en_UK", "'en_UK' is not a language CLDR knows (did you mean 'en_GB'?)"),
        ("iw", "(did you mean 'he'?)"),
        ("xx", "'xx' is not a language CLDR knows; to use it anyway"),
        ("en_ZZ", "'en_ZZ' is not a language CLDR knows;"),  # Babel would say en_US
        ("und", "'und' is not a language CLDR knows;"),
    ],
)
def test_anything_else_is_refused_naming_the_value(code: str, complaint: str) -> None:
    with pytest.raises(PipelineError) as caught:
        languages.validate(code, "--lang")
    assert str(caught.value).startswith("--lang: error: ")
    assert complaint in str(caught.value)


def test_a_well_formed_code_cldr_does_not_know() -> None:
    """Chosen in the settings (or a pseudo language): gettext's defaults."""
    assert languages.check_form("qps", "--lang") == "qps"
    assert languages.plural_forms("qps") == languages.DEFAULT_PLURAL == "nplurals=2; plural=(n != 1);"
    assert languages.english_name("qps") == "qps"
    assert not languages.known("qps")


def test_the_command_starts_without_babel() -> None:
    code = "import sys, pipeline.cli, pipeline.api, pipeline.config, pipeline.pages; print('babel' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "False"


@pytest.mark.parametrize("code", ["en_ZZ", "und", "xx", "../x"])
def test_what_cldr_does_not_know_gets_defaults_not_babels_guess(code: str) -> None:
    assert (languages.plural_forms(code), languages.english_name(code)) == (languages.DEFAULT_PLURAL, code)
