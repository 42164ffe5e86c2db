"""Tables as the notebooks print them (pandas' HTML), read back cell by cell for the PDFs."""

from __future__ import annotations

import pandas as pd

from rapnb.build.pdf_tables import parse_table


def _texts(rows: list[list[dict]]) -> list[list[str]]:
    return [[cell["t"] for cell in row] for row in rows]


def test_a_frame_with_a_named_index_reads_back_as_printed() -> None:
    frame = pd.DataFrame({"Outcome": ["1 Data", "Sum of the outcomes"],
                          "USD": ["1,745,950", "13,399,999"]}).set_index("Outcome")
    table = parse_table(frame.to_html())
    assert table is not None and table["cols"] == 2
    # pandas' two header rows (column names; index name) folded into one
    assert _texts(table["header"]) == [["Outcome", "USD"]]
    assert _texts(table["body"]) == [["1 Data", "1,745,950"], ["Sum of the outcomes", "13,399,999"]]
    assert [c["th"] for c in table["body"][0]] == [True, False]
    assert table["num"] == [False, True]
    assert [c["num"] for c in table["header"][0]] == [False, True]  # aligned with its numbers


def test_grouped_index_keeps_its_rowspans() -> None:
    frame = pd.DataFrame({
        "Outcome": ["2 Capacity", "2 Capacity", "2 Capacity", "4 Integration"],
        "Activity": ["O2.A2", "O2.A3", "O2.A12", "O4.A1"],
        "As worded on the sheet": ["Support national or local governments to apply the toolbox"
                                   " and design coordinated response plans", "b", "c", "d"],
    }).set_index(["Outcome", "Activity"])
    table = parse_table(frame.to_html())
    assert table is not None
    assert _texts(table["header"]) == [["Outcome", "Activity", "As worded on the sheet"]]
    first = table["body"][0]
    assert [(c["t"], c["rs"]) for c in first] == [
        ("2 Capacity", 3), ("O2.A2", 1),
        ("Support national or local governments to apply the toolbox and design coordinated"
         " response plans", 1)]
    assert _texts(table["body"][1:3]) == [["O2.A3", "b"], ["O2.A12", "c"]]
    assert _texts([table["body"][3]]) == [["4 Integration", "O4.A1", "d"]]
    assert table["widths"] == ["auto", "auto", "fr"]  # the long wording takes the free width


def test_text_is_unescaped_once_and_styles_are_ignored() -> None:
    frame = pd.DataFrame({"Note": ['<script>alert("x")</script> & N.A.', "<NA>"],
                          "Value": ["N.A.", "-27.1%"]})
    table = parse_table(frame.to_html())
    assert table is not None
    assert _texts(table["header"]) == [["", "Note", "Value"]]
    assert _texts(table["body"]) == [["0", '<script>alert("x")</script> & N.A.', "N.A."],
                                     ["1", "<NA>", "-27.1%"]]
    assert table["num"] == [False, False, True]  # index cells are never aligned (as in the HTML)


def test_no_table() -> None:
    assert parse_table("<div><p>No table here</p></div>") is None
