"""The sources every dataset is curated from: one provenance block each (producer, title,
date, licence), defined here once and used by the data package, the charts' source lines and
the notebooks' footers."""

from __future__ import annotations

PLAN = {
    "name": "iom-rap-2018",
    "short": "IOM Regional Action Plan (2018)",
    "title": (
        "IOM (2018) Regional Action Plan: Strengthening the regional response to the large-scale"
        " migration of Venezuelan nationals in South America, North America, Central America and"
        " the Caribbean"
    ),
    "producer": "International Organization for Migration (IOM), Regional Offices Buenos Aires"
    " and San José",
    "date": "2018-04",
    "path": "https://www.iom.int/",
    "licence": "© IOM 2018. Figures and short quotations are reused with attribution for analysis.",
}
TRENDS = {
    "name": "iom-migration-trends-2018",
    "title": "IOM (2018) Migration Trends in the Americas: Bolivarian Republic of Venezuela",
    "producer": "International Organization for Migration (IOM)",
    "date": "2018-04",
    "path": "https://robuenosaires.iom.int/",
    "licence": "© IOM 2018; secondary figures keep their own source per row (column `source`).",
}
NATURAL_EARTH = {
    "name": "natural-earth-50m",
    "title": "Natural Earth 1:50m Cultural Vectors, Admin 0 – Countries, v4.1.0 (via npm"
    " world-atlas 2.0.2, countries-50m.json, sha256 04342cdc1e3016bcd7db1630de95684d67b79fe3c8c4"
    "60321e87aef469502394)",
    "producer": "Natural Earth (naturalearthdata.com); TopoJSON by Mike Bostock (world-atlas)",
    "date": "2017",
    "path": "https://www.naturalearthdata.com/downloads/50m-cultural-vectors/",
    "licence": "Public domain (Natural Earth terms of use); world-atlas is ISC-licensed.",
}

ISO_3166 = {
    "name": "iso-3166-1",
    "title": "ISO 3166-1: Codes for the representation of names of countries, alpha-2 and alpha-3",
    "producer": "International Organization for Standardization (ISO)",
    "date": "2020",
    "path": "https://www.iso.org/iso-3166-country-codes.html",
    "licence": "Codes are public reference data; country names come from Unicode CLDR (via Babel).",
}
