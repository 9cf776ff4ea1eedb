"""``ontrack import``: the round trip from the questionnaire to an input package that ontrack check accepts.

Synthetic graduates with a known truth answer the form as ODK would let them
(its routing and calculations read from the XForm that pyxform makes of the
written XLSForm), their submissions are exported as KoBoToolbox CSV, imported,
checked, and tabulated by ontrack: the figures equal the truth.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyxform.xls2xform import convert

from conftest import PROGRAMMES, PROVIDERS, graduate, write_package
from generator.build import tabulate
from generator.cli import main
from generator.inputs.package import load_input_package
from generator.survey.roster import pseudonym
from test_questionnaire import XForm, _evaluate

KEY = b"a secret kept by the provider, not in the package"
WAVES = (6, 12, 18)
COHORT = 2024
#: What the tool adds around the answers (KoBoToolbox's names); the import must leave them out.
TOOL_COLUMNS = ["start", "end", "meta/instanceID", "_id", "_uuid", "_submission_time", "__version__"]


@pytest.fixture(scope="module")
def setting(tmp_path_factory):
    """A project, its code lists, its key and its form (as an XForm, through pyxform)."""
    tmp = tmp_path_factory.mktemp("import")
    project = tmp / "project"
    (project / "content").mkdir(parents=True)
    (project / "content" / "site.toml").write_text('[site]\nlanguages = ["en"]\n[data]\npackage = "codes"\n',
                                                    encoding="utf-8")
    write_package(project / "codes", [graduate(1)])
    forms = tmp / "forms"
    assert CliRunner().invoke(main, ["questionnaire", str(project), "--out", str(forms)]).exit_code == 0
    key = tmp / "tracking.key"
    key.write_bytes(KEY)
    return project, key, XForm(convert(str(forms / "ontrack_core.xlsx")).xform)


def truth(seed: int = 17, size: int = 60) -> tuple[list[dict], dict]:
    """The cohort: roster rows, and each graduate's true situation at each wave (None: did not respond)."""
    rng = random.Random(seed)
    roster, outcomes = [], {}
    for i in range(size):
        gid = f"S{2024000 + i}"
        programme = PROGRAMMES[i % 2]["programme_code"]
        roster.append({"graduate_id": gid, "programme_code": programme, "provider_code": PROVIDERS[0]["provider_code"],
                       "cohort_year": str(COHORT), "sex": rng.choice("FMFMU"), "untraced": ""})
        worked = 0
        for months in WAVES:
            status = rng.choices(["EMP", "UNE", "INA"], [6, 2, 1])[0]
            worked = min(months, worked + (rng.randint(1, 6) if status == "EMP" else 0))
            answered = rng.random() < 0.8
            outcomes[(gid, months)] = {"status": status, "in_education": rng.random() < 0.3,
                                       "months_employed": worked} if answered else None
        if i % 15 == 0:
            roster[-1]["untraced"] = "18"
            outcomes[(gid, 18)] = None
    return roster, outcomes


def submission(form: XForm, gid: str, months: int, true: dict, rng: random.Random) -> dict[str, str]:
    """What the graduate enters: part A chosen to match the truth, the rest as the form's routing allows."""
    path = {"EMP": {"work_last_week": rng.choice(["yes", "no"])},
            "UNE": {"work_last_week": "no", "job_away": "no", "looked_for_work": rng.choice(["looked", "found"]),
                    "can_start": "yes"},
            "INA": {"work_last_week": "no", "job_away": "no", "looked_for_work": "no"}}[true["status"]]
    if true["status"] == "EMP" and path["work_last_week"] == "no":
        path["job_away"] = "yes"
    answers = {"graduate_id": gid, "months_after": str(months), **path}
    for name in ("form_id", "form_version", "lm_status"):
        answers[name] = str(_evaluate(form.binds[name]["calculate"], answers))
    answers["in_education"] = "true" if true["in_education"] else "false"
    jobs = {"employment_type": "EMPLOYEE", "work_regime": rng.choice(["FT", "PT"]), "nace_section": "F",
            "job_related": rng.choice(["YES", "PARTLY", "NO", ""]), "earnings_month": str(rng.randint(1200, 2600))}
    for name, value in jobs.items():
        if _evaluate(form.binds[name]["relevant"], answers):
            answers[name] = value
    answers["months_employed"] = str(true["months_employed"])
    assert _evaluate(form.binds["months_employed"]["constraint"], answers, dot=true["months_employed"])
    answers["currency"] = str(_evaluate(form.binds["currency"]["calculate"], answers))
    return answers


