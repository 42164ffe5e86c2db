"""What a PDF holds, read with pypdf: its text, page sizes, fonts, outline and tagged structure
(shared by the unit and integration tests of the PDFs)."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

A4_PT = (595.28, 841.89)
HOSTILE_MARKUP = (
    '#import "x": *',
    '#read("/etc/passwd")',
    "\\input{/etc/passwd}",
    "<script>alert(1)</script>",
    "$x$ *bold* _it_ [link](x) @ref <label>",
)
"""Text that Typst, LaTeX, HTML or Markdown would take as markup: a PDF must show it as text."""


def reader(pdf: bytes | Path) -> PdfReader:
    return PdfReader(io.BytesIO(pdf if isinstance(pdf, bytes) else pdf.read_bytes()))


def flat_text(pdf: bytes | Path) -> str:
    """Every page's extracted text, whitespace runs collapsed to one space."""
    return " ".join(" ".join(page.extract_text().split()) for page in reader(pdf).pages)


def page_sizes(pdf: bytes | Path) -> list[tuple[float, float]]:
    return [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader(pdf).pages]


def _resolve(obj: Any) -> Any:
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def _fonts_in(resources: Any, seen: set[int], found: list[DictionaryObject]) -> None:
    resources = _resolve(resources)
    if not isinstance(resources, DictionaryObject):
        return
    for font in _resolve(resources.get("/Font", DictionaryObject())).values():
        font = _resolve(font)
        if id(font) not in seen:
            seen.add(id(font))
            found.append(font)
    for xobject in _resolve(resources.get("/XObject", DictionaryObject())).values():
        xobject = _resolve(xobject)
        if xobject.get("/Subtype") == "/Form" and id(xobject) not in seen:
            seen.add(id(xobject))
            _fonts_in(xobject.get("/Resources"), seen, found)


def _xobjects(resources: Any, seen: set[int], found: list[DictionaryObject]) -> None:
    resources = _resolve(resources)
    if not isinstance(resources, DictionaryObject):
        return
    for xobject in _resolve(resources.get("/XObject", DictionaryObject())).values():
        xobject = _resolve(xobject)
        if id(xobject) not in seen:
            seen.add(id(xobject))
            found.append(xobject)
            _xobjects(xobject.get("/Resources"), seen, found)


def xobject_kinds(pdf: bytes | Path) -> list[str]:
    """The subtype of every XObject the pages draw (`/Form` for vector drawings, `/Image` for
    raster images), nested ones included."""
    seen: set[int] = set()
    found: list[DictionaryObject] = []
    for page in reader(pdf).pages:
        _xobjects(page.get("/Resources"), seen, found)
    return [str(x.get("/Subtype")) for x in found]


def fonts(pdf: bytes | Path) -> list[DictionaryObject]:
    """Every font dictionary the pages use, those of the drawings (form XObjects) too."""
    seen: set[int] = set()
    found: list[DictionaryObject] = []
    for page in reader(pdf).pages:
        _fonts_in(page.get("/Resources"), seen, found)
    return found


def is_embedded(font: DictionaryObject) -> bool:
    """Whether the font's program is in the file (FontFile, FontFile2 or FontFile3)."""
    font = _resolve(font)
    if font.get("/Subtype") == "/Type3":
        return True  # glyphs drawn by the PDF itself
    descendants = _resolve(font.get("/DescendantFonts", ArrayObject()))
    for candidate in [font, *(_resolve(d) for d in descendants)]:
        descriptor = _resolve(candidate.get("/FontDescriptor"))
        if isinstance(descriptor, DictionaryObject) and any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
            return True
    return False


def outline_titles(pdf: bytes | Path) -> list[tuple[int, str]]:
    """The bookmarks as (depth, title), depth 0 at the top."""
    found: list[tuple[int, str]] = []

    def walk(items: list[Any], depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, str(item.title)))

    walk(reader(pdf).outline, 0)
    return found


def _elements(pdf: bytes | Path) -> list[DictionaryObject]:
    """The tagged structure's elements, in document order."""
    root = _resolve(reader(pdf).trailer["/Root"])
    found: list[DictionaryObject] = []

    def walk(node: Any) -> None:
        node = _resolve(node)
        if isinstance(node, ArrayObject):
            for kid in node:
                walk(kid)
        elif isinstance(node, DictionaryObject):
            if "/S" in node:
                found.append(node)
            if "/K" in node:
                walk(node["/K"])

    walk(root.get("/StructTreeRoot", DictionaryObject()).get("/K"))
    return found


def structure(pdf: bytes | Path) -> list[tuple[str, str | None]]:
    """The tagged structure's elements as (type, alternative text), in document order."""
    return [(str(node["/S"]), str(node["/Alt"]) if node.get("/Alt") is not None else None)
            for node in _elements(pdf)]


def marked_languages(pdf: bytes | Path) -> list[str]:
    """The languages that runs of the pages' content are marked with (`/Lang` in a marked
    content's properties, as Typst tags a run of text in another language), in page order."""
    found: list[str] = []
    for page in reader(pdf).pages:
        contents = page.get_contents()
        data = contents.get_data() if contents is not None else b""
        found += [m.decode("latin-1") for m in re.findall(rb"/Lang\s*\(([^)]*)\)", data)]
    return found


def structure_languages(pdf: bytes | Path) -> list[tuple[str, str]]:
    """(type, language) of the tagged structure's elements that carry their own `/Lang`, in
    document order (Typst tags a list item's body with the language it opens with)."""
    return [(str(node["/S"]), str(node["/Lang"])) for node in _elements(pdf) if "/Lang" in node]


def catalog(pdf: bytes | Path) -> DictionaryObject:
    return _resolve(reader(pdf).trailer["/Root"])
