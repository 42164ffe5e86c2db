"""The computed slips' section and note in a render's language: the templates of
`rapnb.derived.errata` from the catalog, filled with the sheets', outcomes' and offices' names
in that language and its numbers (the plan's words they quote stay as printed)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rapnb.context import Context
from rapnb.derived.errata import Wording, Words
from rapnb.present import i18n
from rapnb.present.i18n import N_
from rapnb.present.plan_text import translated

if TYPE_CHECKING:
    import pandas as pd


AND_BEFORE_I = N_("{items} and {last} (before a word that starts with the sound i)")
"""'and' where a language writes it differently before the sound i (Spanish 'e': 'asistencia
y protección e integración'); the English text is the catalog's id, 'and' in English."""
_SPANISH_E = re.compile(r"(?i)h?i(?![aeéá])")
"""A Spanish word that takes 'e' rather than 'y' before it: it starts with i- or hi-, but not
with the diphthongs hie-, hia- (hierro, hiato)."""


class LocalWords(Words):
    """The wording of a context's language (`rapnb.derived.errata.Words`)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx, self._ = ctx, i18n.tr(ctx)

    def gettext(self, message: str) -> str:
        return self._(message)

    def sheet(self, sheet_id: str, title: str) -> str:
        return str(translated(self.ctx, "sheets", sheet_id, "sheet_title", title))

    def outcome(self, component: str, title: str) -> str:
        return str(translated(self.ctx, "outcomes", component, "short_title", title))

    def office(self, office_id: str, printed: str) -> str:
        return str(translated(self.ctx, "offices", office_id, "office_name_as_printed",
                              printed))

    def in_sentence(self, name: str) -> str:
        """An outcome's name in a sentence: lower case in English; in another language as
        titled, in quotation marks, as the other pages name a sheet ('“Capacidad y
        coordinación”'), since its names run together in lower case."""
        return super().in_sentence(name) if self.ctx.lang == "en" else f"“{name}”"

    def names(self, items: Sequence[str]) -> str:
        if self.ctx.lang == "es" and len(items) > 1 and _SPANISH_E.match(
                items[-1].lstrip("“")):
            return self._(AND_BEFORE_I).format(items=", ".join(items[:-1]), last=items[-1])
        return super().names(items)

    def number(self, value: float) -> str:
        decimals = 0 if float(value).is_integer() else len(str(value).partition(".")[2])
        return i18n.number(value, self.ctx.lang, decimals)


def localize_computed(found: pd.DataFrame, ctx: Context,
                      wordings: dict[str, Wording]) -> pd.DataFrame:
    """`found` (rows of `rapnb.errata()`) with the computed slips' section and note, worded
    by `wordings` (`rapnb.derived.errata.errata_and_wordings`), in the context's language."""
    if ctx.lang == i18n.SOURCE_LANGUAGE:
        return found
    words = LocalWords(ctx)
    out = found.copy()
    for position, erratum_id in enumerate(out["erratum_id"]):
        if erratum_id in wordings:
            texts = wordings[erratum_id].texts(words)
            out.iloc[position, out.columns.get_loc("section")] = texts["section"]
            out.iloc[position, out.columns.get_loc("note")] = texts["note"]
    return out
