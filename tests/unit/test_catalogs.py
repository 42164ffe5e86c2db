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
