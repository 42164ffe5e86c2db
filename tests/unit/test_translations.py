"""data/translations.csv: a Spanish version of every text of the plan that we translate.

The plan is in English; each Spanish text is an unofficial translation (or a name IOM itself
uses), with its source in `source_es`. These tests read the English tables with the csv module
and compare: every text has one translation, made from the English text as it is now, with
the same numbers, the agreed terms, and Spanish number style.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

import rapnb
from rapnb.errors import DataError
from rapnb.paths import bundled_data_dir

ROOT = Path(__file__).resolve().parents[2]
NBSP = "\u00a0"

# What issue 15 asks to translate, table -> text fields (typed here from the issue, not imported).
TRANSLATED = {
    "outcomes": ["short_title", "title_as_printed", "statement", "outputs"],
    "activities": ["text"],
    "sheet_activities": ["sheet_text"],
    "sheet_needs": ["need"],
    "government_response": ["measure"],
    "sheets": ["sheet_title"],
    "key_figures": ["statement"],
    "flow_statements": ["statement"],
    "entry_points": ["statement"],
    "offices": ["office_name", "office_name_as_printed"],
    "stocks": ["note"],  # the project's notes on the secondary figures
    "errata": ["section", "note"],  # where a printing slip is, and the note on it
}
SOURCES = {
    "rapnb unofficial translation (2026)",
    "the plan's own Spanish name",
    "IOM Spanish usage: office names",
}
# Names written the same in Spanish, and only where they may stay the same.
SAME_IN_SPANISH = {
    ("sheets", "sheet_title"): {"Argentina", "Chile", "Colombia", "Costa Rica", "Ecuador",
                                "Guyana", "Uruguay"},
    ("offices", "office_name_as_printed"): {"Argentina", "Chile", "Colombia", "Costa Rica",
                                            "Ecuador", "Guyana", "Uruguay", "Venezuela"},
}
# Terms: where the English says the first, the Spanish says the second.
TERMS = [
    (r"\bIOM\b", "OIM"),
    (r"\bDTM\b", "Matriz de Seguimiento de Desplazamiento (DTM)"),
    (r"\bUNHCR\b", "ACNUR"),
    (r"\btrafficking\b", "trata de personas"),
    (r"\bsmuggling\b", "tráfico ilícito de migrantes"),
    (r"\bGBV\b", "violencia basada en género"),
    (r"\bSOPs?\b|Standard Operating Procedures", "Procedimientos Operativos Estándar (POE)"),
    (r"(?i)socio-economic integration", "integración socioeconómica"),
    (r"Venezuelan migrants\b", "personas migrantes venezolanas"),
    (r"receiving communities", "comunidades de acogida"),
    (r"\bhost (countr|govern)", "países de acogida"),
    (r"Temporary Residence Permit", "Permiso Temporal de Permanencia"),
    (r"MERCOSUR Residence Agreement", "Acuerdo de Residencia del MERCOSUR"),
    (r"Migrant Support Centres", "Centros de Apoyo a Migrantes"),
]
# Acronyms and names that stay as they are (the plan's own Spanish names among them).
KEPT = ["PEP", "TMF", "RAMV", "MERCOSUR", "UNASUR", "CMER", "PTP", "CNIg", "MICIC", "CCCM",
        "IASC", "MigApp", "CSM", "CRM", "UASC", "MSC", "USD", "UNPFA", "Somos Frontera",
        "Tarjeta de Movilidad Fronteriza", "Permiso Especial de Permanencia",
        "Registro Administrativo de Migrantes Venezolanos en Colombia",
        "Calidad Migratoria Especial Residente", "I am a migrant", "https://www.minsalud.gov.co/"]


QUOTED = re.compile(r"(?<![A-Za-zÀ-ÿ])'[^']*'(?![A-Za-zÀ-ÿ])")
"""A quotation in single quotes: the English plan's words as printed, which the Spanish keeps as
they are (the notes on its printing slips quote it); an apostrophe inside a word is not one."""


def _unquoted(text: str) -> str:
    """`text` without its quotations of the plan (QUOTED): what the translation words itself."""
    return QUOTED.sub(" ", text)


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _english(data_dir: Path) -> dict[tuple[str, str, str], str]:
    """(table, row_key, field) -> English text, for every non-empty text of TRANSLATED."""
    package = json.loads((bundled_data_dir() / "datapackage.json").read_text(encoding="utf-8"))
    keys = {r["name"]: r["schema"]["primaryKey"] for r in package["resources"] if "schema" in r}
    texts = {}
    for table, fields in TRANSLATED.items():
        for row in _read(data_dir / f"{table}.csv"):
            key = "|".join(row[k] for k in keys[table])
            for field in fields:
                if row[field]:
                    texts[(table, key, field)] = row[field]
    return texts


def _coverage_problems(data_dir: Path) -> list[str]:
    """Texts with no translation row, more than one, or a row that names no text."""
    expected = _english(data_dir)
    rows = Counter((r["table"], r["row_key"], r["field"])
                   for r in _read(data_dir / "translations.csv"))
    problems = [f"no translation: table={t} row_key={k} field={f}"
                for (t, k, f) in expected if (t, k, f) not in rows]
    problems += [f"{n} translations: table={t} row_key={k} field={f}"
                 for (t, k, f), n in rows.items() if n > 1]
    problems += [f"translates no text: table={t} row_key={k} field={f}"
                 for (t, k, f) in rows if (t, k, f) not in expected]
    return problems


def _drift_problems(data_dir: Path) -> list[str]:
    """Translations made from another English text than the dataset's current one."""
    english = _english(data_dir)
    return [f"English changed: table={r['table']} row_key={r['row_key']} field={r['field']}:"
            f" translated {r['text_en']!r}, now {english[key]!r}"
            for r in _read(data_dir / "translations.csv")
            if (key := (r["table"], r["row_key"], r["field"])) in english
            and english[key] != r["text_en"]]


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return _read(bundled_data_dir() / "translations.csv")


