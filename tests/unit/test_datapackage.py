"""The data package describes every table and validates with the frictionless library."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from rapnb.paths import bundled_data_dir

ROOT = Path(__file__).resolve().parents[2]


def _descriptor() -> dict:
    return json.loads((bundled_data_dir() / "datapackage.json").read_text(encoding="utf-8"))


def test_committed_datapackage_is_generated_from_metadata() -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from build_datapackage import render
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    committed = (bundled_data_dir() / "datapackage.json").read_text(encoding="utf-8")
    assert committed == render(), "run `make datapackage` after changing rapnb/metadata.py"


def test_every_csv_is_described_with_hxl_and_sources() -> None:
    descriptor = _descriptor()
    described = {r["path"] for r in descriptor["resources"]}
    on_disk = {p.name for p in bundled_data_dir().glob("*.csv")}
    assert on_disk == {p for p in described if p.endswith(".csv")}
    for resource in descriptor["resources"]:
        assert resource["sources"], resource["name"]
        for field in resource.get("schema", {}).get("fields", []):
            assert field["hxl"].startswith("#"), (resource["name"], field["name"])
            assert field["description"], (resource["name"], field["name"])


def test_frictionless_validates_the_package() -> None:
    code = (
        "import json, sys\n"
        "from frictionless import Package\n"
        f"report = Package({str(bundled_data_dir() / 'datapackage.json')!r}).validate()\n"
        "errors = [e.message for t in report.tasks for e in t.errors][:10]\n"
        "print(json.dumps({'valid': report.valid, 'errors': errors,"
        " 'tables': len(report.tasks)}))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, timeout=300)
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["errors"] == []
    assert outcome["valid"] is True
    assert outcome["tables"] >= 14


def test_frictionless_catches_a_broken_copy(data_copy: Path) -> None:
    path = data_copy / "funding.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",180572,", ",-5,", 1),
                    encoding="utf-8")
    code = (
        "from frictionless import Package\n"
        f"report = Package({str(data_copy / 'datapackage.json')!r}).validate()\n"
        "print(report.valid, sorted({e.type for t in report.tasks for e in t.errors}))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, timeout=300)
    assert result.stdout.strip().splitlines()[-1] == "False ['constraint-error']"
