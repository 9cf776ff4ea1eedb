"""``ontrack import``: the round trip from the questionnaire to a built site whose figures are the truth's.

A project made by ``ontrack new``; its questionnaire written by ``ontrack
questionnaire``. Synthetic graduates with a known truth answer the form as ODK
would let them (its routing and calculations read from the XForm that pyxform
makes of the written XLSForm). Their submissions are exported in each shape
ontrack reads (KoBoToolbox CSV, LimeSurvey CSV with the codebook's codes, a
plain CSV with a column map), imported, checked and built: the three imports
are the same package, and the published figures equal the truth's.
"""

from __future__ import annotations

import csv
import random
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from pyxform.xls2xform import convert

from generator.cli import main
from generator.survey.roster import pseudonym
from test_questionnaire import XForm, _evaluate

KEY = b"a secret kept by the provider, not in the package"
WAVES = (6, 12, 18)
COHORT = 2024
PROGRAMMES = ("MT-071-4-001", "MT-101-3-002")    # two of the programmes of ontrack new's example
PROVIDER = "MT-P001"
#: What KoBoToolbox adds around the answers; the import must leave them out.
KOBO_TOOL_COLUMNS = ["start", "end", "meta/instanceID", "_id", "_uuid", "_submission_time", "__version__"]
#: What every LimeSurvey response export starts with, and a timing column ("Save timings" on).
LIMESURVEY_TOOL_COLUMNS = ["id", "submitdate", "lastpage", "startlanguage", "seed", "token"]
#: The plain CSV's own column names, and its own words for question 1.
PLAIN_COLUMNS = {"graduate_id": "Student", "months_after": "Wave", "work_last_week": "Q1", "job_away": "Q2",
                 "looked_for_work": "Q3", "can_start": "Q4", "in_education": "Q5", "employment_type": "Q6",
                 "work_regime": "Q7", "nace_section": "Q8", "work_country": "Q8a", "job_related": "Q9",
                 "skills_use": "Q9a", "months_employed": "Q10", "earnings_month": "Q11", "sex": "Q12"}
PLAIN_Q1 = {"1": "ja", "2": "nee", "9": "weet niet"}
COLUMN_MAP = """# the interviewers' spreadsheet
ignore = ["Interviewer", "Date"]

[columns]
{columns}

[answers.work_last_week]
"ja" = "1"
"nee" = "2"
"weet niet" = "9"
""".format(columns="\n".join(f'{name} = "{column}"' for name, column in PLAIN_COLUMNS.items()))


@pytest.fixture(scope="module")
def setting(tmp_path_factory):
    """A project from ontrack new, its key, its form (an XForm, through pyxform) and the form's codebook."""
    tmp = tmp_path_factory.mktemp("import")
    project = tmp / "college"
    assert CliRunner().invoke(main, ["new", str(project)]).exit_code == 0
    forms = tmp / "forms"
    assert CliRunner().invoke(main, ["questionnaire", str(project), "--out", str(forms)]).exit_code == 0
    key = tmp / "tracking.key"
    key.write_bytes(KEY)
    with (forms / "ontrack_core.codebook.csv").open(encoding="utf-8") as f:
        codebook = list(csv.DictReader(f))
    return project, key, XForm(convert(str(forms / "ontrack_core.xlsx")).xform), codebook


def truth(seed: int = 17, size: int = 150) -> tuple[list[dict], dict]:
    """The cohort: roster rows, and each graduate's true situation at each wave (None: did not respond).

    A few respondents answer "don't know" to question 1 and "no" to question 2: their status is undecided
    (UNK), and they count as not observed.
    """
    rng = random.Random(seed)
    roster, outcomes = [], {}
    for i in range(size):
        gid = f"S{2024000 + i}"
        roster.append({"graduate_id": gid, "programme_code": PROGRAMMES[i % 2], "provider_code": PROVIDER,
                       "cohort_year": str(COHORT), "sex": rng.choice("FMFMU"), "untraced": ""})
        worked = 0
        for months in WAVES:
            status = rng.choices(["EMP", "UNE", "INA", "UNK"], [12, 4, 2, 1])[0]
            worked = min(months, worked + (rng.randint(1, 6) if status == "EMP" else 0))
            answered = rng.random() < 0.8
            outcomes[(gid, months)] = {"status": status, "in_education": rng.random() < 0.3,
                                       "months_employed": worked} if answered else None
        if i % 15 == 0:
            roster[-1]["untraced"] = "18"
            outcomes[(gid, 18)] = None
    return roster, outcomes


