"""The maps' words in the render's language: country and subregion names, the confidence
levels, lists joined with 'and', and texts quoted inside Vega expressions."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from rapnb.context import Context
from rapnb.present.i18n import N_
from rapnb.present.plan_text import country_name

Translate = Callable[[str], str]

SUBREGIONS: dict[str, str] = {
    "South America": N_("South America"),
    "Central America": N_("Central America"),
    "North America": N_("North America"),
    "Caribbean": N_("Caribbean"),
}
"""The subregions of countries.csv, as the maps show them."""

CONFIDENCE_WORDS: dict[str, str] = {
    # i18n: the confidence of a value ("confidence: high"; in Spanish, "confianza alta")
    "high": N_("high"),
    "medium": N_("medium"),
    "low": N_("low"),
}
"""The confidence levels of the stocks, as a label or tooltip writes them."""


def subregion(_: Translate, name: str) -> str:
    """A subregion of countries.csv in the render's language (another name as it is)."""
    return _(SUBREGIONS[name]) if name in SUBREGIONS else name


def confidence(_: Translate, level: str) -> str:
    """A confidence level ('high', 'medium', 'low') in the render's language."""
    return _(CONFIDENCE_WORDS[level]) if level in CONFIDENCE_WORDS else level


def and_join(_: Translate, items: Iterable[str]) -> str:
    """'a and b' (and 'a and b and c'), with the language's 'and'."""
    names = list(items)
    if not names:
        return ""
    return functools.reduce(
        lambda first, second: _("{first} and {second}").format(first=first, second=second),
        names)


def country(ctx: Context, iso3: str, *english: str) -> str:
    """A country's name in the render's language: the CLDR name of the first of the `english`
    names that CLDR knows (the datasets, the boundaries and the labels do not all spell a
    country the same: 'United States of America', 'United States'); else a formal name
    without its English parenthesis ('Venezuela (Bolivarian Republic of)': 'Venezuela'), else
    the first."""
    if ctx.lang != "en":
        for name in english:
            translated = country_name(ctx, iso3, name)
            if translated != name:
                return translated
        for name in english:
            if " (" in name:
                return country_name(ctx, iso3, name.split(" (")[0])
    return english[0]


def translate_names(ctx: Context, features: Sequence[dict[str, Any]]) -> None:
    """The `name` property of fresh base features (:func:`geometry.base_features`) in the
    render's language, in place."""
    if ctx.lang == "en":
        return
    for feature in features:
        props = feature["properties"]
        props["name"] = country(ctx, str(props["iso3"]), str(props["name"]))
