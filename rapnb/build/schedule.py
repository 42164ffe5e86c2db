"""The order in which a render hands its notebooks to the workers: the dearest first.

A worker takes the next notebook as it finishes one, so the render ends when the last one
started is done; a long notebook started last leaves the other workers idle meanwhile (the
regional sheet, last in the plan's order, took 0.94 s where a country sheet takes 0.5 to
0.75 s, and the other worker waited 0.5 s for it). Handing out the longest first (LPT) leaves
the short ones for the end. The cost of a notebook is not known before it runs; the order
uses what makes one dearer than another: the overview is the longest (its maps and tables
cover the region), and a sheet's cost grows with the countries its offices cover (on its map,
in its tables). Ties keep the order asked for (the plan's). Only the order of execution
changes: outputs, manifest and summary are the same in any order.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from rapnb.build.jobs import Job


def countries_covered(data_dir: Path) -> Counter[str]:
    """The number of countries each sheet's offices cover, by sheet id (from the offices and
    office_countries tables, plain Python)."""
    from rapnb.datasets.store import table_columns

    offices = table_columns("offices", data_dir)
    sheet_of = dict(zip(offices["office_id"], offices["sheet_id"], strict=True))
    coverage = table_columns("office_countries", data_dir)
    pairs = {(sheet_of.get(office), iso3)
             for office, iso3 in zip(coverage["office_id"], coverage["iso3"], strict=True)}
    return Counter(sheet for sheet, _ in pairs if sheet is not None)


def dearest_first(jobs: Sequence[Job | None], data_dir: Path) -> list[Job | None]:
    """`jobs` in the order their notebooks go to the workers: the overviews, then the sheets
    by the countries they cover, most first; otherwise as given; None (the tables, which have
    a worker of their own) last. If the data tables cannot be read, the sheets stay as given
    (the notebooks report the error)."""
    covered: Counter[str] = Counter()
    with contextlib.suppress(Exception):  # best effort: a data error is the notebooks' to say
        covered = countries_covered(data_dir)

    def cost(item: tuple[int, Job | None]) -> tuple[int, int, int]:
        index, job = item
        if job is None:
            return (2, 0, index)
        sheet = job.parameters.get("sheet")
        return (0, 0, index) if sheet is None else (1, -covered[str(sheet)], index)

    return [job for _, job in sorted(enumerate(jobs), key=cost)]
