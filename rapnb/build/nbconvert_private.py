"""The nbconvert details rapnb relies on, in one place (guarded by
tests/unit/test_private_apis.py, which names the function that changed).

``HTMLExporter.from_notebook_node`` renders its templates, then parses the whole page with
BeautifulSoup to give `<img>` tags without `alt` a stock one and to make the inputs and outputs
of a page whose `<body>` has class `jp-Notebook` focusable, and serialises the page again: for
the report's pages, whose template has no `jp-Notebook` body and whose charts are inline SVG,
that pass changed nothing but the serialisation, and cost about 60% of the HTML export (about
1 s of CPU a language). :class:`ReportHTMLExporter` takes the same steps before and after the
templates (``UPSTREAM_FROM_NOTEBOOK_NODE_SHA256`` pins the method it repeats, and with it the
private attribute it reads, ``Exporter._nb_metadata``), minus the parse: an `<img>` without
`alt` still gets nbconvert's stock text.
"""

from __future__ import annotations

import re
from typing import Any

from nbconvert import HTMLExporter
from nbconvert.exporters.templateexporter import TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

UPSTREAM_FROM_NOTEBOOK_NODE = "nbconvert.HTMLExporter.from_notebook_node"
UPSTREAM_FROM_NOTEBOOK_NODE_SHA256 = (
    "3dccafff45cc4e749766089c7de2f5385ac071e03f4f5a15bfb3b025f54893b9")
"""sha256 of the source of the method :class:`ReportHTMLExporter` repeats (nbconvert 7.17.2)."""

USED = {
    "nbconvert.HTMLExporter._init_resources": "(self, resources)",
    "nbconvert.exporters.templateexporter.TemplateExporter.from_notebook_node":
        "(self, nb: 'NotebookNode', resources: 'dict[str, t.Any] | None' = None,"
        " **kw: 't.Any') -> 'tuple[str, dict[str, t.Any]]'",
}
"""Each private function used, with the signature it had when this module was written."""

MISSING_ALT = "No description has been provided for this image"
"""The `alt` nbconvert gives an `<img>` that has none."""
_IMG_WITHOUT_ALT = re.compile(r"<img\b(?![^>]*\salt(?:\s*=|[\s/>]))", re.I)
"""An `<img` whose attributes have no `alt` (with a value or without: `<img alt src=...>`)."""


def with_stock_alt(html: str) -> str:
    """`html` with nbconvert's stock `alt` on every `<img>` that has none."""
    return _IMG_WITHOUT_ALT.sub(f'<img alt="{MISSING_ALT}"', html)


class ReportHTMLExporter(HTMLExporter):
    """nbconvert's HTML exporter without its BeautifulSoup pass over the rendered page."""

    def from_notebook_node(  # type: ignore[override]  # as upstream: a str, not a notebook
        self, nb: Any, resources: dict[str, Any] | None = None, **kw: Any
    ) -> tuple[str, dict[str, Any]]:
        """The page of `nb`: HTMLExporter's steps, the templates, then `alt` texts."""
        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        highlight_code = self.filters.get(
            "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
        resources = self._init_resources(resources)
        filter_data_type = WidgetsDataTypeFilter(
            notebook_metadata=self._nb_metadata, parent=self, resources=resources)
        self.register_filter("highlight_code", highlight_code)
        self.register_filter("filter_data_type", filter_data_type)
        html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        return with_stock_alt(html), resources
