"""Report tables as HTML: caption, one header row, scoped header cells, none empty, no style
block, escaped text; and what the report's builders give them."""

from __future__ import annotations

import re

import pandas as pd

from rapnb.context import Context
from rapnb.present import report
from rapnb.present.tables import ROW_HEADER, captioned, table_html


def _headers(html: str) -> list[str]:
    return re.findall(r"<th\b[^>]*>(.*?)</th>", html)


def test_caption_scopes_and_no_empty_header() -> None:
    table = captioned(pd.DataFrame({"USD": ["1", "2"]}, index=pd.Index(["a", "b"], name="Office")),
                      "Money <by> office")
    html = table_html(table)
    assert "<caption>Money &lt;by&gt; office</caption>" in html
    assert '<th scope="col">Office</th><th scope="col">USD</th>' in html
    assert '<th scope="row">a</th><td>1</td>' in html
    assert html.count("<tr>") == 3  # one header row, then the data
    assert "<style" not in html and "<th></th>" not in html


def test_row_numbers_are_left_out_and_an_unnamed_index_gets_a_header() -> None:
    numbered = table_html(pd.DataFrame({"x": [5, 6]}))
    assert "<th" in numbered and 'scope="row"' not in numbered and ">0<" not in numbered
    named = table_html(pd.DataFrame({"x": [5]}, index=["Peru"]))
    assert f'<th scope="col">{ROW_HEADER}</th>' in named


def test_missing_values_are_empty_cells_and_text_is_escaped() -> None:
    html = table_html(pd.DataFrame({"p": [None, float("nan"), "<b>&</b>"]}))
    assert "None" not in html and "nan" not in html
    assert html.count("<td></td>") == 2 and "<td>&lt;b&gt;&amp;&lt;/b&gt;</td>" in html


def test_outer_index_levels_span_their_rows() -> None:
    html = table_html(report.sheet_activities_table("venezuela"))
    assert '<th scope="row" rowspan="2">2 Capacity and coordination</th>' in html
    assert '<th scope="col">Outcome</th><th scope="col">Activity</th>' in html


def test_every_report_table_has_a_caption_and_no_blank_header() -> None:
    info = report.sheet_info("peru")
    tables = [report.stocks_table(), report.stock_evolution_table(), report.flows_table(),
              report.entry_points_table(), report.permits_table(), report.outcomes_table(),
              report.funding_table_display(), report.coverage_table(),
              report.activity_matrix_table(), report.reconcile_table(),
              report.sheets_overview_table(), report.sheet_countries(info),
              report.sheet_funding_table(info), report.sheet_needs_table(info),
              report.sheet_activities_table(info), report.permits_table(info),
              report.sheet_key_figures(info)]
    for table in tables:
        html = table_html(table)
        assert "<caption>" in html, table.columns
        assert all(h.strip() for h in _headers(html)), table.columns
    assert "implementing_office" not in table_html(report.funding_table_display())
    periods = report.sheet_key_figures(info)["Period"].tolist()
    assert "" in periods and None not in periods  # Peru: statements with no stated period


def test_figure_2_tables_quote_the_plan() -> None:
    points = report.entry_points_table()
    assert list(points.index) == ["Cúcuta", "Roraima", "Rumichaca", "Tumbes", "Tacna"]
    assert list(points["Into"]) == ["Colombia", "Brazil", "Ecuador", "Peru", "Chile"]
    assert list(points["Country entered mostly by land"]) == ["yes", "yes", "", "", ""]
    assert "mainly crossing the Rumichaca International Bridge" in (
        points.loc["Rumichaca", "What the plan says"])
    assert report.flows_table().loc["Argentina", "What the plan says"].startswith(
        "There has been a 51% increase")


