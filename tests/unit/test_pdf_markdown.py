"""The PDFs' Markdown subset: blocks, styled runs, escapes, and data text kept as written."""

from __future__ import annotations

import pytest
from pdf_inspect import HOSTILE_MARKUP

from rapnb.build.pdf_markdown import parse_blocks, parse_inline, plain_text
from rapnb.present.formatting import bullets, escape


def test_blocks_of_a_notebook_cell() -> None:
    blocks = parse_blocks(
        "## 1. Where Venezuelans went (Figure 1)\n\nIOM estimated that the number\nrose."
        "\n\n- one\n- two *items*\n  continued\n\n3. third\n4. fourth\n\n```\ncode *x*\n```"
    )
    assert [b["k"] for b in blocks] == ["h", "p", "ul", "ol", "pre"]
    assert blocks[0] == {"k": "h", "level": 2,
                         "spans": [{"t": "1. Where Venezuelans went (Figure 1)"}]}
    assert blocks[1]["spans"] == [{"t": "IOM estimated that the number rose."}]
    assert blocks[2]["items"] == [[{"t": "one"}],
                                  [{"t": "two "}, {"t": "items", "i": True}, {"t": " continued"}]]
    assert blocks[3]["start"] == 3 and len(blocks[3]["items"]) == 2
    assert blocks[4] == {"k": "pre", "t": "code *x*"}


def test_strong_emphasis_code_and_links() -> None:
    spans = parse_inline("The plan requests **USD 32,326,041** for *all*, see `O<n>.A<m>` and"
                         " [the plan](https://www.iom.int/)")
    assert spans == [
        {"t": "The plan requests "}, {"t": "USD 32,326,041", "b": True}, {"t": " for "},
        {"t": "all", "i": True}, {"t": ", see "}, {"t": "O<n>.A<m>", "c": True},
        {"t": " and "}, {"t": "the plan", "href": "https://www.iom.int/"},
    ]
    assert parse_inline("**a *b* c**") == [{"t": "a ", "b": True}, {"t": "b", "b": True, "i": True},
                                           {"t": " c", "b": True}]


def test_a_run_in_another_language_keeps_its_language() -> None:
    spans = parse_inline('provienen de <span lang="en">*Migration Trends*</span> (abril)')
    assert spans == [{"t": "provienen de "},
                     {"t": "Migration Trends", "i": True, "lang": "en"}, {"t": " (abril)"}]
    # only that one form: other HTML, or a span never closed, stays literal text
    assert parse_inline('<span class="x">a</span>') == [{"t": '<span class="x">a</span>'}]
    assert parse_inline('<span lang="en">open') == [{"t": '<span lang="en">open'}]
    assert parse_inline('<span lang="en-GB">a</span>') == [{"t": '<span lang="en-GB">a</span>'}]
    assert parse_inline('&lt;span lang="en"&gt;x') == [{"t": '<span lang="en">x'}]


def test_underscores_inside_words_and_unclosed_markers_stay_text() -> None:
    assert parse_inline("sheet_id and snake_case_name, 2 * 3, a* b") == [
        {"t": "sheet_id and snake_case_name, 2 * 3, a* b"}]
    assert parse_inline("`open code and **open strong") == [
        {"t": "`open code and **open strong"}]


def test_character_references_and_backslash_escapes() -> None:
    assert parse_inline("AT&amp;T &lt;b&gt; &#x27;q&#x27; \\*not\\* \\\\ AT&T") == [
        {"t": "AT&T <b> 'q' *not* \\ AT&T"}]
    assert parse_inline("`&amp; \\*`") == [{"t": "&amp; \\*", "c": True}]  # code is literal


HOSTILE = [
    *HOSTILE_MARKUP,
    "- 1. # not a heading | ~~no strike~~ ` tick",
    "=cmd|calc &amp; &#x27;",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_escaped_data_text_comes_back_exactly(text: str) -> None:
    """Data text escaped for Markdown (report.bullets, headings) reads back as written."""
    (block,) = parse_blocks(bullets([text]).text)
    assert block["k"] == "ul" and block["items"] == [[{"t": text}]]
    (heading,) = parse_blocks(f"# {escape(text)}: country sheet")
    assert plain_text(heading["spans"]) == f"{text}: country sheet"
    assert all(set(span) == {"t"} for span in heading["spans"])  # no style from data


def test_escape_keeps_html_safe() -> None:
    assert "<" not in escape("<script>") and "&lt;script&gt;" in escape("<script>")
    assert escape("plain words, 1,234 (2017)") == "plain words, 1,234 (2017)"