# --- coverage and drift ---------------------------------------------------------------------


def test_every_text_has_exactly_one_translation() -> None:
    assert _coverage_problems(bundled_data_dir()) == []


def test_row_counts_per_table(rows: list[dict[str, str]]) -> None:
    counts = Counter(r["table"] for r in rows)
    assert counts == {"outcomes": 19, "activities": 45, "sheet_activities": 269,
                      "sheet_needs": 124, "government_response": 29, "sheets": 15,
                      "key_figures": 64, "flow_statements": 6, "offices": 32, "entry_points": 5,
                      "stocks": 20, "errata": 72}
    # evaluation has no outputs: the one empty text, with no translation
    assert ("outcomes", "evaluation", "outputs") not in {
        (r["table"], r["row_key"], r["field"]) for r in rows}


def test_text_en_is_the_current_english() -> None:
    assert _drift_problems(bundled_data_dir()) == []


def test_a_missing_translation_is_named(data_copy: Path) -> None:
    path = data_copy / "translations.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith("sheet_needs,peru|direct_assistance|2,")]
    assert len(kept) == len(lines) - 1
    path.write_text("".join(kept), encoding="utf-8")
    assert _coverage_problems(data_copy) == [
        "no translation: table=sheet_needs row_key=peru|direct_assistance|2 field=need"]


def test_an_edited_english_text_is_named(data_copy: Path) -> None:
    path = data_copy / "activities.csv"
    text = path.read_text(encoding="utf-8")
    edited = text.replace("Adapt the DTM toolbox to the regional flows",
                          "Adapt the DTM toolbox to regional flows", 1)
    assert edited != text
    path.write_text(edited, encoding="utf-8")
    assert _drift_problems(data_copy) == [
        "English changed: table=activities row_key=O1.A1 field=text: translated 'Adapt the DTM"
        " toolbox to the regional flows', now 'Adapt the DTM toolbox to regional flows'"]


