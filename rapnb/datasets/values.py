"""Cells as plain Python values (for JSON specs, CSV and spreadsheet cells)."""

from __future__ import annotations

import math
from typing import Any


def plain(value: Any) -> Any:
    """A cell as a plain Python value (numpy scalars become int/float/bool); None for anything
    missing (pandas NA, NaN, infinities, None)."""
    if value is None:
        return None
    if isinstance(value, str | bool):
        return value
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
