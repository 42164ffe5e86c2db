"""What a notebook is rendered with, carried in one object: the data directory (resolved
once) and the language. A notebook makes it in its first cell and hands it to every helper:

    >>> ctx = rapnb.Context.create(data_dir)            # doctest: +SKIP
    >>> charts.stock_bars(ctx), report.sheet_info("peru", ctx)  # doctest: +SKIP

Helpers also take ``None`` (the default context) or a data directory, so an analyst can call
``charts.stock_bars()`` or ``rapnb.funding(data_dir="~/rap-2019")`` without one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Union

from rapnb.paths import data_dir as resolve_data_dir

DEFAULT_LANG = "en"
LANGUAGES = ("en", "es")
"""The languages a report is rendered in (each has a catalog in rapnb/locale/)."""


@dataclass(frozen=True)
class Context:
    """The data directory a render reads (an absolute, existing path) and its language."""

    data_dir: Path
    lang: str = DEFAULT_LANG

    @classmethod
    def create(
        cls, data_dir: str | os.PathLike[str] | None = None, lang: str = DEFAULT_LANG
    ) -> Context:
        """A context for `data_dir` (else $RAPNB_DATA_DIR, else the bundled data) in `lang`;
        raises DataError if that directory does not exist, UnknownLanguageError for a language
        rapnb does not render."""
        if not isinstance(lang, str) or lang not in LANGUAGES:
            from rapnb.errors import UnknownLanguageError

            raise UnknownLanguageError(lang, list(LANGUAGES))
        return cls(resolve_data_dir(data_dir), lang)


Where = Union[Context, str, os.PathLike[str], None]  # noqa: UP007  (a runtime alias)
"""What helpers accept: a Context, a data directory, or None (the default context)."""


def as_context(where: Where = None) -> Context:
    """`where` as a Context: itself, or a new one for a data directory or None."""
    if isinstance(where, Context):
        return where
    return Context.create(where)
