"""Code lists: geography, ISCED-F 2013 fields, NACE Rev. 2 sections.

ISCED-F and NACE labels are the official English titles (UNESCO-UIS, Eurostat),
kept as CSV beside this module. Country names come from pycountry.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pycountry

HERE = Path(__file__).parent

#: EU-27 as Eurostat codes them (EL for Greece), plus the EFTA states that take part in EU VET cooperation.
EU27 = (
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
)
EFTA = ("IS", "LI", "NO", "CH")

#: Communities that run their own VET tracking; their parent country and the community's name.
#: BE-VLG is an ISO 3166-2 code; BE-FR and BE-DE are not, and follow Eurostat-style usage.
REGIONS = {
    "BE-VLG": ("BE", "Flemish Community"),
    "BE-FR": ("BE", "French Community"),
    "BE-DE": ("BE", "German-speaking Community"),
}

EU_CODE = "EU27"

#: Eurostat's codes that differ from ISO 3166-1 alpha-2.
_EUROSTAT_TO_ISO = {"EL": "GR", "UK": "GB"}


def iso_alpha2(geo: str) -> str:
    """The ISO 3166-1 alpha-2 code of a country or of a region's country."""
    country = REGIONS[geo][0] if geo in REGIONS else geo
    return _EUROSTAT_TO_ISO.get(country, country)


@cache
def geo_name(geo: str) -> str:
    """English name of a geo code, from pycountry (regions add their community's name)."""
    if geo == EU_CODE:
        return "European Union (27)"
    if geo in REGIONS:
        return f"{geo_name(REGIONS[geo][0])} ({REGIONS[geo][1]})"
    country = pycountry.countries.get(alpha_2=iso_alpha2(geo))
    return getattr(country, "common_name", None) or country.name


def geo_codes() -> tuple[str, ...]:
    """Every geo code a record may carry."""
    return tuple(sorted(EU27 + EFTA + tuple(REGIONS)))


@dataclass(frozen=True)
class Code:
    code: str
    label: str
    level: str = ""


def _read(name: str) -> list[Code]:
    with (HERE / name).open(encoding="utf-8", newline="") as f:
        return [Code(r["code"], r["label"], r.get("level", "")) for r in csv.DictReader(f)]


@cache
def isced_fields() -> dict[str, Code]:
    """ISCED-F 2013 broad (2-digit) and narrow (3-digit) fields by code."""
    return {c.code: c for c in _read("isced_f.csv")}


@cache
def nace_sections() -> dict[str, Code]:
    """NACE Rev. 2 sections A–U by letter."""
    return {c.code: c for c in _read("nace.csv")}


def broad_field(isced_f: str) -> str:
    """The broad field (first two digits) of an ISCED-F code."""
    return isced_f[:2]


@cache
def currency_codes() -> frozenset[str]:
    """ISO 4217 currency codes known to pycountry."""
    return frozenset(c.alpha_3 for c in pycountry.currencies)
