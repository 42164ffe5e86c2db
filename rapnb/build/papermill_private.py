"""The papermill details rapnb relies on, in one place (guarded by
tests/unit/test_private_apis.py, which names the function whose signature changed).

rapnb runs papermill's own steps of ``papermill.execute_notebook`` (parameters, metadata,
error cells: the functions below, in its order) without its writes, and registers an engine
that hands the notebook manager to the caller, so a failed run's notebook is not lost. None of
these functions is in papermill's documented API.
"""

from __future__ import annotations

import functools
from typing import Any

ENGINE = "rapnb-capturing"
HOLDER = "rapnb_holder"

USED = {
    "papermill.engines.NBClientEngine.execute_managed_notebook":
        "(nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,"
        " start_timeout=60, execution_timeout=None, **kwargs)",
    "papermill.engines.PapermillEngines.execute_notebook_with_engine":
        "(self, engine_name, nb, kernel_name, **kwargs)",
    "papermill.engines.PapermillEngines.register": "(self, name, engine)",
    "papermill.execute.prepare_notebook_metadata":
        "(nb, input_path, output_path, report_mode=False)",
    "papermill.execute.raise_for_execution_errors": "(nb, output_path)",
    "papermill.execute.remove_error_markers": "(nb)",
    "papermill.parameterize.parameterize_notebook":
        "(nb, parameters, report_mode=False, comment='Parameters', kernel_name=None,"
        " language=None, engine_name=None)",
    "papermill.iorw.load_notebook_node": "(notebook_path)",
    "papermill.utils.chdir": "(path)",
}
"""Each function used, with the signature it had when this module was written."""


@functools.cache
def capturing_engine() -> str:
    """Register (once) and name papermill's nbclient engine, made to hand its notebook
    manager to the caller's holder list (keyword HOLDER)."""
    from papermill.engines import NBClientEngine, papermill_engines

    class CapturingEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, **kwargs: Any) -> Any:
            kwargs.pop(HOLDER).append(nb_man)
            return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)

    papermill_engines.register(ENGINE, CapturingEngine)
    return ENGINE


def load_notebook(path: str) -> Any:
    """The notebook at `path` as papermill loads it."""
    from papermill.iorw import load_notebook_node

    return load_notebook_node(path)


def run(nb: Any, notebook: str, parameters: dict[str, Any], cwd: str, kernel_name: str,
        holder: list[Any], **engine_options: Any) -> Any:
    """papermill.execute_notebook's steps on `nb` (a copy of the source `notebook`), run in
    `cwd`, writing nothing; raises what papermill raises (PapermillExecutionError ...)."""
    from papermill.engines import papermill_engines
    from papermill.execute import (
        prepare_notebook_metadata,
        raise_for_execution_errors,
        remove_error_markers,
    )
    from papermill.parameterize import parameterize_notebook
    from papermill.utils import chdir

    if parameters:
        nb = parameterize_notebook(nb, parameters, kernel_name=kernel_name)
    nb = remove_error_markers(prepare_notebook_metadata(nb, notebook, None))
    with chdir(cwd):
        nb = papermill_engines.execute_notebook_with_engine(
            capturing_engine(), nb, kernel_name=kernel_name, input_path=notebook,
            output_path=None, **engine_options, **{HOLDER: holder},
        )
    raise_for_execution_errors(nb, None)
    return nb


def failure_reason(exc: Exception) -> str:
    """One line naming the error: a cell's `ename: evalue`, else the exception."""
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        return f"{exc.ename}: {exc.evalue}"
    return f"{type(exc).__name__}: {exc}"
