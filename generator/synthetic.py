"""A synthetic input data package that looks like real tracking data (``ontrack demo-data``).

Nothing here describes a real person, programme or provider. Outcomes are
drawn from a logistic model: a country level, a field effect, a programme
effect, a cohort effect and an observation-point effect. Country levels at 12
months are calibrated loosely to the real Eurostat/Cedefop employment rates of
recent IVET graduates in ``datasets/reference/eurostat_vet_employment.csv`` where
one exists (DE, EL, ES, HR, MT, NO); the others are plausible, not measured.
Every draw is vectorised with NumPy, so ten million rows take a minute, not an hour.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .schemas import INPUT_RESOURCES, table_schema


@dataclass(frozen=True)
class CountryModel:
    geo: str
    sources: str        # ADMIN, SURVEY or BOTH, after the country's tracking system
    emp_12: float       # employment rate at 12 months the model aims at
    currency: str
    earnings: float     # median gross monthly full-time earnings of a recent graduate
    calibrated: bool    # True when emp_12 follows a published figure


# Ordered so that the first 14 (the default demo) mix admin and survey systems,
# large and small countries, and every country with a published figure.
COUNTRIES = (
    CountryModel("DE", "BOTH", 0.91, "EUR", 2600, True),
    CountryModel("EL", "SURVEY", 0.44, "EUR", 900, True),
    CountryModel("ES", "ADMIN", 0.50, "EUR", 1400, True),
    CountryModel("MT", "BOTH", 0.87, "EUR", 1500, True),
    CountryModel("NO", "ADMIN", 0.87, "NOK", 36000, True),
    CountryModel("HR", "SURVEY", 0.74, "EUR", 1000, True),
    CountryModel("AT", "ADMIN", 0.88, "EUR", 2400, False),
    CountryModel("BE-VLG", "ADMIN", 0.84, "EUR", 2500, False),
    CountryModel("FI", "ADMIN", 0.78, "EUR", 2500, False),
    CountryModel("FR", "ADMIN", 0.72, "EUR", 1900, False),
    CountryModel("IT", "SURVEY", 0.62, "EUR", 1500, False),
    CountryModel("NL", "BOTH", 0.90, "EUR", 2500, False),
    CountryModel("PL", "ADMIN", 0.82, "PLN", 5500, False),
    CountryModel("SK", "BOTH", 0.80, "EUR", 1100, False),
    CountryModel("EE", "ADMIN", 0.82, "EUR", 1400, False),
    CountryModel("IE", "ADMIN", 0.80, "EUR", 2600, False),
    CountryModel("SE", "BOTH", 0.85, "SEK", 27000, False),
    CountryModel("DK", "ADMIN", 0.86, "DKK", 26000, False),
    CountryModel("LU", "ADMIN", 0.80, "EUR", 3000, False),
    CountryModel("LV", "ADMIN", 0.75, "EUR", 1100, False),
    CountryModel("PT", "SURVEY", 0.80, "EUR", 1000, False),
    CountryModel("SI", "SURVEY", 0.83, "EUR", 1400, False),
    CountryModel("CY", "BOTH", 0.75, "EUR", 1300, False),
    CountryModel("CZ", "BOTH", 0.86, "CZK", 32000, False),
    CountryModel("HU", "BOTH", 0.83, "HUF", 380000, False),
    CountryModel("LT", "ADMIN", 0.78, "EUR", 1100, False),
    CountryModel("RO", "BOTH", 0.70, "RON", 4500, False),
    CountryModel("BG", "BOTH", 0.70, "EUR", 700, False),
    CountryModel("IS", "ADMIN", 0.88, "ISK", 520000, False),
    CountryModel("BE-FR", "ADMIN", 0.70, "EUR", 2300, False),
)

# Narrow ISCED-F field -> (employment logit effect, share in education, share job-related,
#   earnings factor, share female, sectors with weights, programme names)
FIELDS = {
    "041": (0.0, 0.22, 0.55, 0.95, 0.65, {"G": 4, "N": 3, "K": 2, "M": 2, "O": 1},
            ["Office administration", "Accounting assistant", "Retail management", "Logistics clerk"]),
    "061": (0.4, 0.25, 0.70, 1.15, 0.15, {"J": 6, "M": 2, "G": 1, "N": 1},
            ["IT support technician", "Software development assistant", "Network technician"]),
    "071": (0.5, 0.15, 0.75, 1.15, 0.08, {"C": 5, "F": 3, "D": 1, "G": 1, "H": 1},
            ["Electrician", "Mechatronics technician", "Car mechanic", "Welder", "Electronics technician"]),
    "072": (0.2, 0.10, 0.65, 1.00, 0.35, {"C": 8, "G": 2, "I": 1},
            ["Baker and confectioner", "Food processing operator", "Textile production"]),
    "073": (0.45, 0.10, 0.75, 1.10, 0.06, {"F": 8, "C": 1, "L": 1},
            ["Bricklayer", "Carpenter", "Plumber and heating installer", "Painter and decorator"]),
    "081": (-0.1, 0.12, 0.55, 0.85, 0.30, {"A": 6, "C": 2, "G": 1, "N": 1},
            ["Farm worker", "Horticulture", "Agricultural machinery operator"]),
    "091": (0.6, 0.20, 0.85, 1.05, 0.85, {"Q": 9, "O": 1},
            ["Nursing assistant", "Pharmacy technician", "Dental assistant"]),
    "092": (0.35, 0.18, 0.75, 0.90, 0.85, {"Q": 7, "P": 2, "O": 1},
            ["Social care worker", "Childcare assistant", "Elderly care"]),
    "101": (-0.2, 0.12, 0.55, 0.80, 0.60, {"I": 6, "S": 3, "G": 1},
            ["Cook", "Hairdresser", "Hotel receptionist", "Waiter and bartender", "Tourism services"]),
    "104": (0.3, 0.08, 0.65, 1.05, 0.12, {"H": 8, "G": 1, "C": 1},
            ["Professional driver", "Warehouse and transport operator", "Railway operations"]),
}

COHORTS = (2021, 2022, 2023)
MONTHS = (6, 12, 18)
_COHORT_EFFECT = {2021: -0.25, 2022: 0.0, 2023: 0.1}
_MONTHS_EFFECT = {6: -0.55, 12: 0.0, 18: 0.3}
_PROVIDER_WORDS = ("Riverside", "Northgate", "Lakeside", "Hillview", "Eastfield", "Westbrook", "Harbour",
                   "Meadow", "Central", "Valley", "Oakwood", "Southport", "Stonebridge", "Greenfield")
_PROVIDER_KINDS = (("SCHOOL", "Vocational School"), ("COLLEGE", "Technical College"),
                   ("TRAINING_CENTRE", "Training Centre"))


def _logit(p):
    return np.log(p / (1 - p))


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def make_code_lists(rng: np.random.Generator, countries: tuple[CountryModel, ...], n_programmes: int):
    """Programmes and providers, spread over the countries and fields."""
    fields = sorted(FIELDS)
    rows, providers = [], []
    per_country = np.full(len(countries), n_programmes // len(countries))
    per_country[: n_programmes % len(countries)] += 1
    for c, count in zip(countries, per_country):
        n_prov = max(2, int(round(count / 3)))
        for k in range(n_prov):
            kind, label = _PROVIDER_KINDS[k % len(_PROVIDER_KINDS)]
            word = _PROVIDER_WORDS[(k * 5 + len(c.geo)) % len(_PROVIDER_WORDS)]
            suffix = f" {k // len(_PROVIDER_WORDS) + 1}" if k >= len(_PROVIDER_WORDS) else ""
            providers.append({"provider_code": f"{c.geo}-P{k + 1:03d}", "geo": c.geo,
                              "name": f"{word} {label}{suffix}", "kind": kind})
        for k in range(count):
            isced = fields[(k + len(providers)) % len(fields)] if k < len(fields) else fields[rng.integers(len(fields))]
            names = FIELDS[isced][6]
            eqf = int(rng.choice([3, 4, 4, 4, 5]))
            base = names[int(rng.integers(len(names)))]
            work_based = bool(rng.random() < (0.6 if c.geo in ("DE", "AT", "DK", "NO", "CH") else 0.25))
            rows.append({
                "programme_code": f"{c.geo}-{isced}-{eqf}-{k + 1:03d}",
                "geo": c.geo,
                "name": f"{base} (EQF {eqf}{', apprenticeship' if work_based else ''})",
                "isced_f": isced,
                "eqf_level": eqf,
                "isced_level": {3: "353", 4: "354", 5: "454"}[eqf],
                "work_based": work_based,
                "duration_months": {3: 24, 4: 36, 5: 24}[eqf] + (12 if work_based and eqf == 4 else 0),
                "description": f"Synthetic {base.lower()} programme at EQF level {eqf}; not a real programme.",
                "provider_code": f"{c.geo}-P{int(rng.integers(n_prov)) + 1:03d}",
            })
    return pd.DataFrame(rows), pd.DataFrame(providers)


def make_graduates(rng: np.random.Generator, programmes: pd.DataFrame, countries: dict, records: int) -> pd.DataFrame:
    """Record-level observations: every graduate at every observation point."""
    n_prog = len(programmes)
    graduates_wanted = records / len(MONTHS)
    # Programme sizes: mostly moderate, a long tail of big ones, one in eight tiny (to be suppressed).
    size = rng.lognormal(0.0, 0.6, n_prog)
    tiny = rng.random(n_prog) < 0.125
    weights = np.where(tiny, 0.0, size)
    tiny_size = rng.integers(3, 9, n_prog)  # per cohort
    rest = graduates_wanted - tiny.sum() * tiny_size.mean() * len(COHORTS)
    per_cohort = np.where(tiny, tiny_size, np.maximum(10, weights / weights.sum() * rest / len(COHORTS)))
    cohort_sizes = np.maximum(1, np.round(per_cohort[:, None] * rng.uniform(0.85, 1.15, (n_prog, len(COHORTS)))))
    cohort_sizes = cohort_sizes.astype(int)
    prog_idx = np.repeat(np.repeat(np.arange(n_prog), len(COHORTS)), cohort_sizes.ravel())
    cohort = np.repeat(np.tile(np.array(COHORTS), n_prog), cohort_sizes.ravel())
    n_grad = len(prog_idx)
    ids = rng.integers(0, 2**63, n_grad, dtype=np.int64)
    # Pseudonyms: 16 hex digits, the shape a salted hash truncated for storage would have.
    record_id = np.char.mod("%016x", ids)

    prog = programmes.iloc[prog_idx].reset_index(drop=True)
    field = prog["isced_f"].to_numpy()
    geo = prog["geo"].to_numpy()
    fx = {k: np.array([FIELDS[f][i] for f in field]) for k, i in (("emp", 0), ("edu", 1), ("rel", 2), ("earn", 3), ("fem", 4))}
    country = [countries[g] for g in geo]
    base_logit = _logit(np.array([c.emp_12 for c in country]))
    prog_effect = rng.normal(0, 0.45, n_prog)[prog_idx]
    eqf = prog["eqf_level"].to_numpy()
    sex = np.where(rng.random(n_grad) < fx["fem"], "F", "M")
    sex = np.where(rng.random(n_grad) < 0.01, "U", sex)
    mode = np.array([c.sources for c in country])
    prog_admin = rng.random(n_prog)[prog_idx] < 0.5
    source = np.where((mode == "ADMIN") | ((mode == "BOTH") & prog_admin), "ADMIN", "SURVEY")
    response = np.clip(rng.normal(0.55, 0.12, n_prog), 0.25, 0.85)[prog_idx]
    currency = np.array([c.currency for c in country])
    earnings_level = np.array([c.earnings for c in country]) * fx["earn"] * np.exp(rng.normal(0, 0.08, n_prog))[prog_idx]

    frames = []
    for months in MONTHS:
        u = rng.random((8, n_grad))
        observed_admin = u[0] < 0.95
        responded = u[0] < response * (1.0 - 0.05 * (months / 6 - 1))
        untraced = (~responded) & (u[1] < 0.15)
        contact = np.where(source == "ADMIN", np.where(observed_admin, "MATCHED", "UNMATCHED"),
                           np.where(responded, "RESPONDED", np.where(untraced, "UNTRACED", "NONRESPONSE")))
        observed = (contact == "MATCHED") | (contact == "RESPONDED")
        logit = (base_logit + fx["emp"] * 0.6 + prog_effect + np.vectorize(_COHORT_EFFECT.get)(cohort)
                 + _MONTHS_EFFECT[months] + (eqf - 4) * 0.15)
        # Survey respondents tend to be the better placed: a touch of non-response bias.
        logit = logit + np.where(source == "SURVEY", 0.15, 0.0)
        in_edu_p = np.clip(fx["edu"] + (eqf - 4) * 0.04 - (months - 6) * 0.004, 0.02, 0.6)
        in_edu = u[2] < in_edu_p
        employed = u[3] < _sigmoid(logit - np.where(in_edu, 0.8, 0.0))
        status = np.where(employed, "EMP", np.where(u[4] < 0.6 - 0.3 * in_edu, "UNE", "INA"))
        unknown = observed & (source == "SURVEY") & (u[5] < 0.02)
        status = np.where(~observed | unknown, "UNK", status)
        emp = status == "EMP"
        known = status != "UNK"
        kind_draw = u[6]
        etype = np.where(kind_draw < 0.06, "SELF", np.where(kind_draw < 0.06 + 0.08 * prog["work_based"].to_numpy(),
                                                          "APPRENTICE", "EMPLOYEE"))
        regime = np.where(u[7] < 0.82, "FT", "PT")
        nace = _draw_sectors(rng, field)
        rel_draw = rng.random(n_grad)
        job_related = np.where(rel_draw < fx["rel"], "YES", np.where(rel_draw < fx["rel"] + 0.2, "PARTLY", "NO"))
        rel_known = (source == "SURVEY") & (rng.random(n_grad) > 0.04)
        earn = earnings_level * np.exp(rng.normal(0, 0.25, n_grad)) * (1 + 0.01 * (months - 6))
        earn = np.where(regime == "PT", earn * 0.55, earn)
        earn_known = emp & ((source == "ADMIN") | (rng.random(n_grad) < 0.7))
        months_emp = np.where(emp, rng.integers(months // 2, months + 1, n_grad), rng.integers(0, months // 3 + 1, n_grad))
        frames.append(pd.DataFrame({
            "record_id": record_id,
            "geo": geo,
            "programme_code": prog["programme_code"].to_numpy(),
            "provider_code": prog["provider_code"].to_numpy(),
            "cohort_year": cohort,
            "months_after": months,
            "source": source,
            "contact": contact,
            "sex": sex,
            "lm_status": status,
            "in_education": np.where(known, np.where(in_edu, "true", "false"), ""),
            "employment_type": np.where(emp, etype, ""),
            "work_regime": np.where(emp, regime, ""),
            "nace_section": np.where(emp, nace, ""),
            "job_related": np.where(emp & rel_known, job_related, ""),
            "months_employed": np.where(known, months_emp.astype(str), ""),
            "earnings_month": np.where(earn_known, np.char.mod("%.0f", np.round(earn, -1)), ""),
            "currency": np.where(earn_known, currency, ""),
        }))
    table = pd.concat(frames, ignore_index=True)
    return table.sort_values(["programme_code", "cohort_year", "months_after", "record_id"], kind="stable")


def _draw_sectors(rng, field: np.ndarray) -> np.ndarray:
    out = np.empty(len(field), dtype=object)
    for f, (*_, sectors, _names) in FIELDS.items():
        where = field == f
        letters = list(sectors)
        p = np.array(list(sectors.values()), dtype=float)
        out[where] = rng.choice(letters, size=where.sum(), p=p / p.sum())
    return out


def write_demo_package(out: Path, records: int = 80_000, seed: int = 2024, programmes: int | None = None,
                       countries: int | None = None, fmt: str = "csv") -> dict:
    """Write a synthetic input data package to ``out``; returns its descriptor."""
    n_countries = countries or (14 if records <= 200_000 else len(COUNTRIES))
    chosen = COUNTRIES[:max(1, min(n_countries, len(COUNTRIES)))]
    n_programmes = programmes or max(96, min(2000, records // 500))
    rng = np.random.default_rng(seed)
    progs, providers = make_code_lists(rng, chosen, n_programmes)
    grads = make_graduates(rng, progs, {c.geo: c for c in chosen}, records)
    out.mkdir(parents=True, exist_ok=True)
    tables = {"programmes": progs[[f["name"] for f in table_schema("programmes")["fields"]]],
              "providers": providers, "graduates": grads}
    resources = []
    for name in INPUT_RESOURCES:
        path = f"{name}.{fmt}"
        frame = tables[name].astype(str).replace({"True": "true", "False": "false"})
        if fmt == "parquet":
            frame.to_parquet(out / path, index=False)
        else:
            frame.to_csv(out / path, index=False, lineterminator="\n")
        resources.append({
            "name": name,
            "path": path,
            "format": fmt,
            **({"mediatype": "text/csv", "encoding": "utf-8"} if fmt == "csv" else {}),
            "schema": table_schema(name),
        })
    calibrated = ", ".join(c.geo for c in chosen if c.calibrated)
    descriptor = {
        "name": "demo",
        "title": "Synthetic VET graduate tracking cohort (demo)",
        "description": (
            "SYNTHETIC DATA made by `ontrack demo-data` (seed "
            f"{seed}, {len(grads)} rows). No row describes a real person, programme or provider. "
            "Employment levels at 12 months are loosely calibrated to published Eurostat/Cedefop rates for "
            f"recent IVET graduates where one exists ({calibrated or 'none in this selection'}); "
            "every other figure is invented."
        ),
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
                      "title": "Creative Commons Attribution 4.0"}],
        "resources": resources,
    }
    (out / "datapackage.json").write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return descriptor