def test_a_new_row_needs_a_translation(data_copy: Path) -> None:
    path = data_copy / "government_response.csv"
    with open(path, "a", encoding="utf-8", newline="") as handle:
        handle.write("chile,2,A new measure,Country sheet Chile: government response\n")
    assert _coverage_problems(data_copy) == [
        "no translation: table=government_response row_key=chile|2 field=measure"]


# --- the Spanish texts ----------------------------------------------------------------------


def test_spanish_is_given_and_differs_from_english(rows: list[dict[str, str]]) -> None:
    same_used: dict[tuple[str, str], set[str]] = {key: set() for key in SAME_IN_SPANISH}
    for r in rows:
        where = (r["table"], r["field"])
        assert r["text_es"].strip(), (r["table"], r["row_key"], r["field"])
        assert r["text_es"] == r["text_es"].strip(), (r["table"], r["row_key"], r["field"])
        if r["text_es"] == r["text_en"]:
            assert r["text_en"] in SAME_IN_SPANISH.get(where, set()), (
                f"not translated: table={r['table']} row_key={r['row_key']} field={r['field']}")
            same_used[where].add(r["text_en"])
    assert same_used == SAME_IN_SPANISH  # the allow-list names nothing it does not need


def test_same_english_same_spanish(rows: list[dict[str, str]]) -> None:
    spanish: dict[str, set[str]] = {}
    for r in rows:
        spanish.setdefault(r["text_en"], set()).add(r["text_es"])
    assert {en: es for en, es in spanish.items() if len(es) > 1} == {}
    # a sheet that words an activity as the framework does gets the framework's Spanish
    by_key = {(r["table"], r["row_key"], r["field"]): r["text_es"] for r in rows}
    assert by_key[("sheet_activities", "argentina|O1.A3", "sheet_text")] == by_key[
        ("activities", "O1.A3", "text")]


def test_outputs_keep_their_items(rows: list[dict[str, str]]) -> None:
    outputs = {r["row_key"]: r for r in rows if r["field"] == "outputs"}
    assert sorted(outputs) == ["capacity_coordination", "data_production", "direct_assistance",
                               "socioeconomic_integration"]
    for key, r in outputs.items():
        assert len(r["text_es"].split("; ")) == len(r["text_en"].split("; ")), key


def test_sources_are_the_fixed_vocabulary(rows: list[dict[str, str]]) -> None:
    assert {r["source_es"] for r in rows} <= SOURCES
    package = json.loads((bundled_data_dir() / "datapackage.json").read_text(encoding="utf-8"))
    (resource,) = [r for r in package["resources"] if r["name"] == "translations"]
    (field,) = [f for f in resource["schema"]["fields"] if f["name"] == "source_es"]
    assert set(field["constraints"]["enum"]) == SOURCES
    iom = {(r["table"], r["field"]) for r in rows if r["source_es"].startswith("IOM ")}
    assert iom == {("offices", "office_name")}  # IOM's own Spanish names: only the offices'
    ours = Counter(r["source_es"] for r in rows)["rapnb unofficial translation (2026)"]
    assert ours == len(rows) - 15  # every text but the 15 IOM office names is ours


def test_quotations_of_the_plan_stay_as_printed(rows: list[dict[str, str]]) -> None:
    """What a text quotes of the plan in single quotes, its translation quotes word for word
    (so the checks below may leave the quotations out)."""
    problems = [(r["table"], r["row_key"], r["field"]) for r in rows
                if Counter(QUOTED.findall(r["text_en"])) != Counter(QUOTED.findall(r["text_es"]))]
    assert problems == []
    assert sum(bool(QUOTED.search(r["text_en"])) for r in rows) >= 36  # the errata quote


def test_terms(rows: list[dict[str, str]]) -> None:
    problems = []
    for r in rows:
        en, es = _unquoted(r["text_en"]), _unquoted(r["text_es"])
        for english, spanish in TERMS:
            if re.search(english, en) and spanish.lower() not in es.lower():
                problems.append((r["table"], r["row_key"], r["field"], spanish))
        for name in KEPT:
            if name in en and name not in es:
                problems.append((r["table"], r["row_key"], r["field"], name))
    assert problems == []


