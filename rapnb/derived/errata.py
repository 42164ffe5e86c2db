"""The plan's textual slips, as data: the curated ones of `data/errata.csv` and three kinds
computed from the other tables. Nothing is corrected; each row says what the likely reading is.

Kinds and where they come from (`ORIGINS`):

* typo, truncated_sentence, date_missing_year, number_format, heading: typed in from the
  plan's text, each with its exact quote (`data/errata.csv`);
* wording_difference: a sheet words a framework activity differently from the activity
  framework (`activities.csv` vs `sheet_activities.csv`), after case, whitespace and punctuation
  are set aside; one row per activity and wording, naming the sheets that print it;
* budget_without_need: a sheet budgets an outcome (or the evaluation) but lists no need under
  it (`funding.csv` through `offices.csv`, vs `sheet_needs.csv`);
* approximate_precise: the narrative qualifies a figure given to the unit as approximate or as a
  bound ("approximately 68,374"; `key_figures.csv`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from decimal import Decimal
from difflib import SequenceMatcher
from typing import TYPE_CHECKING

from rapnb.datasets.loaders import (
    activities,
    curated_errata,
    funding,
    key_figures,
    offices,
    outcomes,
    sheet_activities,
    sheet_needs,
    sheet_table,
)
from rapnb.datasets.schema import COMPONENTS, CURATED_ERRATA_KINDS
from rapnb.datasets.store import DataDir

if TYPE_CHECKING:
    import pandas as pd

COLUMNS = ["erratum_id", "kind", "section", "quote", "note", "source_ref"]
COMPUTED_KINDS = ["wording_difference", "budget_without_need", "approximate_precise"]
KINDS = [*CURATED_ERRATA_KINDS, *COMPUTED_KINDS]
ORIGINS = {
    **{kind: "data/errata.csv (curated from the plan's text)" for kind in CURATED_ERRATA_KINDS},
    "wording_difference": "computed: activities.csv vs sheet_activities.csv",
    "budget_without_need": "computed: funding.csv and offices.csv vs sheet_needs.csv",
    "approximate_precise": "computed: key_figures.csv (qualifier and value)",
}
"""Where each kind of erratum comes from."""

APPROXIMATE = {"approximately": "approximately", "about": "about", "around": "around",
               "almost": "almost", "more_than": "more than", "over": "over", "up_to": "up to"}
"""key_figures qualifiers that make a figure approximate or a bound, and their wording."""
BOUNDS = {"more_than", "over", "up_to"}
PRECISE_DIGITS = 4
"""A figure with at least this many significant digits (68,374; not 125,000) is precise."""

_WORD = re.compile(r"[A-Za-z0-9]+(?:[-'’][A-Za-z0-9]+)*")


def errata(data_dir: DataDir = None) -> pd.DataFrame:
    """Every textual slip of the plan, curated and computed, ordered by kind (`KINDS`).

    Columns: erratum_id, kind, section (where: section, table or sheet), quote (as printed),
    note (what differs and the likely reading, never applied), source_ref.
    """
    import pandas as pd

    rows = [*curated_errata(data_dir)[COLUMNS].to_dict("records"),
            *_wording_differences(data_dir), *_budgets_without_need(data_dir),
            *_approximate_precise(data_dir)]
    frame = pd.DataFrame(rows, columns=COLUMNS)
    order = {kind: i for i, kind in enumerate(KINDS)}
    frame = frame.sort_values("kind", key=lambda k: k.map(order), kind="stable")
    return frame.reset_index(drop=True)


def words(text: str) -> list[re.Match[str]]:
    """The words of a text, without punctuation (hyphenated words and "SOPs" stay one word)."""
    return list(_WORD.finditer(text))


def _span(text: str, found: list[re.Match[str]]) -> str:
    """The text from the first to the last of `found` words, as printed."""
    return text[found[0].start():found[-1].end()]


def word_changes(framework: str, sheet: str) -> list[str]:
    """How `sheet` words `framework`, ignoring case, whitespace and punctuation: "'x y'
    dropped", "'z' added", "'b' for 'a'", each as printed. Empty when only those differ."""
    old, new = words(framework), words(sheet)
    matcher = SequenceMatcher(None, [w.group().lower() for w in old],
                              [w.group().lower() for w in new], autojunk=False)
    changes = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "delete":
            changes.append(f"'{_span(framework, old[i1:i2])}' dropped")
        elif op == "insert":
            changes.append(f"'{_span(sheet, new[j1:j2])}' added")
        elif op == "replace":
            changes.append(f"'{_span(sheet, new[j1:j2])}' for '{_span(framework, old[i1:i2])}'")
    return changes


