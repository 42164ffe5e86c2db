"""The private Altair details rapnb relies on, in one place (guarded by
tests/unit/test_private_apis.py, which names the function that changed):

- ``altair.utils.schemapi.disable_debug_mode``: stops Altair validating every part of a chart
  as it is built (render kernels only; the test suite validates every builder's spec);
- ``TopLevelMixin.to_dict(validate=False, context={"pre_transform": False})``: a spec without
  validation and without VegaFusion's pre-transform hook;
- ``SchemaBase`` internals (``_schema``, ``_class_is_valid_at_instantiation``, ``_args``,
  ``_kwds``): a schema object that serialises to a fixed JSON value in one step (the maps'
  datasets), and a chart's copy with some top-level properties set, made without calling the
  chart's class again (`with_properties`).
"""

from __future__ import annotations

import functools
import json
from typing import Any, TypeVar

ChartT = TypeVar("ChartT")

USED = {
    "altair.utils.schemapi.disable_debug_mode": "() -> 'None'",
    "altair.TopLevelMixin.to_dict":
        "(self, validate: 'bool' = True, *, format: \"Literal['vega-lite', 'vega']\" ="
        " 'vega-lite', ignore: 'list[str] | None' = None,"
        " context: 'dict[str, Any] | None' = None) -> 'dict[str, Any]'",
}
"""Each private function used, with the signature it had when this module was written."""


def disable_debug_mode() -> None:
    """Altair's debug mode off: charts are not validated part by part as they are built."""
    from altair.utils.schemapi import disable_debug_mode as disable

    disable()


def spec_without_validation(chart: Any) -> dict[str, Any]:
    """The chart's Vega-Lite spec, not validated against the schema (the same spec)."""
    return chart.to_dict(validate=False, context={"pre_transform": False})


@functools.cache
def _frozen_json_class() -> type:
    import altair as alt

    class FrozenJson(alt.SchemaBase):
        """Serialises to a fresh copy of the JSON it holds, in one step."""

        _schema = {"type": "object"}
        _class_is_valid_at_instantiation = False

        def to_dict(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
            return json.loads(self._args[0])

    return FrozenJson


def frozen_json(value: Any) -> Any:
    """A schema object that serialises to a fresh copy of `value` in one step. Altair would
    otherwise walk every item on each ``to_dict`` (most of its cost for a map's geometry);
    the spec it produces is the same."""
    return _frozen_json_class()(json.dumps(value, separators=(",", ":"), ensure_ascii=False))


def with_properties(chart: ChartT, **properties: Any) -> ChartT:
    """What ``chart.properties(**properties)`` gives (the same spec), made without Altair's
    steps around it: it builds the copy by calling the chart's class again, and a LayerChart's
    ``__init__`` deep-copies every layer twice (to merge the layers' data and parameters,
    which the copy has merged already); and it validates each property against the schema
    (the test suite validates every builder's whole spec). Top-level properties only, each
    replacing the chart's (``resolve=`` too, where ``resolve_scale`` would merge into an
    existing one). The copy has lists of its own (``layer`` ...), so that adding a layer to it
    leaves `chart` as it was; the layers themselves are shared, as Altair's methods copy
    before they change one."""
    copy = object.__new__(type(chart))
    kwds = {k: list(v) if isinstance(v, list) else v
            for k, v in chart._kwds.items()}  # type: ignore[attr-defined]
    object.__setattr__(copy, "_args", chart._args)  # type: ignore[attr-defined]
    object.__setattr__(copy, "_kwds", {**kwds, **properties})
    return copy
