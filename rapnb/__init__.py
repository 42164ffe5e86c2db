"""rapnb: IOM's 2018 Regional Action Plan for Venezuelan migration, as validated datasets.

    >>> import rapnb
    >>> rapnb.sheets()[:3]
    ['argentina', 'brazil', 'caribbean']
    >>> rapnb.funding().amount_usd.sum()   # the plan states 32,326,041; see rapnb.reconcile()

Heavy libraries (pandas, geopandas, altair) load only when a function first needs them.

The package has four layers, each importing only the ones below it (checked by `make lint`):

    rapnb.cli, rapnb.build     render the notebooks: jobs, workers, exports, manifest
    rapnb.present              what the notebooks show: charts, maps, report tables, style
    rapnb.derived              numbers derived from the datasets: funding table, sheets, ...
    rapnb.datasets             the plan's data: schema, sources, validation, loaders
    rapnb.context, paths, errors   what everything shares

See docs/architecture.md.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "sheets": "rapnb.datasets.loaders",
    "sheet_table": "rapnb.datasets.loaders",
    "check_sheet": "rapnb.datasets.loaders",
    "offices": "rapnb.datasets.loaders",
    "countries": "rapnb.datasets.loaders",
    "office_countries": "rapnb.datasets.loaders",
    "funding": "rapnb.datasets.loaders",
    "funding_stated": "rapnb.datasets.loaders",
    "outcomes": "rapnb.datasets.loaders",
    "activities": "rapnb.datasets.loaders",
    "sheet_activities": "rapnb.datasets.loaders",
    "sheet_needs": "rapnb.datasets.loaders",
    "government_response": "rapnb.datasets.loaders",
    "residence_permits": "rapnb.datasets.loaders",
    "key_figures": "rapnb.datasets.loaders",
    "stocks": "rapnb.datasets.loaders",
    "flow_statements": "rapnb.datasets.loaders",
    "curated_errata": "rapnb.datasets.loaders",
    "entry_points": "rapnb.datasets.loaders",
    "translations": "rapnb.datasets.loaders",
    "load_table": "rapnb.datasets.store",
    "table_names": "rapnb.datasets.store",
    "validate_data_dir": "rapnb.datasets.store",
    "boundaries": "rapnb.datasets.boundaries",
    "reconcile": "rapnb.derived.reconcile",
    "errata": "rapnb.derived.errata",
    "funding_table": "rapnb.derived.funding",
    "sheet_info": "rapnb.derived.sheets",
    "SheetInfo": "rapnb.derived.sheets",
    "Context": "rapnb.context",
    "data_dir": "rapnb.paths",
    "DataError": "rapnb.errors",
    "UnknownSheetError": "rapnb.errors",
}
_SUBPACKAGES = {"charts": "rapnb.present.charts", "maps": "rapnb.present.maps",
                "report": "rapnb.present.report", "style": "rapnb.present.style"}
"""`from rapnb import charts, maps, report` (the analysts' tour) reaches the presentation layer."""

__all__ = sorted([*_EXPORTS, *_SUBPACKAGES])


def __getattr__(name: str) -> Any:
    """Import the submodule that defines `name` on first use (keeps `import rapnb` light)."""
    if name in _SUBPACKAGES:
        value = import_module(_SUBPACKAGES[name])
        globals()[name] = value
        return value
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'rapnb' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS) | set(_SUBPACKAGES))