def observed(outcome: dict | None) -> bool:
    return outcome is not None and outcome["status"] != "UNK"


def submission(form: XForm, gid: str, months: int, true: dict, rng: random.Random) -> dict[str, str]:
    """What the graduate enters, in the form's codes: part A chosen to match the truth, the rest as routed."""
    path = {"EMP": {"work_last_week": rng.choice(["1", "2", "9"])},
            "UNE": {"work_last_week": "2", "job_away": "2", "looked_for_work": rng.choice(["1", "2"]),
                    "can_start": "1"},
            "INA": {"work_last_week": "2", "job_away": "2", "looked_for_work": "3"},
            "UNK": {"work_last_week": "9", "job_away": "2", "looked_for_work": "3"}}[true["status"]]
    if true["status"] == "EMP" and path["work_last_week"] != "1":
        path["job_away"] = "1"
    answers = {"graduate_id": gid, "months_after": str(months), **path}
    for name in ("form_id", "form_version", "lm_status"):
        answers[name] = str(_evaluate(form.binds[name]["calculate"], answers))
    assert answers["lm_status"] == true["status"]
    answers["in_education"] = "true" if true["in_education"] else "false"
    jobs = {"employment_type": rng.choice(["EMPLOYEE", "SELF", "APPRENTICE"]), "work_regime": rng.choice(["FT", "PT"]),
            "nace_section": rng.choice(["F", "I", "9"]), "work_country": rng.choice(["1", "1", "2"]),
            "job_related": rng.choice(["YES", "PARTLY", "NO", "9"]), "skills_use": rng.choice(["1", "3", "9"]),
            "earnings_month": str(rng.randint(1200, 2600))}
    for name, value in jobs.items():
        if _evaluate(form.binds[name]["relevant"], answers):
            answers[name] = value
    answers["months_employed"] = str(true["months_employed"])
    assert _evaluate(form.binds["months_employed"]["constraint"], answers, dot=true["months_employed"])
    answers["currency"] = str(_evaluate(form.binds["currency"]["calculate"], answers))
    return answers


def submissions(form: XForm, roster, outcomes, months: int, seed: int = 5):
    """Every submission of a wave: (row number on the roster, answers in the form's codes)."""
    rng = random.Random(seed * 100 + months)
    for n, row in enumerate(roster):
        true = outcomes[(row["graduate_id"], months)]
        if true is not None:
            yield n, submission(form, row["graduate_id"], months, true, rng)


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, quoting=csv.QUOTE_ALL if path.name.startswith("results-") else csv.QUOTE_MINIMAL)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def kobo_exports(folder: Path, form: XForm, roster, outcomes) -> list[Path]:
    """One KoBoToolbox-style CSV a wave: XML names with group paths, the tool's own columns, every form field."""
    header = [f"part_a/{name}" if name in ("work_last_week", "job_away") else name
              for name in form.binds if name not in ("meta", "instanceID")] + KOBO_TOOL_COLUMNS
    paths = []
    for months in WAVES:
        rows = []
        for n, answers in submissions(form, roster, outcomes, months):
            tool = {"_id": str(n), "__version__": "vAbc123", "meta/instanceID": f"uuid:{n}-{months}"}
            rows.append([tool.get(h, "") if h in KOBO_TOOL_COLUMNS else answers.get(h.rsplit("/", 1)[-1], "")
                         for h in header])
        paths.append(_write(folder / f"wave{months}.csv", header, rows))
    return paths


