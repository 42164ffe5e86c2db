"""The languages a report is rendered in: interface text from gettext catalogs (the `.po` files
in `rapnb/locale/`, compiled with Babel when first used), and numbers, percentages and country
names formatted per locale by Babel (CLDR). The plan's own texts come in Spanish from the
translations table (`rapnb.present.plan_text`).

    >>> _ = gettext_for("es")                      # doctest: +SKIP
    >>> _("Funding requested per outcome")         # doctest: +SKIP
    'Fondos solicitados por resultado'
    >>> number(13399999, "es"), percent(41.5, "es")
    ('13.399.999', '41,5 %')

Adding a language: a catalog `rapnb/locale/<lang>/LC_MESSAGES/rapnb.po` (`make catalogs
LANG_NEW=<lang>` starts one from the template), its name in LANGUAGES, and a `text_<lang>`
column (with `source_<lang>`) in `data/translations.csv`.
"""

from __future__ import annotations

import functools
import gettext
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rapnb.context import LANGUAGES as LANGUAGE_CODES
from rapnb.context import Where, as_context
from rapnb.errors import UnknownLanguageError

DOMAIN = "rapnb"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
LANGUAGES: dict[str, str] = {"en": "English", "es": "Español"}
"""The languages rapnb renders, by code, each with its name in itself."""
assert tuple(LANGUAGES) == LANGUAGE_CODES, "rapnb.context.LANGUAGES and i18n.LANGUAGES differ"
SOURCE_LANGUAGE = "en"
UNOFFICIAL = {
    "es": "Traducción no oficial",
}
"""How each language's pages say, at the top, that their translation is unofficial."""


def check_lang(lang: object) -> str:
    """`lang` if rapnb renders it, else UnknownLanguageError listing the languages."""
    if not isinstance(lang, str) or lang not in LANGUAGES:
        raise UnknownLanguageError(lang, list(LANGUAGES))
    return lang


def catalog_path(lang: str) -> Path:
    """The `.po` catalog of `lang`."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalog of `lang` (English, the source language, needs none)."""
    check_lang(lang)
    if lang == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with open(catalog_path(lang), "rb") as handle:
        compiled = read_po(handle, locale=lang, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, compiled, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def N_(message: str) -> str:  # noqa: N802  (gettext's name for a marker)
    """Mark `message` for the catalog without translating it here (module-level texts,
    translated where they are shown)."""
    return message


def tr(ctx: Where = None) -> Callable[[str], str]:
    """The `_` of the context's language."""
    return gettext_for(as_context(ctx).lang)


def gettext_for(lang: str) -> Callable[[str], str]:
    """The `_` of `lang`: a message in English -> the message in `lang`."""
    return translations(lang).gettext


def ngettext_for(lang: str) -> Callable[[str, str, int], str]:
    """The plural-aware `ngettext` of `lang`."""
    return translations(lang).ngettext


def number(value: Any, lang: str, decimals: int = 0) -> str:
    """A number with the locale's separators: 13,399,999 (en), 13.399.999 (es)."""
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=lang)


def signed(value: Any, lang: str, decimals: int = 0) -> str:
    """A number with its sign: +1, -27.1 (en); +1, -27,1 (es)."""
    text = number(abs(value), lang, decimals)
    return ("+" if value > 0 else "-" if value < 0 else "") + text


def percent(value_pct: float, lang: str, decimals: int = 1) -> str:
    """A percentage given in percent, in the locale's own pattern: 41.5% (en), 41,5 % (es)."""
    from babel import Locale
    from babel.numbers import format_percent

    pattern = Locale.parse(lang).percent_formats[None].pattern  # '#,##0%', '#,##0 %'
    if decimals:
        pattern = pattern.replace("0", "0." + "0" * decimals, 1) if "0." not in pattern else (
            pattern)
    return format_percent(value_pct / 100, format=pattern, locale=lang)


def d3_locale(lang: str) -> dict[str, Any]:
    """The locale's number symbols for Vega's d3-format (`config.locale.number`), from CLDR."""
    from babel.numbers import get_decimal_symbol, get_group_symbol

    return {"decimal": get_decimal_symbol(lang), "thousands": get_group_symbol(lang),
            "grouping": [3], "currency": ["US$\u00a0", ""]}


def territory_name(iso2: str, lang: str) -> str | None:
    """The CLDR name of a territory (ISO 3166-1 alpha-2) in `lang`, or None."""
    from babel import Locale

    return Locale.parse(lang).territories.get(iso2)


def language_name(code: str, lang: str) -> str:
    """The CLDR name of language `code` in `lang`, as written mid-sentence ('Spanish' in
    English, 'inglés' in Spanish); the code itself if CLDR has none."""
    from babel import Locale

    return str(Locale.parse(lang).languages.get(code) or code)