def test_regional_office_names(rows: list[dict[str, str]]) -> None:
    names = {r["row_key"]: r["text_es"] for r in rows if r["field"] == "office_name"}
    assert names["ro_buenos_aires"] == (
        "Oficina Regional de la OIM para América del Sur (Buenos Aires)")
    assert names["ro_san_jose"] == (
        "Oficina Regional de la OIM para Centroamérica, Norteamérica y el Caribe (San José)")
    assert names["peru"] == "OIM Perú"


# --- numbers --------------------------------------------------------------------------------

_TOKEN = re.compile(r"\d[\d.,]*\d|\d")


def _tokens(text: str) -> list[tuple[str, bool]]:
    """Each number written in `text`, with whether a minus sign stands before it ('(-27,1%)',
    not the dash of '0-14' or '2016.-2017')."""
    out = []
    for m in _TOKEN.finditer(text):
        start = m.start()
        negative = (start > 0 and text[start - 1] == "-"
                    and (start == 1 or text[start - 2] in " (\u00a0"))
        out.append((m.group(), negative))
    return out


def _english_value(token: str) -> float:
    """A number as the plan's English writes it: 100,000 and 9.6, but also its Spanish-style
    figures, 32.326.041 and 27,1 (the plan's '-27,1%' is -27.1)."""
    if re.fullmatch(r"\d+", token):
        return int(token)
    if re.fullmatch(r"\d{1,3}(,\d{3})+", token):
        return int(token.replace(",", ""))
    if re.fullmatch(r"\d{1,3}(\.\d{3}){2,}", token):
        return int(token.replace(".", ""))
    if re.fullmatch(r"\d+,\d{1,2}", token):
        return float(token.replace(",", "."))
    if re.fullmatch(r"\d+\.\d{1,2}", token):
        return float(token)
    raise ValueError(f"ambiguous number in the English text: {token!r}")


def _spanish_value(token: str) -> float:
    """A number written the Spanish way (CLDR es): 1.600.000, 1529, 27,1."""
    if re.fullmatch(r"\d+", token):
        return int(token)
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", token):
        return int(token.replace(".", ""))
    if re.fullmatch(r"\d+,\d+", token):
        return float(token.replace(",", "."))
    raise ValueError(f"not a Spanish-style number: {token!r}")


def _numbers(text: str, lang: str) -> Counter[float]:
    """The values of the numbers in `text`, read as language `lang` ('en' or 'es') writes them."""
    parse = _english_value if lang == "en" else _spanish_value
    return Counter(-parse(t) if negative else parse(t) for t, negative in _tokens(text))


def test_number_parsers() -> None:
    assert _numbers("from 700,000 to more than 1,600,000 between 2015 and 2017", "en") == (
        Counter([700_000, 1_600_000, 2015, 2017]))
    assert _numbers("diminished (-27,1%) while land entries increased (139%)", "en") == (
        Counter([-27.1, 139]))
    assert _numbers("USD 32.326.041; 9.6 % are children between 0-14", "en") == (
        Counter([32_326_041, 9.6, 0, 14]))
    assert _numbers("during 2016.-2017; Resolution No.126; (Decree 866, 2017)", "en") == (
        Counter([2016, 2017, 126, 866, 2017]))
    assert _numbers("de 700.000 a más de 1.600.000; 1529; (-27,1\u00a0%); 7,4\u00a0%", "es") == (
        Counter([700_000, 1_600_000, 1529, -27.1, 7.4]))
    with pytest.raises(ValueError, match="ambiguous"):
        _english_value("164.780")
    with pytest.raises(ValueError, match="not a Spanish-style number"):
        _spanish_value("1,600,000")
    with pytest.raises(ValueError, match="not a Spanish-style number"):
        _numbers("el 9.6 %", "es")  # an English decimal point in a Spanish text


