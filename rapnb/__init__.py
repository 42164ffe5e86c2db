"""rapnb: IOM's 2018 Regional Action Plan for Venezuelan migration, as validated datasets.

    >>> import rapnb
    >>> rapnb.sheets()[:3]
    ['argentina', 'brazil', 'caribbean']
    >>> rapnb.funding().amount_usd.sum()   # the plan states 32,326,041; see rapnb.reconcile()

Heavy libraries (pandas, geopandas, altair) load only when a function first needs them.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "sheets": "rapnb.loaders",
    "sheet_table": "rapnb.loaders",
    "check_sheet": "rapnb.loaders",
    "offices": "rapnb.loaders",
    "countries": "rapnb.loaders",
    "office_countries": "rapnb.loaders",
    "funding": "rapnb.loaders",
    "funding_stated": "rapnb.loaders",
    "outcomes": "rapnb.loaders",
    "activities": "rapnb.loaders",
    "sheet_activities": "rapnb.loaders",
    "sheet_needs": "rapnb.loaders",
    "government_response": "rapnb.loaders",
    "residence_permits": "rapnb.loaders",
    "key_figures": "rapnb.loaders",
    "stocks": "rapnb.loaders",
    "load_table": "rapnb.datasets",
    "table_names": "rapnb.datasets",
    "validate_data_dir": "rapnb.datasets",
    "reconcile": "rapnb.reconcile",
    "funding_table": "rapnb.tables",
    "boundaries": "rapnb.geo",
    "data_dir": "rapnb.paths",
    "DataError": "rapnb.errors",
    "UnknownSheetError": "rapnb.errors",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Import the submodule that defines `name` on first use (keeps `import rapnb` light)."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'rapnb' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
