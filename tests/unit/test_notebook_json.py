"""The .ipynb text the worker writes is nbformat's, byte for byte."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path

import nbformat
import pytest
from nbformat.v4.nbjson import BytesEncoder

from rapnb.build.notebook_json import dumps_indented, notebook_json

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def _nbformat_dumps(value: object) -> str:
    return json.dumps(value, cls=BytesEncoder, indent=1, sort_keys=True, separators=(",", ": "),
                      ensure_ascii=False)


class _Int(int):
    pass


class _Float(float):
    pass


def _nested(depth: int) -> object:
    value: object = [1.5, 2.5]
    for _ in range(depth):
        value = {"k": [value]}
    return value


EDGE_CASES = [
    {"z": 1, "a": [1.0, -0.0, 1e-7, 1e300], "m": {}, "e": [], "t": (1, "x", None)},
    [math.nan, 1.0], [math.inf, -math.inf], [[1.0, math.nan], [2.0, 3.0]], [[1.0], [2.0, 3.0]],
    [[1.0, 2.0], []], [[1.0, 2.0], [True, 3.0]], [[1.0, 2.0], (3.0, 4.0)], [[_Float(1.5), 2.0]],
    [True, False, None, 0, _Int(7), 10**30, -3], ["é ü ✓", "quote \" back \\ nl \n tab \t \x01"],
    {10: "int keys", 2: "sorted as numbers"}, {2.5: "float key"}, {True: "bool key"},
    {None: "none key"},
    {"bytes": b"aGVsbG8="}, _nested(70), "plain", 3, math.nan, {"n": [[[1.0, 2.0]]]},
]


@pytest.mark.parametrize("value", EDGE_CASES, ids=range(len(EDGE_CASES)))
def test_dumps_indented_is_json_dumps_as_nbformat_calls_it(value: object) -> None:
    assert dumps_indented(value) == _nbformat_dumps(value)


def test_dumps_indented_refuses_what_json_refuses() -> None:
    with pytest.raises(TypeError):
        dumps_indented({"a": object()})
    with pytest.raises(TypeError):
        dumps_indented({(1, 2): "tuple key"})


@pytest.mark.parametrize("name", ["regional_overview.ipynb", "country_sheet.ipynb"])
def test_notebook_json_is_nbformat_writes(name: str) -> None:
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nb.metadata["signature"] = "transient"  # stripped in the file, kept in memory
    nb.cells[0].metadata["trusted"] = True
    kept = copy.deepcopy(nb)
    assert notebook_json(nb) == nbformat.writes(nb)
    assert nb == kept  # the notebook in memory is left as it was