def test_activity_matrix_table_counts_each_sheets_activities() -> None:
    table = report.activity_matrix_table()
    assert table.loc["Venezuela (Bolivarian Republic of)", "Activities"] == 2
    assert table.loc["Venezuela (Bolivarian Republic of)",
                      "Outcome 2 Capacity and coordination"] == "O2.A2, O2.A6"
    assert int(table["Activities"].sum()) == 269


def test_a_column_in_another_language_is_marked() -> None:
    from rapnb.present.tables import in_language

    table = in_language(pd.DataFrame({"Nota": ["una nota"], "As printed": ["Fist line"]},
                                     index=pd.Index(["typo"], name="Tipo")), "en", ["As printed"])
    html = table_html(table)
    assert '<td>una nota</td><td lang="en">Fist line</td>' in html
    assert '<th scope="row">typo</th>' in html  # the index keeps the page's language


def test_cells_left_in_another_language_are_marked_row_by_row() -> None:
    from rapnb.present.tables import in_language

    table = in_language(pd.DataFrame({"Nota": ["traducida", "not translated"]}), "en",
                        ["Nota"], [False, True])
    html = table_html(table)
    assert "<td>traducida</td>" in html and '<td lang="en">not translated</td>' in html


def test_the_spanish_errata_mark_what_is_english() -> None:
    """Curated and computed slips read in Spanish; the plan's words as printed, and the places
    the key figures list (no translation), are marked English; nothing is in English."""
    html = table_html(report.errata_table(Context.create(None, "es")))
    rows = re.findall(r"<tr>(.*?)</tr>", html)
    curated = next(r for r in rows if "Venezuelans nationals" in r)
    assert '<td lang="en">There has been a 51% increase' in curated
    assert ('<td>&#x27;<span lang="en">Venezuelans nationals</span>&#x27;: probablemente'
            in curated)  # the note's quotation of the plan, marked English
    computed = next(r for r in rows if "Actividad O1.A4" in r)
    assert ('<td>En el marco de actividades figura &#x27;<span lang="en">Organize regional'
            in computed)
    assert "<td>Actividad O1.A4 en la ficha Regional (Oficinas Regionales" in computed
    approximate = next(r for r in rows if "68.374" in r)
    assert '<td lang="en">Trends: regularisation, Colombia paragraph</td>' in approximate
    assert "<td>Una cifra precisa hasta la unidad (68.374)" in approximate
    english = table_html(report.errata_table(Context.create(None, "en")))
    assert 'lang="' not in english and "A figure given to the unit (68,374)" in english


def test_the_spanish_stocks_table_marks_its_english_sources() -> None:
    html = table_html(report.stocks_table(Context.create(None, "es")))
    chile = next(r for r in re.findall(r"<tr>(.*?)</tr>", html) if ">Chile<" in r)
    assert '<td lang="en">press report citing IOM' in chile
    assert "<td>fuente secundaria; la cifra no se verificó en la publicación original</td>" in chile


def test_quotations_in_a_cell_are_marked() -> None:
    from rapnb.present.tables import quoting

    table = quoting(pd.DataFrame({"Nota": ["la OIM's 'today' y 'about 600,000'", None]}),
                    "en", ["Nota"])
    html = table_html(table)
    assert ("<td>la OIM&#x27;s &#x27;<span lang=\"en\">today</span>&#x27; y"
            " &#x27;<span lang=\"en\">about 600,000</span>&#x27;</td>") in html
    assert "<td></td>" in html  # a missing value stays an empty cell


def test_spanish_and_is_e_before_the_sound_i() -> None:
    from rapnb.present.errata_text import LocalWords

    words = LocalWords(Context.create(None, "es"))
    assert words.names(["datos", "“Integración”"]) == "datos e “Integración”"
    assert words.names(["Chile", "Perú", "hierro"]) == "Chile, Perú y hierro"
    assert words.names(["agua", "hielo"]) == "agua y hielo"
    assert LocalWords(Context.create(None, "en")).names(["a", "integration"]) == (
        "a and integration")
