"""Outputs are checked with the notebook schema compiled by fastjsonschema: the same verdict
as nbformat's own check (jsonschema), and nbformat's error for an output it rejects."""

from __future__ import annotations

import copy
import inspect
import json
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat.v4 import nbbase, output_from_msg
from nbformat.validator import NotebookValidationError

from rapnb.build import nbformat_private

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def _committed_outputs() -> list[dict[str, Any]]:
    outputs = []
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        outputs += [output for cell in notebook["cells"] if cell["cell_type"] == "code"
                    for output in cell.get("outputs", [])]
    return outputs


def _variants(output: dict[str, Any]) -> list[dict[str, Any]]:
    """`output` and broken copies of it: a key dropped, a value of the wrong type, a key the
    schema does not allow, a wrong output type."""
    variants = [output]
    for key in output:
        dropped = copy.deepcopy(output)
        del dropped[key]
        variants.append(dropped)
        wrong = copy.deepcopy(output)
        wrong[key] = 12 if not isinstance(output[key], int) else "12"
        variants.append(wrong)
    variants.append({**copy.deepcopy(output), "unknown_key": 1})
    variants.append({**copy.deepcopy(output), "output_type": "nonsense"})
    if "data" in output:
        variants.append({**copy.deepcopy(output), "data": {"text/plain": 1}})
    return variants


def _verdict(check: Any, node: Any, ref: str) -> bool:
    try:
        check(node, ref)
    except (NotebookValidationError, nbformat.ValidationError):
        return False
    return True


def test_compiled_checks_agree_with_nbformats_own_on_real_and_broken_outputs() -> None:
    outputs = _committed_outputs()
    assert len(outputs) > 40  # the notebooks' committed outputs
    original = nbformat.validate
    compared = rejected = 0
    for output in outputs:
        ref = output["output_type"]
        for variant in _variants(output):
            node = nbformat.from_dict(variant)
            expected = _verdict(lambda n, r: original(n, ref=r, version=4), node, ref)
            fast = True
            try:
                nbformat_private.compiled_check(ref)(node)
            except Exception:  # noqa: BLE001 - fastjsonschema's rejection
                fast = False
            assert fast == expected, (ref, variant)
            compared += 1
            rejected += not expected
    assert rejected > compared / 2  # most variants are broken, and both checks say so


def test_output_from_msg_checks_compiled_first_and_raises_nbformats_error(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nbbase, "validate", nbbase.validate)  # restored after the test
    nbformat_private.use_compiled_checks()
    assert nbbase.validate.compiled_first  # type: ignore[attr-defined]
    installed = nbbase.validate
    assert str(inspect.signature(installed)) == "(node, ref=None)"  # nbformat's, for the guard
    nbformat_private.use_compiled_checks()
    assert nbbase.validate is installed  # idempotent: not wrapped twice
    good = {"header": {"msg_type": "display_data"},
            "content": {"data": {"text/plain": "Peru"}, "metadata": {}}}
    assert output_from_msg(good) == {"output_type": "display_data",
                                     "data": {"text/plain": "Peru"}, "metadata": {}}
    bad = copy.deepcopy(good)
    bad["content"]["data"] = {"text/plain": 1}
    with pytest.raises(NotebookValidationError, match="is not valid under any of the given"):
        output_from_msg(bad)
