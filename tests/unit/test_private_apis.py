"""The private details of papermill, jupyter_client, nbconvert, nbformat and Altair that rapnb
relies on are listed, each with the signature it had, in one module per library; an upgrade
that changes one fails here with a message naming it (and, for the copied `wait_for_ready` and
the repeated steps of nbconvert's HTML export, their upstream source)."""

from __future__ import annotations

import hashlib
import importlib
import inspect
from typing import Any

import pytest

from rapnb.build import (
    jupyter_client_private,
    nbconvert_private,
    nbformat_private,
    papermill_private,
)
from rapnb.present import altair_private

MODULES = [papermill_private, jupyter_client_private, nbconvert_private, nbformat_private,
           altair_private]


def _resolve(dotted: str) -> Any:
    """The object a dotted name names: a module's attribute, or a class's attribute."""
    parts = dotted.split(".")
    for split in range(len(parts) - 1, 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for name in parts[split:]:
            obj = getattr(obj, name)
        return obj
    raise ImportError(dotted)


USED = [(module.__name__, name, signature)
        for module in MODULES for name, signature in module.USED.items()]


@pytest.mark.parametrize(("module", "name", "signature"), USED,
                         ids=[name for _, name, _ in USED])
def test_private_signature_unchanged(module: str, name: str, signature: str) -> None:
    try:
        target = _resolve(name)
    except (ImportError, AttributeError):
        pytest.fail(f"{name} (used by {module}) no longer exists")
    found = str(inspect.signature(target))
    assert found == signature, (
        f"{name} (used by {module}) changed its signature: was {signature}, now {found}")


COPIED = [
    (jupyter_client_private.UPSTREAM_WAIT_FOR_READY,
     jupyter_client_private.UPSTREAM_WAIT_FOR_READY_SHA256,
     "QuickReadyClient.wait_for_ready in rapnb/build/jupyter_client_private.py",
     "UPSTREAM_WAIT_FOR_READY_SHA256"),
    (nbconvert_private.UPSTREAM_FROM_NOTEBOOK_NODE,
     nbconvert_private.UPSTREAM_FROM_NOTEBOOK_NODE_SHA256,
     "ReportHTMLExporter.from_notebook_node in rapnb/build/nbconvert_private.py",
     "UPSTREAM_FROM_NOTEBOOK_NODE_SHA256"),
]
"""Upstream code rapnb repeats: its name, the sha256 of its source, the copy, the pin's name."""


@pytest.mark.parametrize(("name", "sha256", "copy", "pin"), COPIED,
                         ids=[name for name, *_ in COPIED])
def test_repeated_upstream_code_matches_its_source(name: str, sha256: str, copy: str,
                                                   pin: str) -> None:
    digest = hashlib.sha256(inspect.getsource(_resolve(name)).encode()).hexdigest()
    assert digest == sha256, (
        f"{name} changed upstream: compare it with {copy}, then update {pin}")


def test_a_changed_signature_is_reported_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    """The guard has teeth: a recorded signature that differs fails, naming the function."""
    name = "papermill.execute.remove_error_markers"
    with pytest.raises(AssertionError, match=name):
        test_private_signature_unchanged("papermill_private", name, "(nb, extra)")


def test_the_listed_functions_are_the_ones_the_code_calls() -> None:
    """Each module's USED names every private function its source refers to."""
    for module in MODULES:
        source = inspect.getsource(module).split('"""Each ', 1)[1]  # after USED's docstring
        for name in module.USED:
            assert name.rsplit(".", 1)[1] in source, f"{module.__name__}: {name} is not used"


def test_with_properties_gives_what_properties_gives_without_rebuilding_the_chart(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import altair as alt

    data = alt.Data(values=[{"a": "Peru", "b": 1}])
    bars = alt.Chart(data).mark_bar().encode(alt.X("a:N"), alt.Y("b:Q"))
    layered = bars + bars.mark_text().encode(alt.Text("b:Q"))
    title = alt.TitleParams("Peru", subtitle=["Source: the plan"])
    props = {"width": 300, "height": alt.Step(28), "title": title, "description": "Bars"}
    faceted = layered.facet(facet=alt.Facet("a:N"), columns=2)
    side_by_side = alt.hconcat(bars, layered).resolve_legend(color="independent")
    top = {"title": title, "description": "Bars"}  # what a facet or a concatenation takes
    for chart, given in ((bars, props), (layered, props), (faceted, top), (side_by_side, top)):
        before = chart.to_dict()
        assert altair_private.with_properties(chart, **given).to_dict() == (
            chart.properties(**given).to_dict())
        assert chart.to_dict() == before  # the chart given is left as it was
    grown = altair_private.with_properties(layered, width=300)
    grown += bars
    assert len(grown.layer) == 3 and len(layered.layer) == 2  # the copy has its own layer list
    built: list[str] = []
    init = alt.LayerChart.__init__
    monkeypatch.setattr(alt.LayerChart, "__init__",
                        lambda self, *a, **k: (built.append("init"), init(self, *a, **k))[1])
    layered.properties(width=300)
    assert built == ["init"]  # Altair builds the layered chart again (copying its layers) ...
    altair_private.with_properties(layered, width=300)
    assert built == ["init"]  # ... with_properties does not
