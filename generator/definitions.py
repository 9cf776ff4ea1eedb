"""The indicator vocabulary: the levels a cell belongs to, the indicators, and what each one means.

Shared by every stage that names an indicator (tabulation, disclosure, the audit, publishing, pages);
the counting itself is ``indicators.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .codelists import nace_sections

#: The levels, the unit columns that identify a cell at each level.
LEVELS = {
    "programme": ("geo", "field", "programme_code"),
    "provider": ("geo", "provider_code"),
    "country_field": ("geo", "field"),
    "country": ("geo",),
    "field": ("field",),
    "all": (),
}
UNIT_COLUMNS = ("geo", "field", "programme_code", "provider_code")

#: Indicator id -> (numerator column, base column, kind, EQAVET reference, definition).
#: kind: rate (share of the base), mean, quantile. The columns are per-record flags built below.
RATES: dict[str, tuple[str, str, str]] = {
    "EMP": ("emp", "status_known", "EQAVET 5b"),
    "PLACE": ("placed", "dest_known", "EQAVET 5a"),
    "NEET": ("neet", "dest_known", ""),
    "DEST_WORK_STUDY": ("work_study", "dest_known", "EQAVET 5a"),
    "DEST_WORK_ONLY": ("work_only", "dest_known", "EQAVET 5a"),
    "DEST_STUDY_ONLY": ("study_only", "dest_known", "EQAVET 5a"),
    "DEST_UNEMPLOYED": ("unemployed", "dest_known", "EQAVET 5a"),
    "DEST_INACTIVE": ("inactive", "dest_known", "EQAVET 5a"),
    "RELEVANT": ("related_yes", "related_known", "EQAVET 6a"),
    "RELATED_PARTLY": ("related_partly", "related_known", "EQAVET 6a"),
    "RELATED_NO": ("related_no", "related_known", "EQAVET 6a"),
    "FT_SHARE": ("full_time", "regime_known", ""),
    "COVERAGE": ("observed", "cohort_size", ""),
}
for _letter in nace_sections():
    RATES[f"SECTOR_{_letter}"] = (f"nace_{_letter}", "nace_known", "")

DESTINATIONS = ("DEST_WORK_STUDY", "DEST_WORK_ONLY", "DEST_STUDY_ONLY", "DEST_UNEMPLOYED", "DEST_INACTIVE")
RELATED = ("RELEVANT", "RELATED_PARTLY", "RELATED_NO")
SECTORS = tuple(f"SECTOR_{letter}" for letter in nace_sections())
EARNINGS = ("EARN_Q1", "EARN_MED", "EARN_Q3")
#: Levels whose cells can hold one currency only (earnings are never averaged across currencies).
EARNING_LEVELS = ("programme", "provider", "country_field", "country")

CELL_COLUMNS = ["level", *UNIT_COLUMNS, "cohort", "months_after", "indicator", "kind",
                "numerator", "base", "value", "ci_low", "ci_high", "currency"]


@dataclass(frozen=True)
class Definition:
    id: str
    label: str
    numerator: str
    denominator: str
    unit: str
    eqavet: str


def _sector_definitions() -> list[Definition]:
    return [Definition(f"SECTOR_{c.code}", f"Working in {c.label}", f"employed in NACE section {c.code}",
                       "employed graduates whose sector is known", "percent", "") for c in nace_sections().values()]


#: What each published indicator means: the source of the methodology page and the data dictionary.
DEFINITIONS: dict[str, Definition] = {d.id: d for d in [
    Definition("EMP", "Employment rate", "graduates in employment (ILO)",
               "graduates observed with a known labour-market status", "percent", "EQAVET 5b"),
    Definition("PLACE", "In work or in education", "graduates employed or in formal education or training",
               "graduates observed with known status and known education", "percent", "EQAVET 5a"),
    Definition("NEET", "Neither in work nor in education", "graduates neither employed nor in education or training",
               "graduates observed with known status and known education", "percent", ""),
    Definition("DEST_WORK_STUDY", "Working and studying", "employed and in education",
               "graduates observed with known status and known education", "percent", "EQAVET 5a"),
    Definition("DEST_WORK_ONLY", "Working only", "employed, not in education",
               "graduates observed with known status and known education", "percent", "EQAVET 5a"),
    Definition("DEST_STUDY_ONLY", "Studying only", "in education, not employed",
               "graduates observed with known status and known education", "percent", "EQAVET 5a"),
    Definition("DEST_UNEMPLOYED", "Unemployed", "unemployed (ILO), not in education",
               "graduates observed with known status and known education", "percent", "EQAVET 5a"),
    Definition("DEST_INACTIVE", "Inactive", "inactive (ILO), not in education",
               "graduates observed with known status and known education", "percent", "EQAVET 5a"),
    Definition("RELEVANT", "Job related to the training", "employed in a job related to the training",
               "employed graduates who said whether the job is related", "percent", "EQAVET 6a"),
    Definition("RELATED_PARTLY", "Job partly related to the training", "employed in a partly related job",
               "employed graduates who said whether the job is related", "percent", "EQAVET 6a"),
    Definition("RELATED_NO", "Job not related to the training", "employed in an unrelated job",
               "employed graduates who said whether the job is related", "percent", "EQAVET 6a"),
    Definition("FT_SHARE", "Working full time", "employed full time",
               "employed graduates whose working time is known", "percent", ""),
    *_sector_definitions(),
    Definition("EARN_MED", "Median gross monthly earnings, full time", "median of gross monthly earnings",
               "graduates employed full time with earnings known", "currency per month", ""),
    Definition("EARN_Q1", "Lower quartile of gross monthly earnings, full time", "25th percentile of earnings",
               "graduates employed full time with earnings known", "currency per month", ""),
    Definition("EARN_Q3", "Upper quartile of gross monthly earnings, full time", "75th percentile of earnings",
               "graduates employed full time with earnings known", "currency per month", ""),
    Definition("MONTHS_EMP", "Months in work since graduation (mean)", "sum of months employed since graduation",
               "graduates observed with known status and months employed", "months", ""),
    Definition("COVERAGE", "Coverage (response or match rate)", "graduates observed (responded or matched)",
               "all graduates of the cohort", "percent", ""),
]}
