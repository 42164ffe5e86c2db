"""A small, safe Markdown subset for the PDFs: the Markdown that the notebooks and their
outputs hold, turned into plain blocks and styled text runs (never into typesetter markup).

Blocks: ATX headings, paragraphs, bullet and numbered lists, fenced code, block quotes (as
paragraphs) and thematic breaks (dropped). Inline: `**strong**`, `*emphasis*` / `_emphasis_`,
`` `code` ``, `[links](url)`, images (their alt text), backslash escapes, HTML character
references (`&amp;`, `&#x27;`: what :func:`rapnb.present.formatting.escape` writes) and a run
in another language, `<span lang="en">...</span>` (what a translation writes around the title
of a work it cites as published; the PDF tags the run with its language). Anything else, raw
HTML included, stays literal text.

    >>> parse_blocks("## Funding\\n\\nUSD **1,000**")[1]
    {'k': 'p', 'spans': [{'t': 'USD '}, {'t': '1,000', 'b': True}]}
"""

from __future__ import annotations

import html
import re
import string
from typing import Any

Span = dict[str, Any]
"""A run of text: `{"t": text}` plus `"b"` (strong), `"i"` (emphasis), `"c"` (code),
`"href"` (a link target) and `"lang"` (its language, if not the page's) when they apply."""
Block = dict[str, Any]
"""`{"k": "h", "level", "spans"}`, `{"k": "p", "spans"}`, `{"k": "ul"|"ol", "items"}` (each
item a list of spans; `"start"` for `ol`), or `{"k": "pre", "t"}`."""

_PUNCTUATION = frozenset(string.punctuation)
_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_BULLET = re.compile(r"^ {0,3}[-*+][ \t]+(.*)$")
_ORDERED = re.compile(r"^ {0,3}(\d{1,9})[.)][ \t]+(.*)$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_QUOTE = re.compile(r"^ {0,3}> ?")
_LANG_OPEN = re.compile(r'<span lang="([a-z]{2,3})">')  # the codes Typst takes
_LANG_CLOSE = "</span>"


def _text_span(text: str, style: dict[str, Any]) -> Span:
    return {"t": text, **style}


def _merge(spans: list[Span]) -> list[Span]:
    """Neighbouring runs of the same style joined; empty runs dropped."""
    merged: list[Span] = []
    for span in spans:
        if not span["t"]:
            continue
        if merged and {k: v for k, v in merged[-1].items() if k != "t"} == {
            k: v for k, v in span.items() if k != "t"
        }:
            merged[-1] = {**merged[-1], "t": merged[-1]["t"] + span["t"]}
        else:
            merged.append(span)
    return merged


def _closing_backticks(text: str, start: int, run: int) -> int:
    """Index of the next run of exactly `run` backticks at or after `start`, else -1."""
    for match in re.finditer(r"`+", text[start:]):
        if len(match.group(0)) == run:
            return start + match.start()
    return -1


def _skip(text: str, i: int) -> int:
    """The index after an escape or a code span starting at `i` (else `i + 1`)."""
    if text[i] == "\\" and i + 1 < len(text) and text[i + 1] in _PUNCTUATION:
        return i + 2
    if text[i] == "`":
        run = len(text[i:]) - len(text[i:].lstrip("`"))
        end = _closing_backticks(text, i + run, run)
        return end + run if end >= 0 else i + run
    return i + 1


def _can_open(text: str, i: int, delim: str) -> bool:
    after = text[i + len(delim)] if i + len(delim) < len(text) else " "
    before = text[i - 1] if i > 0 else " "
    if after.isspace():
        return False
    return not (delim[0] == "_" and before.isalnum())


def _can_close(text: str, i: int, delim: str) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + len(delim)] if i + len(delim) < len(text) else " "
    if before.isspace():
        return False
    return not (delim[0] == "_" and after.isalnum())


def _find_closer(text: str, start: int, delim: str) -> int:
    """Where emphasis opened with `delim` just before `start` closes, else -1."""
    i = start + 1  # emphasis holds at least one character
    while i < len(text):
        if text[i] == delim[0]:
            run = len(text[i:]) - len(text[i:].lstrip(delim[0]))
            if run == len(delim) and _can_close(text, i, delim):
                return i
            i += run  # a run of another length opens or closes a nested run
            continue
        i = _skip(text, i)
    return -1


def _link_end(text: str, i: int) -> tuple[int, int, str] | None:
    """For `[label](target)` at `i`: (end of label, end of link, target), else None."""
    depth, j = 0, i
    while j < len(text):
        if text[j] == "[":
            depth += 1
        elif text[j] == "]":
            depth -= 1
            if depth == 0:
                break
        j = _skip(text, j) if text[j] in "\\`" else j + 1
    if j >= len(text) or not text.startswith("(", j + 1):
        return None
    close = text.find(")", j + 2)
    if close < 0:
        return None
    target = text[j + 2:close].strip().split(" ")[0].strip("<>")
    return j, close + 1, target


