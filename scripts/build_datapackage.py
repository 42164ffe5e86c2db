"""Write data/datapackage.json from rapnb.datasets.schema (field metadata is defined once there)."""

from __future__ import annotations

import json
from pathlib import Path

from rapnb.datasets.schema import build_datapackage

TARGET = Path(__file__).resolve().parent.parent / "data" / "datapackage.json"


def render() -> str:
    """The descriptor as stable, indented JSON text."""
    return json.dumps(build_datapackage(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    TARGET.write_text(render(), encoding="utf-8")
    print(f"wrote {TARGET}")