def write_exports(folder: Path, form: XForm, roster, outcomes, seed: int = 5) -> list[Path]:
    """One KoBoToolbox-style CSV a wave: XML names with group paths, the tool's own columns, every form field."""
    rng = random.Random(seed)
    header = [f"part_a/{name}" if name in ("work_last_week", "job_away") else name
              for name in form.binds if name not in ("meta", "instanceID")] + TOOL_COLUMNS
    paths = []
    for months in WAVES:
        path = folder / f"wave{months}.csv"
        with path.open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(header)
            for n, row in enumerate(roster):
                true = outcomes[(row["graduate_id"], months)]
                if true is None:
                    continue
                answers = submission(form, row["graduate_id"], months, true, rng)
                tool = {"_id": str(n), "__version__": "vAbc123", "meta/instanceID": f"uuid:{n}-{months}"}
                writer.writerow([answers.get(h.rsplit("/", 1)[-1], "") if h not in TOOL_COLUMNS else tool.get(h, "")
                                 for h in header])
        paths.append(path)
    return paths


def write_roster(path: Path, roster: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(roster[0]))
        writer.writeheader()
        writer.writerows(roster)
    return path


def run_import(project: Path, key: Path, roster: Path, exports: list[Path], out: Path):
    args = ["import", str(project), "--roster", str(roster), "--key", str(key), "--out", str(out)]
    for path in exports:
        args += ["--export", str(path)]
    return CliRunner().invoke(main, args)


@pytest.fixture(scope="module")
def imported(setting, tmp_path_factory):
    project, key, form = setting
    tmp = tmp_path_factory.mktemp("round-trip")
    roster, outcomes = truth()
    exports = write_exports(tmp, form, roster, outcomes)
    out = tmp / "package"
    result = run_import(project, key, write_roster(tmp / "roster.csv", roster), exports, out)
    assert result.exit_code == 0, result.output
    return project, out, roster, outcomes


def test_the_imported_package_passes_ontrack_check(imported):
    project, out, _, _ = imported
    result = CliRunner().invoke(main, ["check", str(project), "--data", str(out)])
    assert result.exit_code == 0, result.output
    assert "No problems found." in result.output