def parse_inline(text: str, style: dict[str, Any] | None = None) -> list[Span]:
    """The text runs of one paragraph's Markdown `text` (line breaks become spaces)."""
    style = dict(style or {})
    text = re.sub(r"[ \t]*\n[ \t]*", " ", text)
    spans: list[Span] = []
    plain: list[str] = []

    def flush() -> None:
        if plain:
            spans.append(_text_span(html.unescape("".join(plain)), style))
            plain.clear()

    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text) and text[i + 1] in _PUNCTUATION:
            plain.append(text[i + 1] if text[i + 1] != "&" else "&amp;")
            i += 2
            continue
        if char == "`":
            run = len(text[i:]) - len(text[i:].lstrip("`"))
            end = _closing_backticks(text, i + run, run)
            if end < 0:
                plain.append("`" * run)
                i += run
                continue
            code = text[i + run:end]
            if code.startswith(" ") and code.endswith(" ") and code.strip():
                code = code[1:-1]
            flush()
            spans.append(_text_span(code, {**style, "c": True}))
            i = end + run
            continue
        if char in "*_":
            delim = char * 2 if text.startswith(char * 2, i) else char
            if _can_open(text, i, delim):
                end = _find_closer(text, i + len(delim) - 1, delim)
                if end >= 0:
                    flush()
                    key = "b" if len(delim) == 2 else "i"
                    spans += parse_inline(text[i + len(delim):end], {**style, key: True})
                    i = end + len(delim)
                    continue
            plain.append(delim)
            i += len(delim)
            continue
        opened = _LANG_OPEN.match(text, i) if char == "<" else None
        if opened:
            end = text.find(_LANG_CLOSE, opened.end())
            if end >= 0:
                flush()
                spans += parse_inline(text[opened.end():end], {**style, "lang": opened.group(1)})
                i = end + len(_LANG_CLOSE)
                continue
        image = char == "!" and text.startswith("[", i + 1)
        if char == "[" or image:
            found = _link_end(text, i + image)
            if found is not None:
                label_end, end, target = found
                flush()
                label = parse_inline(text[i + image + 1:label_end], style)
                if not image and target:
                    label = [{**span, "href": target} for span in label]
                spans += label
                i = end
                continue
        plain.append(char)
        i += 1
    flush()
    return _merge(spans)


def _is_block_start(line: str) -> bool:
    return bool(_HEADING.match(line) or _BULLET.match(line) or _ORDERED.match(line)
                or _FENCE.match(line) or _RULE.match(line))


def parse_blocks(markdown: str) -> list[Block]:
    """The blocks of a Markdown document (a markdown cell, or a `text/markdown` output)."""
    lines = markdown.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip() or _RULE.match(line):
            i += 1
            continue
        fence = _FENCE.match(line)
        if fence:
            body, i = [], i + 1
            while i < len(lines) and not lines[i].strip().startswith(fence.group(1)):
                body.append(lines[i])
                i += 1
            blocks.append({"k": "pre", "t": "\n".join(body)})
            i += 1
            continue
        heading = _HEADING.match(line)
        if heading:
            level = len(heading.group(1))
            blocks.append({"k": "h", "level": level, "spans": parse_inline(heading.group(2) or "")})
            i += 1
            continue
        if _BULLET.match(line) or _ORDERED.match(line):
            ordered = _ORDERED.match(line) is not None
            items: list[str] = []
            start = int(_ORDERED.match(line).group(1)) if ordered else 1  # type: ignore[union-attr]
            while i < len(lines) and lines[i].strip():
                item = (_ORDERED if ordered else _BULLET).match(lines[i])
                other = (_BULLET if ordered else _ORDERED).match(lines[i])
                if item:
                    items.append(item.group(item.lastindex or 1))
                elif other or _HEADING.match(lines[i]) or _FENCE.match(lines[i]):
                    break
                else:
                    items[-1] += "\n" + lines[i]  # a continuation line of the item
                i += 1
            block: Block = {"k": "ol" if ordered else "ul",
                            "items": [parse_inline(item) for item in items]}
            if ordered:
                block["start"] = start
            blocks.append(block)
            continue
        paragraph: list[str] = []
        while i < len(lines) and lines[i].strip() and (not paragraph or not _is_block_start(
                lines[i])):
            paragraph.append(_QUOTE.sub("", lines[i]))
            i += 1
        blocks.append({"k": "p", "spans": parse_inline("\n".join(paragraph).strip())})
    return blocks


def plain_text(spans: list[Span]) -> str:
    """The text of `spans` without styles (a heading as a running header, a bookmark)."""
    return "".join(span["t"] for span in spans)
