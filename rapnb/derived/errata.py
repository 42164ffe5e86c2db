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
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from difflib import SequenceMatcher
from functools import partial
from typing import TYPE_CHECKING, Any

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


def N_(message: str) -> str:  # noqa: N802  (gettext's name for a marker)
    """Mark an English template for the catalog: `rapnb.present` shows it translated."""
    return message


class Words:
    """How a computed slip's texts are worded: in English, as the datasets hold them; a
    subclass in `rapnb.present` words them in a render's language (same templates)."""

    def gettext(self, message: str) -> str:
        """A template (a message of the catalog) in the wording's language."""
        return message

    def sheet(self, sheet_id: str, title: str) -> str:
        """A sheet's title."""
        return title

    def outcome(self, component: str, title: str) -> str:
        """An outcome's short title."""
        return title

    def office(self, office_id: str, printed: str) -> str:
        """An office's name as the funding table prints it."""
        return printed

    def in_sentence(self, name: str) -> str:
        """A name (an outcome's) inside a sentence: 'data production and dissemination'."""
        return name.lower()

    def number(self, value: float) -> str:
        """A number, grouped in thousands ('68,374'; decimals as given)."""
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"

    def names(self, items: Sequence[str]) -> str:
        """'a', 'a and b', 'a, b and c'."""
        if len(items) == 1:
            return items[0]
        return self.gettext(AND).format(items=", ".join(items[:-1]), last=items[-1])


ENGLISH = Words()
AND = N_("{items} and {last}")

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
    return errata_and_wordings(data_dir)[0]


def errata_and_wordings(data_dir: DataDir = None) -> tuple[pd.DataFrame, dict[str, Wording]]:
    """`errata`, and the computed slips' wordings by erratum_id (their section and note in
    any language, `Wording.texts`), from one pass over the tables."""
    import pandas as pd

    computed = list(_computed(data_dir))
    rows = [*curated_errata(data_dir)[COLUMNS].to_dict("records"),
            *({**row, **wording.texts()} for row, wording in computed)]
    frame = pd.DataFrame(rows, columns=COLUMNS)
    order = {kind: i for i, kind in enumerate(KINDS)}
    frame = frame.sort_values("kind", key=lambda k: k.map(order), kind="stable")
    return frame.reset_index(drop=True), {row["erratum_id"]: w for row, w in computed}


def words(text: str) -> list[re.Match[str]]:
    """The words of a text, without punctuation (hyphenated words and "SOPs" stay one word)."""
    return list(_WORD.finditer(text))


def _span(text: str, found: list[re.Match[str]]) -> str:
    """The text from the first to the last of `found` words, as printed."""
    return text[found[0].start():found[-1].end()]


CHANGES = {"delete": N_("'{old}' dropped"), "insert": N_("'{new}' added"),
           "replace": N_("'{new}' for '{old}'")}
"""How a sheet's wording differs from the framework's, per kind of change."""


def word_edits(framework: str, sheet: str) -> list[tuple[str, str, str]]:
    """How `sheet` words `framework`, ignoring case, whitespace and punctuation: (kind, the
    sheet's words, the framework's words), each as printed; kind is 'delete', 'insert' or
    'replace' (CHANGES). Empty when only those differ."""
    old, new = words(framework), words(sheet)
    matcher = SequenceMatcher(None, [w.group().lower() for w in old],
                              [w.group().lower() for w in new], autojunk=False)
    return [(op, _span(sheet, new[j1:j2]) if j2 > j1 else "",
             _span(framework, old[i1:i2]) if i2 > i1 else "")
            for op, i1, i2, j1, j2 in matcher.get_opcodes() if op in CHANGES]


def word_changes(framework: str, sheet: str, wording: Words = ENGLISH) -> list[str]:
    """How `sheet` words `framework` (`word_edits`), as sentences: "'x y' dropped", "'z'
    added", "'b' for 'a'"."""
    return [wording.gettext(CHANGES[op]).format(new=new, old=old)
            for op, new, old in word_edits(framework, sheet)]


class Wording:
    """A computed slip's `section` and `note`: templates (catalog messages) and how to fill
    them, so that they can be worded in any language (`Words`)."""

    def __init__(self, section: Callable[..., str], note: Callable[..., str]) -> None:
        self.section, self.note = section, note

    def texts(self, wording: Words = ENGLISH) -> dict[str, str]:
        """`{"section": ..., "note": ...}` worded by `wording`."""
        return {"section": self.section(wording), "note": self.note(wording)}


WORDING_SECTION = (N_("Sheet {sheets}: activity {activity}"),
                   N_("Sheets {sheets}: activity {activity}"))
WORDING_NOTE = (N_("The activity framework prints '{framework}'. On the sheet: {changes}."),
                N_("The activity framework prints '{framework}'. On the sheets: {changes}."))


Computed = Iterator[tuple[dict[str, str], Wording]]
"""Computed slips: each row's other columns, and its wording."""


def _computed(data_dir: DataDir) -> Computed:
    yield from _wording_differences(data_dir)
    yield from _budgets_without_need(data_dir)
    yield from _approximate_precise(data_dir)


