"""The machinery that renders the report: jobs and typed task messages (`jobs`, `messages`),
the worker processes and their pool (`worker`, `pool`, `procs`; the zygotes that fork
kernels and workers, `kernel_zygote`, `worker_zygote`), running one notebook
(`execute`, with papermill's and jupyter_client's private details in `papermill_private` and
`jupyter_client_private`), the exports (`figures`, `html_export`, `workbook`), and the output
folder's bookkeeping (`manifest`, `atomic`, `lock`); `render` schedules it all.

    >>> from rapnb.build import render, report_jobs          # doctest: +SKIP
"""

from rapnb.build.jobs import Job, RenderReport, Result, report_jobs
from rapnb.build.render import render

__all__ = ["Job", "RenderReport", "Result", "render", "report_jobs"]
