"""Every interface message has a translation in every catalog; placeholders survive it."""

from __future__ import annotations

import re
import runpy
from pathlib import Path

import pytest

from rapnb.present import i18n

ROOT = Path(__file__).resolve().parents[2]
TOOL = runpy.run_path(str(ROOT / "scripts" / "i18n.py"))
PLACEHOLDER = re.compile(r"\{[a-z0-9_]*\}")


@pytest.mark.parametrize("lang", [lang for lang in i18n.LANGUAGES if lang != "en"])
def test_every_message_is_translated(lang: str) -> None:
    missing = TOOL["missing"](i18n.catalog_path(lang))
    assert missing == [], f"{lang}: {len(missing)} message(s) not translated, e.g. {missing[:5]}"


@pytest.mark.parametrize("lang", [lang for lang in i18n.LANGUAGES if lang != "en"])
def test_translations_keep_their_placeholders(lang: str) -> None:
    _ = i18n.gettext_for(lang)
    for message in TOOL["messages"]():
        if isinstance(message.id, str) and message.id:
            wanted = sorted(PLACEHOLDER.findall(message.id))
            assert sorted(PLACEHOLDER.findall(_(message.id))) == wanted, message.id


def test_the_template_is_current() -> None:
    """`make catalogs` was run after the last change of a message: the .pot lists exactly the
    messages the code and notebooks have."""
    from babel.messages.pofile import read_po

    with open(ROOT / "rapnb" / "locale" / "rapnb.pot", "rb") as handle:
        template = {m.id for m in read_po(handle) if m.id}
    assert template == {m.id for m in TOOL["messages"]() if m.id}


TAG = re.compile(r"</?[A-Za-z][^<>]*>")
CODE_SPAN = re.compile(r"`[^`]*`")
LANGUAGE_SPAN = re.compile(r'<span lang="[a-z]{2,3}">((?:(?!<span\b|</span>).)*)</span>', re.S)


def _tags(text: str) -> list[str]:
    """The HTML tags of a message outside its code spans (`O<n>.A<m>` is no tag), in order."""
    return TAG.findall(CODE_SPAN.sub("", text))


@pytest.mark.parametrize("lang", [lang for lang in i18n.LANGUAGES if lang != "en"])
def test_translations_add_no_markup_but_language_spans(lang: str) -> None:
    """A translation's only markup of its own is `<span lang="xx">...</span>` around words in
    another language (a title cited as published), closed and not nested: the one form the
    PDFs' Markdown reader takes as markup, which would otherwise print any other tag."""
    _ = i18n.gettext_for(lang)
    spans = 0
    for message in TOOL["messages"]():
        if isinstance(message.id, str) and message.id:
            translated = _(message.id)
            spans += len(LANGUAGE_SPAN.findall(translated))
            assert _tags(LANGUAGE_SPAN.sub(r"\1", translated)) == _tags(message.id), message.id
    assert spans >= 1  # the overview's prose cites Migration Trends in the Americas