def test_every_graduate_has_a_row_per_wave_with_a_keyed_pseudonym(imported):
    _, out, roster, outcomes = imported
    with (out / "graduates.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(roster) * len(WAVES)
    ids = {r["graduate_id"] for r in roster}
    text = (out / "graduates.csv").read_text(encoding="utf-8")
    assert not any(gid in text for gid in ids)  # no local identifier reaches the package
    by_key = {(r["record_id"], int(r["months_after"])): r for r in rows}
    for row in roster:
        for months in WAVES:
            got = by_key[(pseudonym(KEY, row["graduate_id"]), months)]
            true = outcomes[(row["graduate_id"], months)]
            if true is None:
                expected = "UNTRACED" if str(months) in row["untraced"].split(";") else "NONRESPONSE"
                assert (got["contact"], got["lm_status"]) == (expected, "UNK")
            else:
                assert (got["contact"], got["lm_status"]) == ("RESPONDED", true["status"])
                assert got["months_employed"] == str(true["months_employed"])
                assert (got["employment_type"] != "") == (true["status"] == "EMP")
            assert got["sex"] == row["sex"]


def test_the_figures_ontrack_computes_equal_the_truth(imported):
    project, out, roster, outcomes = imported
    cells = tabulate(load_input_package(out, project), pooled_cohorts=1).cells
    total = cells[(cells.level == "all") & (cells.cohort == str(COHORT))].set_index(["months_after", "indicator"])
    for months in WAVES:
        answered = [o for (gid, m), o in outcomes.items() if m == months and o is not None]
        employed = sum(o["status"] == "EMP" for o in answered)
        emp = total.loc[(months, "EMP")]
        assert (emp.numerator, emp.base) == (employed, len(answered)), months
        coverage = total.loc[(months, "COVERAGE")]
        assert (coverage.numerator, coverage.base) == (len(answered), len(roster))
        neet = sum(o["status"] != "EMP" and not o["in_education"] for o in answered)
        assert total.loc[(months, "NEET")].numerator == neet


def _bad(setting, tmp_path, change, *, roster_change=None):
    """Import the round trip's exports after ``change(wave6 rows)``; returns the CLI result and the out folder."""
    project, key, form = setting
    roster, outcomes = truth()
    exports = write_exports(tmp_path, form, roster, outcomes)
    with exports[0].open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    change(rows)
    with exports[0].open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    if roster_change:
        roster_change(roster)
    out = tmp_path / "package"
    return run_import(project, key, write_roster(tmp_path / "roster.csv", roster), exports, out), out


def _set(rows, line: int, column: str, value: str):
    rows[line - 1][rows[0].index(column)] = value


@pytest.mark.parametrize("change, expected", [
    (lambda rows: _set(rows, 3, "form_version", "0"),
     "wave6.csv:3:form_version: '0' is not this questionnaire's form version '1'"),
    (lambda rows: _set(rows, 4, "in_education", "maybe"),
     "wave6.csv:4:in_education: 'maybe' is not one of the form's answers (true, false)"),
    (lambda rows: _set(rows, 2, "graduate_id", "S9999999"),
     "wave6.csv:2:graduate_id: 'S9999999' is not on the roster"),
    (lambda rows: rows.append(list(rows[1])),
     "graduate_id: a second submission of"),
    (lambda rows: _set(rows, 5, "months_after", "24"),
     "wave6.csv:5:months_after: '24' is not one of the form's answers (6, 12, 18): a wave outside the protocol"),
    (lambda rows: [row.append("comment" if i == 0 else "I liked it") for i, row in enumerate(rows)],
     "wave6.csv:1:comment: not a question of the form ontrack_core: refused"),
    (lambda rows: _set(rows, 2, "months_employed", "7"),
     "wave6.csv:2:months_employed: 7 is outside 0 to 6"),
])
def test_a_bad_export_is_refused_with_its_file_line_and_column_and_nothing_is_written(
        setting, tmp_path, change, expected):
    result, out = _bad(setting, tmp_path, change)
    assert result.exit_code == 1
    assert expected in result.output
    assert "nothing was written" in result.output
    assert not out.exists() and not list(tmp_path.glob(".package.*"))


def test_a_roster_with_a_name_column_is_refused(setting, tmp_path):
    def add_name(roster):
        for row in roster:
            row["name"] = "Someone"
    result, out = _bad(setting, tmp_path, lambda rows: None, roster_change=add_name)
    assert result.exit_code == 1
    assert "roster.csv:1:name: not a roster column" in result.output
    assert not out.exists()


def test_a_short_key_is_refused(setting, tmp_path):
    project, _, _ = setting
    short = tmp_path / "short.key"
    short.write_bytes(b"12345")
    roster, _ = truth(size=3)
    result = run_import(project, short, write_roster(tmp_path / "roster.csv", roster), [short], tmp_path / "out")
    assert result.exit_code == 1
    assert "it needs at least 16" in result.output