def test_numbers_keep_their_values(rows: list[dict[str, str]]) -> None:
    problems = [(r["table"], r["row_key"], r["field"], sorted(en.elements()),
                 sorted(es.elements()))
                for r in rows
                if (en := _numbers(_unquoted(r["text_en"]), "en"))
                != (es := _numbers(_unquoted(r["text_es"]), "es"))]
    assert problems == []
    figures = {r["row_key"]: r["text_es"] for r in rows if r["table"] == "key_figures"}
    assert "más de 1.600.000" in figures["ven_abroad_stock_2017_intro"]
    assert "(-27,1\u00a0%)" in figures["ecu_air_entries_change_2015_2016"]
    assert "USD 32.326.041" in figures["total_funding_narrative"]


def test_spanish_number_style(rows: list[dict[str, str]]) -> None:
    """Spanish as Babel (CLDR es) writes numbers on the pages: '.' groups thousands (1.529,
    10.000; a four-digit year stays 2017), ',' is the decimal mark, and a no-break space stands
    before '%'."""
    problems = []
    for r in rows:
        es = _unquoted(r["text_es"])  # a quotation keeps the plan's English style
        if (re.search(r"\d{5,}", es) or re.search(r"\d[ ]?%", es)
                or re.search(r"\d\.\d{1,2}(?!\d)", es)):
            problems.append((r["table"], r["row_key"], r["field"], es))
    assert problems == []


# --- the loader, the schema and the template script -----------------------------------------


def test_loader_returns_the_csv(rows: list[dict[str, str]]) -> None:
    assert "translations" in rapnb.__all__
    frame = rapnb.translations()
    assert list(frame.columns) == ["table", "row_key", "field", "text_en", "text_es", "source_es"]
    assert frame.to_dict("records") == rows


def test_the_schema_rejects_an_unknown_table(data_copy: Path) -> None:
    path = data_copy / "translations.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].replace("outcomes,", "funding,", 1)
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(DataError, match=r"translations\.csv, row 1 .*field 'table'"):
        rapnb.translations(data_dir=data_copy)


def test_the_schema_rejects_a_duplicate(data_copy: Path) -> None:
    path = data_copy / "translations.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join([*lines, lines[5]]), encoding="utf-8")
    with pytest.raises(DataError, match="duplicate key"):
        rapnb.translations(data_dir=data_copy)


def test_translatable_texts_match_the_csv(rows: list[dict[str, str]]) -> None:
    from rapnb.datasets.translatable import translatable_texts

    listed = [tuple(t) for t in translatable_texts()]
    assert listed == [(r["table"], r["row_key"], r["field"], r["text_en"]) for r in rows]
    assert set(listed) == {(*key, text) for key, text in _english(bundled_data_dir()).items()}


def _template(*args: str) -> list[list[str]]:
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "translations_template.py"),
                             *args], capture_output=True, text=True, check=True, timeout=120)
    return list(csv.reader(result.stdout.splitlines()))


def test_template_starts_a_new_language(rows: list[dict[str, str]]) -> None:
    table = _template("--lang", "pt")
    assert table[0] == ["table", "row_key", "field", "text_en", "text_pt", "source_pt"]
    assert [r[:4] for r in table[1:]] == [
        [r["table"], r["row_key"], r["field"], r["text_en"]] for r in rows]
    assert {tuple(r[4:]) for r in table[1:]} == {("", "")}


def test_template_lists_what_is_missing(data_copy: Path) -> None:
    assert _template("--lang", "es", "--missing", "--data-dir", str(data_copy)) == [
        ["table", "row_key", "field", "text_en", "text_es", "source_es"]]
    path = data_copy / "sheets.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",Peru,", ",Perú (edited),"),
                    encoding="utf-8")
    listed = _template("--lang", "es", "--missing", "--data-dir", str(data_copy))
    assert listed[1:] == [["sheets", "peru", "sheet_title", "Perú (edited)", "", ""]]
    kept = _template("--lang", "es", "--data-dir", str(data_copy))
    assert ["sheets", "colombia", "sheet_title", "Colombia", "Colombia",
            "rapnb unofficial translation (2026)"] in kept