def _names(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _wording_differences(data_dir: DataDir) -> Iterator[dict[str, str]]:
    framework = activities(data_dir).set_index("activity_id")["text"]
    order = {a: i for i, a in enumerate(framework.index)}
    titles = sheet_table(data_dir).set_index("sheet_id")
    listed = sheet_activities(data_dir)
    listed = listed.assign(position=listed["sheet_id"].map(titles["position"]))
    variants: dict[tuple[str, str], list[str]] = {}
    for row in listed.sort_values("position").itertuples(index=False):
        variants.setdefault((row.activity_id, row.sheet_text), []).append(row.sheet_id)
    seen: dict[str, int] = {}
    for (activity_id, text), sheets in sorted(variants.items(),
                                              key=lambda kv: (order[kv[0][0]], kv[1][0])):
        changes = word_changes(framework[activity_id], text)
        if not changes:
            continue
        seen[activity_id] = seen.get(activity_id, 0) + 1
        suffix = "" if seen[activity_id] == 1 else f"_{seen[activity_id]}"
        names = [str(titles.loc[s, "sheet_title"]) for s in sheets]
        plural = "s" if len(sheets) > 1 else ""
        yield {
            "erratum_id": f"wording_{activity_id.lower().replace('.', '_')}{suffix}",
            "kind": "wording_difference",
            "section": f"Sheet{plural} {_names(names)}: activity {activity_id}",
            "quote": text,
            "note": f"The activity framework prints '{framework[activity_id]}'. On the"
            f" sheet{plural}: {'; '.join(changes)}.",
            "source_ref": f"computed: activities.csv ({activity_id}) vs sheet_activities.csv"
            f" ({', '.join(sheets)})",
        }


def _budgets_without_need(data_dir: DataDir) -> Iterator[dict[str, str]]:
    office_table = offices(data_dir)[["office_id", "office_name_as_printed", "sheet_id",
                                      "position"]]
    cells = funding(data_dir).merge(office_table, on="office_id")
    cells = cells[cells["amount_usd"] > 0]
    needs = sheet_needs(data_dir)
    listed = set(zip(needs["sheet_id"], needs["component"], strict=True))
    titles = sheet_table(data_dir).set_index("sheet_id")
    labels = outcomes(data_dir).set_index("component")["short_title"]
    order = {c: i for i, c in enumerate(COMPONENTS)}
    budgeted = cells.assign(sheet_position=cells["sheet_id"].map(titles["position"]),
                            component_position=cells["component"].map(order))
    budgeted = budgeted.sort_values(["sheet_position", "component_position", "position"])
    for (sheet, component), group in budgeted.groupby(["sheet_id", "component"], sort=False):
        if (sheet, component) in listed:
            continue
        total = int(group["amount_usd"].sum())
        need_labels = [str(labels[c]).lower() for c in COMPONENTS if (sheet, c) in listed]
        under = _names(need_labels) if need_labels else "no outcome"
        reading = ("the evaluation of the plan is not an outcome, so the sheets have no needs"
                   " for it" if component == "evaluation" else
                   "the sheet's needs for this outcome are missing")
        yield {
            "erratum_id": f"budget_without_need_{sheet}_{component}",
            "kind": "budget_without_need",
            "section": f"Sheet {titles.loc[sheet, 'sheet_title']}: {labels[component]}",
            "quote": " + ".join(group["amount_as_printed"]),
            "note": f"The sheet budgets USD {total:,} for {str(labels[component]).lower()}"
            f" ({', '.join(group['office_name_as_printed'])}) but lists no need under it; its"
            f" needs are under {under}. Likely reading: {reading}.",
            "source_ref": f"computed: funding.csv ({', '.join(group['office_id'])},"
            f" {component}) and offices.csv vs sheet_needs.csv ({sheet})",
        }


def significant_digits(value: float) -> int:
    """Significant digits of a figure as stated: 68,374 has 5, 125,000 has 3, 27.1 has 3."""
    return len(Decimal(repr(float(value))).normalize().as_tuple().digits)


def _approximate_precise(data_dir: DataDir) -> Iterator[dict[str, str]]:
    figures = key_figures(data_dir)
    for row in figures.itertuples(index=False):
        if row.qualifier not in APPROXIMATE or significant_digits(row.value) < PRECISE_DIGITS:
            continue
        words_ = APPROXIMATE[row.qualifier]
        value = f"{row.value:,.0f}" if float(row.value).is_integer() else f"{row.value:,}"
        if row.qualifier in BOUNDS:
            note = (f"A figure given to the unit ({value}) is stated as a bound ('{words_}');"
                    " likely the count at a date the plan does not give.")
        else:
            note = (f"A figure given to the unit ({value}) is called '{words_}'; likely an"
                    " exact count, approximate in words only.")
        yield {
            "erratum_id": f"approximate_{row.figure_id}",
            "kind": "approximate_precise",
            "section": str(row.source_ref),
            "quote": str(row.statement),
            "note": note,
            "source_ref": f"computed: key_figures.csv ({row.figure_id}: qualifier"
            f" {row.qualifier}, value {value})",
        }