def _wording_differences(data_dir: DataDir) -> Computed:
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
        printed = str(framework[activity_id])
        if not word_edits(printed, text):
            continue
        seen[activity_id] = seen.get(activity_id, 0) + 1
        suffix = "" if seen[activity_id] == 1 else f"_{seen[activity_id]}"
        titled = [(s, str(titles.loc[s, "sheet_title"])) for s in sheets]
        many = int(len(sheets) > 1)
        yield {
            "erratum_id": f"wording_{activity_id.lower().replace('.', '_')}{suffix}",
            "kind": "wording_difference",
            "quote": text,
            "source_ref": f"computed: activities.csv ({activity_id}) vs sheet_activities.csv"
            f" ({', '.join(sheets)})",
        }, Wording(partial(_wording_section, titled=titled, many=many, activity=activity_id),
                   partial(_wording_note, printed=printed, text=text, many=many))


def _wording_section(w: Words, titled: list[tuple[str, str]], many: int, activity: str) -> str:
    return w.gettext(WORDING_SECTION[many]).format(
        sheets=w.names([w.sheet(s, t) for s, t in titled]), activity=activity)


def _wording_note(w: Words, printed: str, text: str, many: int) -> str:
    return w.gettext(WORDING_NOTE[many]).format(
        framework=printed, changes="; ".join(word_changes(printed, text, w)))


def _budgets_without_need(data_dir: DataDir) -> Computed:
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
        needed = [(c, str(labels[c])) for c in COMPONENTS if (sheet, c) in listed]
        facts = {"sheet": (sheet, str(titles.loc[sheet, "sheet_title"])),
                 "outcome": (component, str(labels[component])),
                 "total": int(group["amount_usd"].sum()), "needed": needed,
                 "offices": list(zip(group["office_id"], group["office_name_as_printed"],
                                     strict=True)),
                 "reading": READINGS["evaluation" if component == "evaluation" else "other"]}
        yield {
            "erratum_id": f"budget_without_need_{sheet}_{component}",
            "kind": "budget_without_need",
            "quote": " + ".join(group["amount_as_printed"]),
            "source_ref": f"computed: funding.csv ({', '.join(group['office_id'])},"
            f" {component}) and offices.csv vs sheet_needs.csv ({sheet})",
        }, Wording(partial(_budget_section, facts=facts), partial(_budget_note, facts=facts))


BUDGET_SECTION = N_("Sheet {sheet}: {outcome}")
BUDGET_NOTE = N_("The sheet budgets USD {total} for {outcome} ({offices}) but lists no need"
                 " under it; its needs are under {under}. Likely reading: {reading}.")
NO_OUTCOME = N_("no outcome")
READINGS = {"evaluation": N_("the evaluation of the plan is not an outcome, so the sheets have"
                             " no needs for it"),
            "other": N_("the sheet's needs for this outcome are missing")}


def _budget_section(w: Words, facts: dict[str, Any]) -> str:
    return w.gettext(BUDGET_SECTION).format(sheet=w.sheet(*facts["sheet"]),
                                            outcome=w.outcome(*facts["outcome"]))


def _budget_note(w: Words, facts: dict[str, Any]) -> str:
    needed = [w.in_sentence(w.outcome(c, t)) for c, t in facts["needed"]]
    return w.gettext(BUDGET_NOTE).format(
        total=w.number(facts["total"]), outcome=w.in_sentence(w.outcome(*facts["outcome"])),
        offices=", ".join(w.office(o, n) for o, n in facts["offices"]),
        under=w.names(needed) if needed else w.gettext(NO_OUTCOME),
        reading=w.gettext(facts["reading"]))


BOUND_NOTE = N_("A figure given to the unit ({value}) is stated as a bound ('{words}'); likely"
                " the count at a date the plan does not give.")
APPROXIMATE_NOTE = N_("A figure given to the unit ({value}) is called '{words}'; likely an"
                      " exact count, approximate in words only.")


def significant_digits(value: float) -> int:
    """Significant digits of a figure as stated: 68,374 has 5, 125,000 has 3, 27.1 has 3."""
    return len(Decimal(repr(float(value))).normalize().as_tuple().digits)


def _approximate_precise(data_dir: DataDir) -> Computed:
    figures = key_figures(data_dir)
    for row in figures.itertuples(index=False):
        if row.qualifier not in APPROXIMATE or significant_digits(row.value) < PRECISE_DIGITS:
            continue
        words_ = APPROXIMATE[row.qualifier]
        value = ENGLISH.number(row.value)
        template = BOUND_NOTE if row.qualifier in BOUNDS else APPROXIMATE_NOTE
        yield {
            "erratum_id": f"approximate_{row.figure_id}",
            "kind": "approximate_precise",
            "quote": str(row.statement),
            "source_ref": f"computed: key_figures.csv ({row.figure_id}: qualifier"
            f" {row.qualifier}, value {value})",
        }, Wording(partial(_as_listed, text=str(row.source_ref)),  # the plan's place
                   partial(_approximate_note, template=template, value=row.value, words=words_))


def _as_listed(w: Words, text: str) -> str:
    """`text` as the dataset lists it, in any wording (a place in the plan)."""
    return text


def _approximate_note(w: Words, template: str, value: float, words: str) -> str:
    return w.gettext(template).format(value=w.number(value), words=words)