def limesurvey_exports(folder: Path, form: XForm, roster, outcomes, codebook) -> list[Path]:
    """One LimeSurvey response export a wave, laid out by the codebook: question codes, answer codes.

    The graduate code is the participant's token; the form id and version are equation questions; the
    status and the currency are left out (LimeSurvey gets no calculation from ontrack).
    """
    questions = [r["question"] for r in codebook if r["question"] not in ("graduate_id", "lm_status", "currency")]
    questions = list(dict.fromkeys(questions))
    code = {r["question"]: r["limesurvey_question"] for r in codebook}
    answer = {(r["question"], r["answer"]): r["limesurvey_answer"] for r in codebook if r["answer"]}
    header = LIMESURVEY_TOOL_COLUMNS + [code[q] for q in questions] + ["interviewtime"]
    paths = []
    for months in WAVES:
        rows = []
        for n, answers in submissions(form, roster, outcomes, months):
            tool = [str(n + 1), "2025-01-01 10:00:00", "4", "en", str(1000 + n), answers["graduate_id"]]
            rows.append(tool + [answer.get((q, answers.get(q, "")), answers.get(q, "")) for q in questions] + ["212"])
        paths.append(_write(folder / f"results-survey{months}.csv", header, rows))
    return paths


def plain_exports(folder: Path, form: XForm, roster, outcomes, codebook) -> tuple[list[Path], Path]:
    """The interviewers' spreadsheet a wave: their own column names, question 1 in their own words, the
    chapter's answer numbers elsewhere; and the column map that reads it."""
    number = {(r["question"], r["answer"]): r["limesurvey_answer"] for r in codebook if r["answer"]}
    header = ["Interviewer", "Date", *PLAIN_COLUMNS.values()]
    paths = []
    for months in WAVES:
        rows = []
        for _, answers in submissions(form, roster, outcomes, months):
            values = [PLAIN_Q1[answers[q]] if q == "work_last_week" else number.get((q, answers.get(q, "")),
                                                                                     answers.get(q, ""))
                      for q in PLAIN_COLUMNS]
            rows.append(["interviewer 3", "2025-01-01", *values])
        paths.append(_write(folder / f"calls{months}.csv", header, rows))
    column_map = folder / "columns.toml"
    column_map.write_text(COLUMN_MAP, encoding="utf-8")
    return paths, column_map


def write_roster(path: Path, roster: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(roster[0]))
        writer.writeheader()
        writer.writerows(roster)
    return path


def run_import(project: Path, key: Path, roster: Path, exports: list[Path], out: Path, *options: str):
    args = ["import", str(project), "--roster", str(roster), "--key", str(key), "--out", str(out), *options]
    for path in exports:
        args += ["--export", str(path)]
    return CliRunner().invoke(main, args)


@pytest.fixture(scope="module")
def imported(setting, tmp_path_factory):
    """The same answers exported in the three shapes and imported: {shape: package folder}."""
    project, key, form, codebook = setting
    tmp = tmp_path_factory.mktemp("round-trip")
    roster, outcomes = truth()
    roster_path = write_roster(tmp / "roster.csv", roster)
    plain, column_map = plain_exports(tmp, form, roster, outcomes, codebook)
    runs = {"kobo": (kobo_exports(tmp, form, roster, outcomes), ()),
            "limesurvey": (limesurvey_exports(tmp, form, roster, outcomes, codebook), ("--format", "limesurvey")),
            "mapped": (plain, ("--format", "mapped", "--map", str(column_map)))}
    packages = {}
    for shape, (exports, options) in runs.items():
        packages[shape] = tmp / f"package-{shape}"
        result = run_import(project, key, roster_path, exports, packages[shape], *options)
        assert result.exit_code == 0, (shape, result.output)
    return project, packages, roster, outcomes


