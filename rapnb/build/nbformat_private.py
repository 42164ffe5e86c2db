"""The nbformat details rapnb relies on, in one place (guarded by
tests/unit/test_private_apis.py, which names the function whose signature changed).

nbclient turns each output a kernel sends into a notebook node with nbformat's
``output_from_msg``, which checks it against the notebook schema through
``nbformat.v4.nbbase.validate``, as ``new_code_cell`` and the other constructors check theirs.
For one part of a notebook (a `ref` into the schema), nbformat's fastjsonschema validator
hands the check to jsonschema: about 0.55 ms an output, some 0.2 s of a worker's CPU a render.
:func:`use_compiled_checks` makes that function check the part against the same schema
definitions compiled by fastjsonschema first (about 0.02 ms an output). A part it rejects is
checked again by nbformat's own function, which raises nbformat's error with jsonschema's
message; so nothing nbformat's check would let through is stopped, and a part is let through
unchecked by jsonschema only where fastjsonschema accepts it, the judgement nbformat itself
relies on for whole notebooks (its default validator).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

OUTPUT_TYPES = ("execute_result", "display_data", "stream", "error")

USED = {
    "nbformat.v4.nbbase.validate": "(node, ref=None)",
    "nbformat.validator._get_schema_json": "(v, version=None, version_minor=None)",
}
"""Each private function used, with the signature it had when this module was written."""


@functools.cache
def compiled_check(ref: str) -> Callable[[Any], Any]:
    """fastjsonschema's check of the schema definition `ref` of the current notebook format,
    as ``nbformat.v4.nbbase.validate`` checks it (version 4, its current minor version)."""
    import fastjsonschema
    from nbformat import v4
    from nbformat.validator import _get_schema_json

    schema = _get_schema_json(v4, version=v4.nbformat, version_minor=v4.nbformat_minor)
    return fastjsonschema.compile({key: value for key, value in schema.items()
                                   if key in {"$schema", "definitions"}}
                                  | {"$ref": f"#/definitions/{ref}"})


def use_compiled_checks() -> None:
    """Make ``nbformat.v4.nbbase.validate`` check a part of a notebook with its compiled
    check first (idempotent); a whole notebook (no `ref`) is left to nbformat. The checks of
    the output types are compiled now, so that workers forked later find them ready."""
    from fastjsonschema import JsonSchemaException
    from nbformat.v4 import nbbase

    if getattr(nbbase.validate, "compiled_first", False):
        return
    original = nbbase.validate

    @functools.wraps(original)  # its signature stays nbformat's (the guard checks that)
    def validate(node: Any, ref: str | None = None) -> None:
        if ref is not None:
            try:
                compiled_check(ref)(node)
                return
            except JsonSchemaException:
                pass  # nbformat's own check raises its error, with jsonschema's message
        original(node, ref=ref)

    validate.compiled_first = True  # type: ignore[attr-defined]
    for ref in OUTPUT_TYPES:
        compiled_check(ref)
    nbbase.validate = validate