def _rows(package: Path) -> list[dict[str, str]]:
    with (package / "graduates.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_the_three_export_shapes_give_the_same_package(imported):
    _, packages, _, _ = imported
    kobo = (packages["kobo"] / "graduates.csv").read_bytes()
    assert (packages["limesurvey"] / "graduates.csv").read_bytes() == kobo
    assert (packages["mapped"] / "graduates.csv").read_bytes() == kobo


def test_the_imported_package_passes_ontrack_check(imported):
    project, packages, _, _ = imported
    result = CliRunner().invoke(main, ["check", str(project), "--data", str(packages["kobo"])])
    assert result.exit_code == 0, result.output
    assert "No problems found." in result.output


def test_every_graduate_has_a_row_per_wave_with_a_keyed_pseudonym(imported):
    _, packages, roster, outcomes = imported
    rows = _rows(packages["kobo"])
    assert len(rows) == len(roster) * len(WAVES)
    text = (packages["kobo"] / "graduates.csv").read_text(encoding="utf-8")
    assert not any(r["graduate_id"] in text for r in roster)  # no local identifier reaches the package
    by_key = {(r["record_id"], int(r["months_after"])): r for r in rows}
    for row in roster:
        for months in WAVES:
            got = by_key[(pseudonym(KEY, row["graduate_id"]), months)]
            true = outcomes[(row["graduate_id"], months)]
            if true is None:
                expected = "UNTRACED" if str(months) in row["untraced"].split(";") else "NONRESPONSE"
                assert (got["contact"], got["lm_status"]) == (expected, "UNK")
            elif true["status"] == "UNK":  # part A left undecided: no known status (guide chapter 9)
                assert (got["contact"], got["lm_status"]) == ("NONRESPONSE", "UNK")
            else:
                assert (got["contact"], got["lm_status"]) == ("RESPONDED", true["status"])
                assert got["months_employed"] == str(true["months_employed"])
                assert (got["employment_type"] != "") == (true["status"] == "EMP")
            assert got["sex"] == row["sex"]
            assert "9" not in (got["job_related"], got["nace_section"])  # don't know: left empty


@pytest.fixture(scope="module")
def built(imported):
    """The project built from the imported package: the published indicators, by (level, wave, indicator)."""
    project, packages, _, _ = imported
    result = CliRunner().invoke(main, ["build", str(project), "--data", str(packages["kobo"])])
    assert result.exit_code == 0, result.output
    with (project / "output" / "data" / "indicators.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return {(r["level"], r["programme_code"], int(r["months_after"]), r["indicator"]): r
            for r in rows if r["cohort"] == str(COHORT)}


def _percent(numerator: int, base: int) -> str:
    """A rate as the site publishes it: in the step its rounded base carries (``precision.RATE_STEPS``),
    halves up."""
    from generator.precision import published_steps, round_count, steps_per_whole

    steps = steps_per_whole(np.array(["rate"]), round_count([base], 5))
    return f"{100 * published_steps([numerator], [base], steps)[0] / steps[0]:.1f}"


def _rounded(base: int) -> str:
    return str((2 * base + 5) // 10 * 5)


def test_the_built_site_publishes_the_truth_s_figures(imported, built):
    _, _, roster, outcomes = imported
    published = 0
    for level, programmes in (("country", PROGRAMMES), *(("programme", (p,)) for p in PROGRAMMES)):
        members = [r["graduate_id"] for r in roster if r["programme_code"] in programmes]
        for months in WAVES:
            answers = [outcomes[(g, months)] for g in members if observed(outcomes[(g, months)])]
            truth_counts = {
                "EMP": (sum(o["status"] == "EMP" for o in answers), len(answers)),
                "NEET": (sum(o["status"] != "EMP" and not o["in_education"] for o in answers), len(answers)),
                "COVERAGE": (len(answers), len(members))}
            for indicator, (numerator, base) in truth_counts.items():
                key = (level, programmes[0] if level == "programme" else "", months, indicator)
                cell = built[key]
                if cell["flag"]:
                    continue  # hidden by disclosure control: nothing to compare
                assert (cell["value"], cell["base_rounded"]) == (_percent(numerator, base), _rounded(base)), key
                published += 1
    assert published >= 9  # at least the country's EMP, NEET and coverage at each wave


def _bad(setting, tmp_path, change, *, roster_change=None, shape="kobo"):
    """Import the round trip's exports after ``change(first wave's rows)``; returns the CLI result and out."""
    project, key, form, codebook = setting
    roster, outcomes = truth(size=40)
    options: tuple[str, ...] = ()
    if shape == "kobo":
        exports = kobo_exports(tmp_path, form, roster, outcomes)
    elif shape == "limesurvey":
        exports, options = limesurvey_exports(tmp_path, form, roster, outcomes, codebook), ("--format", shape)
    else:
        exports, column_map = plain_exports(tmp_path, form, roster, outcomes, codebook)
        options = ("--format", "mapped", "--map", str(column_map))
    with exports[0].open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    change(rows)
    with exports[0].open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    if roster_change:
        roster_change(roster)
    out = tmp_path / "package"
    return run_import(project, key, write_roster(tmp_path / "roster.csv", roster), exports, out, *options), out


def _set(rows, line: int, column: str, value: str):
    rows[line - 1][rows[0].index(column)] = value


def _first(rows, column: str, value: str) -> int:
    """The line of the first row with ``value`` in ``column``."""
    return next(n for n, row in enumerate(rows, start=1) if n > 1 and row[rows[0].index(column)] == value)


@pytest.mark.parametrize("shape, change, expected", [
    ("kobo", lambda rows: _set(rows, 3, "form_version", "0"),
     "wave6.csv:3:form_version: '0' is not this questionnaire's form version '1'"),
    ("kobo", lambda rows: _set(rows, 4, "in_education", "maybe"),
     "wave6.csv:4:in_education: 'maybe' is not one of the form's answers (true, false, 9)"),
    ("kobo", lambda rows: _set(rows, 2, "graduate_id", "S9999999"),
     "wave6.csv:2:graduate_id: 'S9999999' is not on the roster"),
    ("kobo", lambda rows: rows.append(list(rows[1])),
     "graduate_id: a second submission of"),
    ("kobo", lambda rows: _set(rows, 5, "months_after", "24"),
     "wave6.csv:5:months_after: '24' is not one of the form's answers (6, 12, 18): a wave outside the protocol"),
    ("kobo", lambda rows: [row.append("comment" if i == 0 else "I liked it") for i, row in enumerate(rows)],
     "wave6.csv:1:comment: not a question of the form ontrack_core: refused"),
    ("kobo", lambda rows: _set(rows, 2, "months_employed", "7"),
     "wave6.csv:2:months_employed: 7 is outside 0 to 6"),
    ("kobo", lambda rows: _set(rows, _first(rows, "lm_status", "INA"), "lm_status", "UNE"),
     "lm_status: 'UNE', but the answers to questions 1 to 4 give 'INA'"),
    ("kobo", lambda rows: _set(rows, _first(rows, "currency", "EUR"), "currency", "HUF"),
     "currency: 'HUF' is not the questionnaire's currency 'EUR'"),
    ("limesurvey", lambda rows: _set(rows, 2, "formversion", "2"),
     "results-survey6.csv:2:formversion: '2' is not this questionnaire's form version '1'"),
    ("limesurvey", lambda rows: _set(rows, _first(rows, "employmenttype", "1"), "employmenttype", "EMPLO"),
     "employmenttype: 'EMPLO' is not one of the form's answers (1, 2, 3, 9)"),
    ("limesurvey", lambda rows: _set(rows, _first(rows, "lookedforwork", "3"), "employmenttype", "1"),
     "employmenttype: answered, but the form does not ask question 6 of this graduate"),
    ("limesurvey", lambda rows: [row.append("ipaddr" if i == 0 else "192.0.2.1") for i, row in enumerate(rows)],
     "results-survey6.csv:1:ipaddr: identifies a person: switch off “Save IP address”"),
    ("limesurvey", lambda rows: _set(rows, 2, "token", "T0"),
     "results-survey6.csv:2:token: 'T0' is not on the roster"),
    ("mapped", lambda rows: [row.append("Remarks" if i == 0 else "call back") for i, row in enumerate(rows)],
     "calls6.csv:1:Remarks: neither mapped nor ignored in"),
    ("mapped", lambda rows: _set(rows, 3, "Q1", "misschien"),
     "calls6.csv:3:Q1: 'misschien' is not one of the form's answers (1, 2, 9)"),
    ("mapped", lambda rows: _set(rows, 2, "Wave", "2"),
     "calls6.csv:2:Wave: '2' is not one of the form's answers (6, 12, 18): a wave outside the protocol"),
])
def test_a_bad_export_is_refused_with_its_file_line_and_column_and_nothing_is_written(
        setting, tmp_path, shape, change, expected):
    result, out = _bad(setting, tmp_path, change, shape=shape)
    assert result.exit_code == 1
    assert expected in result.output
    assert "nothing was written" in result.output
    assert not out.exists() and not list(tmp_path.glob(".package.*"))


def test_a_column_map_naming_what_the_form_does_not_have_is_refused(setting, tmp_path):
    def change(rows):
        (tmp_path / "columns.toml").write_text(COLUMN_MAP.replace('Q12"', 'Q12"\nemployer = "Firm"')
                                               .replace('"weet niet" = "9"', '"weet niet" = "dunno"')
                                               .replace('ignore = ["Interviewer", "Date"]',
                                                        'ignore = ["Interviewer", "Date", "email"]'),
                                               encoding="utf-8")
    result, out = _bad(setting, tmp_path, change, shape="mapped")
    assert result.exit_code == 1
    assert "columns.toml:columns.employer: not a question of the form ontrack_core" in result.output
    assert "columns.toml:answers.work_last_week.weet niet: 'dunno' is not one of the form's answers" in result.output
    assert "columns.toml:ignore: 'email' identifies a person" in result.output
    assert not out.exists()


def test_a_roster_with_a_name_column_is_refused(setting, tmp_path):
    def add_name(roster):
        for row in roster:
            row["name"] = "Someone"
    result, out = _bad(setting, tmp_path, lambda rows: None, roster_change=add_name)
    assert result.exit_code == 1
    assert "roster.csv:1:name: not a roster column" in result.output
    assert not out.exists()


def test_a_short_key_is_refused(setting, tmp_path):
    project, _, _, _ = setting
    short = tmp_path / "short.key"
    short.write_bytes(b"12345")
    roster, _ = truth(size=3)
    result = run_import(project, short, write_roster(tmp_path / "roster.csv", roster), [short], tmp_path / "out")
    assert result.exit_code == 1
    assert "it needs at least 16" in result.output


def test_answers_to_the_2_month_contact_stay_with_the_provider(setting, tmp_path):
    """With early_wave on, the form has a 2-month wave; the import leaves its answers out, and says so."""
    project, key, form, _ = setting
    early = tmp_path / "early"
    shutil.copytree(project, early, ignore=shutil.ignore_patterns("output", ".ontrack-cache"))
    toml = early / "content" / "site.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("# early_wave = false", "early_wave = true"),
                    encoding="utf-8")
    roster, outcomes = truth(size=40)
    exports = kobo_exports(tmp_path, form, roster, outcomes)
    with exports[0].open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    wave = rows[0].index("months_after")
    contact = [[*row[:wave], "2", *row[wave + 1:]] for row in rows[1:6]]
    with exports[0].open("a", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(contact)
    out = tmp_path / "package"
    result = run_import(early, key, write_roster(tmp_path / "roster.csv", roster), exports, out)
    assert result.exit_code == 0, result.output
    assert "Left out 5 answers to the 2-month contact: they stay with you" in result.output
    assert {r["months_after"] for r in _rows(out)} == {"6", "12", "18"}
