"""``ontrack questionnaire``: the written XLSForm, converted back with pyxform and read as an ODK XForm.

Every check reads the form as a survey tool would: the XLSForm file on disk,
converted by pyxform and checked by ODK Validate (Java; tests/install.sh test
installs it), then the XForm's choice lists, binds and translations.
"""

from __future__ import annotations

import itertools
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree
from pyxform.xls2xform import convert

from generator.cli import main
from generator.codelists import nace_sections
from generator.config import QuestionnaireOptions
from generator.i18n import available_languages, site_languages
from generator.questionnaire.model import graduate_form, ilo_status
from generator.questionnaire.xlsform import xlsform_bytes
from generator.schemas import table_schema

NS = {"h": "http://www.w3.org/1999/xhtml", "x": "http://www.w3.org/2002/xforms"}
LANGUAGES = ["en", "nl", "fr"]
#: The questions asked of the employed only (guide chapter 9, part B, and earnings).
JOB_QUESTIONS = ("employment_type", "work_regime", "nace_section", "work_country", "job_related", "skills_use",
                 "earnings_month")


def _project(tmp_path: Path, questionnaire: str = "") -> Path:
    project = tmp_path / "project"
    (project / "content").mkdir(parents=True)
    (project / "content" / "site.toml").write_text(
        f'[site]\nlanguages = {LANGUAGES!r}\n'.replace("'", '"') + questionnaire, encoding="utf-8")
    return project


def _run(project: Path, out: Path, *extra: str):
    return CliRunner().invoke(main, ["questionnaire", str(project), "--out", str(out), *extra])


class XForm:
    """An XForm, read the way ODK Collect reads it."""

    def __init__(self, xml: str):
        self.root = etree.fromstring(xml.encode("utf-8"))
        self.binds = {b.get("nodeset").rsplit("/", 1)[1]: dict(b.attrib)
                      for b in self.root.iterfind(".//x:bind", NS)}

    def choices(self, name: str) -> list[str]:
        """The answer codes of a select question, in the form's order."""
        select = self.root.find(f".//x:select1[@ref='/data/{name}']", NS)
        list_name = re.match(r"instance\('(\w+)'\)", select.find("x:itemset", NS).get("nodeset")).group(1)
        return [n.text for n in self.root.iterfind(f".//x:instance[@id='{list_name}']/x:root/x:item/x:name", NS)]

    def label(self, name: str, language: str) -> str:
        translation = self.root.find(f".//x:itext/x:translation[@lang='{language}']", NS)
        return translation.find(f"x:text[@id='/data/{name}:label']/x:value", NS).text

    def languages(self) -> list[str]:
        return [t.get("lang") for t in self.root.iterfind(".//x:itext/x:translation", NS)]


def _xpath_as_python(expression: str) -> str:
    """A relevant, constraint or calculation of this form as a Python expression over answers ``a``."""
    python = re.sub(r"\s*/data/(\w+)\s*", r" a.get('\1', '') ", expression)
    python = re.sub(r"(?<![<>!=])=(?!=)", "==", python).replace("if(", "IF(")
    return python.replace(". ", "dot ")


NUMBERS = {"months_after", "months_employed", "earnings_month", "graduates_hired"}


def _evaluate(expression: str, answers: dict, dot=None):
    # Numbers compare as numbers; answer codes such as '1' stay text, as ODK compares a select's value.
    number = {k: (int(v) if k in NUMBERS and isinstance(v, str) and v.isdigit() else v) for k, v in answers.items()}
    return eval(_xpath_as_python(expression), {"IF": lambda c, x, y: x if c else y},  # noqa: S307 (our own form)
                {"a": number, "dot": dot})


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """The questionnaire of a project with the default options, written by the command."""
    tmp = tmp_path_factory.mktemp("questionnaire")
    project, out = _project(tmp), tmp / "forms"
    result = _run(project, out)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def xform(written):
    """The written XLSForm converted by pyxform and checked by ODK Validate."""
    assert shutil.which("java"), "ODK Validate needs Java: bash tests/install.sh test installs it"
    result = convert(str(written / "ontrack_core.xlsx"), validate=True)
    assert result.warnings == []
    return XForm(result.xform)


def test_the_command_writes_the_xlsform_its_xform_and_a_printable_page_per_language(written):
    assert sorted(p.name for p in written.iterdir()) == [
        "ontrack_core.codebook.csv", "ontrack_core.en.html", "ontrack_core.fr.html", "ontrack_core.nl.html",
        "ontrack_core.xlsx", "ontrack_core.xml"]


def test_the_form_has_its_id_and_version_in_the_settings_and_in_every_submission(xform):
    data = xform.root.find(".//x:model/x:instance/x:data", NS)
    assert (data.get("id"), data.get("version")) == ("ontrack_core", "1")
    assert xform.binds["form_id"]["calculate"] == "'ontrack_core'"
    assert xform.binds["form_version"]["calculate"] == "'1'"


def _schema_codes(name: str) -> list[str]:
    field = next(f for f in table_schema("graduates")["fields"] if f["name"] == name)
    return [str(code) for code in field["constraints"]["enum"]]


@pytest.mark.parametrize("name", ["employment_type", "work_regime", "job_related"])
def test_answer_codes_are_the_input_codes_of_the_schema_and_9_for_don_t_know(xform, name):
    assert xform.choices(name) == _schema_codes(name) + ["9"]


def test_sex_has_the_schema_s_codes_and_no_don_t_know_of_its_own(xform):
    assert xform.choices("sex") == _schema_codes("sex")  # U is "prefer not to say"


def test_sector_codes_are_the_nace_sections_and_education_the_schema_s_booleans(xform):
    assert xform.choices("nace_section") == list(nace_sections()) + ["9"]
    field = next(f for f in table_schema("graduates")["fields"] if f["name"] == "in_education")
    assert xform.choices("in_education") == field["trueValues"] + field["falseValues"] + ["9"]


@pytest.mark.parametrize("name", ["work_last_week", "job_away", "can_start", "work_country", "skills_use"])
def test_the_chapter_s_questions_offer_don_t_know_as_9(xform, name):
    assert xform.choices(name)[-1] == "9"


def test_the_waves_are_the_protocol_s_observation_points(xform):
    assert xform.choices("months_after") == ["6", "12", "18"]
    assert set(xform.choices("months_after")) <= set(_schema_codes("months_after"))


def _paths(xform: XForm):
    """Every way through part A: each answer of each question that is asked, given the answers before it."""
    questions = ["work_last_week", "job_away", "looked_for_work", "can_start"]

    def walk(answers: dict, rest: list[str]):
        if not rest:
            yield answers
            return
        name, *later = rest
        relevant = xform.binds[name].get("relevant")
        if relevant and not _evaluate(relevant, answers):
            yield from walk(answers, later)
            return
        for code in xform.choices(name):
            yield from walk({**answers, name: code}, later)

    return list(walk({}, questions))


def _ilo_status(answers: dict) -> str:
    """The ILO definitions (guide chapter 4), written out independently of the form; 9 is "don't know"."""
    work, away = answers.get("work_last_week"), answers.get("job_away")
    if work == "1" or away == "1":  # any work last week, unpaid family work included, or a job to return to
        return "EMP"
    if not (work == "2" and away == "2"):
        return "UNK"  # a "don't know" leaves it open whether the graduate had work
    looked, start = answers.get("looked_for_work"), answers.get("can_start")
    if looked in ("1", "2") and start == "1":
        return "UNE"
    if looked == "3" or (looked in ("1", "2") and start == "2"):
        return "INA"
    return "UNK"


def test_part_a_gives_the_ilo_status_on_every_path(xform):
    paths = _paths(xform)
    assert len(paths) == 21  # spelled out in test_every_path_is_counted
    statuses = {tuple(sorted(p.items())): _evaluate(xform.binds["lm_status"]["calculate"], p) for p in paths}
    assert all(status == _ilo_status(dict(path)) for path, status in statuses.items())
    assert sorted(set(statuses.values())) == ["EMP", "INA", "UNE", "UNK"]


def test_the_import_s_status_rule_is_the_form_s_on_every_path(xform):
    """ontrack import works the status out itself for exports without the form's calculation (LimeSurvey)."""
    for path in _paths(xform):
        assert ilo_status(path) == _evaluate(xform.binds["lm_status"]["calculate"], path), path


def test_unpaid_work_in_a_family_business_counts_as_work(xform):
    assert "family" in xform.label("work_last_week", "English (en)")
    assert "not paid" in xform.label("work_last_week", "English (en)")


def test_job_questions_are_asked_of_the_employed_only(xform):
    for path in _paths(xform):
        employed = _evaluate(xform.binds["lm_status"]["calculate"], path) == "EMP"
        for name in JOB_QUESTIONS:
            assert bool(_evaluate(xform.binds[name]["relevant"], path)) == employed, (name, path)
    assert "relevant" not in xform.binds["months_employed"]  # work experience: asked of everyone


def test_months_employed_cannot_exceed_the_months_since_graduation(xform):
    check = xform.binds["months_employed"]["constraint"]
    assert _evaluate(check, {"months_after": "12"}, dot=12)
    assert not _evaluate(check, {"months_after": "12"}, dot=13)
    assert not _evaluate(check, {"months_after": "6"}, dot=-1)


def test_earnings_follow_the_schema_s_limits_and_carry_the_configured_currency(xform):
    field = next(f for f in table_schema("graduates")["fields"] if f["name"] == "earnings_month")
    check = xform.binds["earnings_month"]["constraint"]
    assert _evaluate(check, {}, dot=field["constraints"]["maximum"])
    assert not _evaluate(check, {}, dot=field["constraints"]["maximum"] + 1)
    assert "'EUR'" in xform.binds["currency"]["calculate"]


def test_labels_are_in_every_language_of_the_site(xform):
    assert xform.languages() == ["English (en)", "Nederlands (nl)", "Français (fr)"]
    for name in ("work_last_week", "in_education", "job_related", "months_employed"):
        labels = [xform.label(name, language) for language in xform.languages()]
        assert all(labels) and len(set(labels)) == 3, labels


def test_every_catalogue_gives_a_form_that_converts():
    """A language added to generator/locale must give a form that pyxform accepts, with nothing untranslated."""
    languages = site_languages(available_languages())
    result = convert(xlsform_bytes(graduate_form(QuestionnaireOptions()), languages), file_type=".xlsx")
    assert result.warnings == []


def test_the_same_project_gives_the_same_bytes(written, tmp_path):
    again = tmp_path / "again"
    assert _run(_project(tmp_path), again).exit_code == 0
    for path in written.iterdir():
        assert (again / path.name).read_bytes() == path.read_bytes(), path.name


def test_modules_are_switched_on_in_site_toml(tmp_path):
    project = _project(tmp_path, "[questionnaire]\nform_id = \"college_2026\"\nform_version = \"2026.1\"\n"
                                 "currency = \"HUF\"\nearly_wave = true\nskills_use = true\nfurther_study = true\n"
                                 "employer_survey = true\n")
    out = tmp_path / "forms"
    result = _run(project, out, "--odk-validate")
    assert result.exit_code == 0, result.output
    assert {"college_2026.xlsx", "college_2026_employer.xlsx", "college_2026_employer.fr.html"} <= \
        {p.name for p in out.iterdir()}
    form = XForm(convert(str(out / "college_2026.xlsx")).xform)
    assert form.binds["form_version"]["calculate"] == "'2026.1'"
    assert form.choices("months_after") == ["2", "6", "12", "18"]
    assert form.binds["skills_use"]["relevant"] == form.binds["employment_type"]["relevant"]
    assert "in_education" in form.binds["study_level"]["relevant"]
    assert "'HUF'" in form.binds["currency"]["calculate"]
    employer = XForm(convert(str(out / "college_2026_employer.xlsx")).xform)
    assert "graduates_hired" in employer.binds["satisfaction"]["relevant"]


def test_default_form_has_the_chapter_s_questions_and_no_optional_module(xform):
    assert {"work_country", "skills_use"} <= set(xform.binds)  # questions 8a and 9a
    assert "study_level" not in xform.binds


def test_skills_use_can_be_left_out(tmp_path):
    out = tmp_path / "forms"
    assert _run(_project(tmp_path, "[questionnaire]\nskills_use = false\n"), out).exit_code == 0
    assert "skills_use" not in XForm(convert(str(out / "ontrack_core.xlsx")).xform).binds


def test_the_printable_page_numbers_the_questions_and_says_the_routing(written):
    page = (written / "ontrack_core.en.html").read_text(encoding="utf-8")
    assert "<html lang=\"en\">" in page
    assert re.search(r"2\. Do you have a job or business", page)
    assert re.search(r"8a\. In which country is your main job", page)
    assert "Answer only if question 2 is “No”." in page
    assert "Answer only if question 1 is “No” or question 1 is “Don&#39;t know”." in page
    dutch = (written / "ontrack_core.nl.html").read_text(encoding="utf-8")
    assert "Alleen beantwoorden als vraag 2 is beantwoord met “Nee”." in dutch
    for code in _schema_codes("employment_type") + list(nace_sections()):
        assert f'<span class="code">{code}</span>' in page


def test_a_bad_option_names_the_file_and_option_and_writes_nothing(tmp_path):
    project = _project(tmp_path, "[questionnaire]\nform_id = \"my form\"\ncurrency = \"EURO\"\n")
    out = tmp_path / "forms"
    out.mkdir()
    (out / "ontrack_core.xlsx").write_bytes(b"the provider's edited copy")
    result = _run(project, out)
    assert result.exit_code == 1
    assert "content/site.toml:questionnaire.form_id: must start with a letter" in result.output
    assert "content/site.toml:questionnaire.currency: must be an ISO 4217 currency code" in result.output
    assert [p.name for p in out.iterdir()] == ["ontrack_core.xlsx"]
    assert (out / "ontrack_core.xlsx").read_bytes() == b"the provider's edited copy"


def test_a_form_pyxform_refuses_is_not_written(tmp_path, monkeypatch):
    import dataclasses

    import generator.questionnaire as questionnaire
    from generator.questionnaire.model import Condition

    def broken(options):
        form = graduate_form(options)
        wrong = dataclasses.replace(form.questions[-1], shown_if=Condition((("nowhere", ("yes",)),)))
        return dataclasses.replace(form, questions=form.questions[:-1] + (wrong,))

    monkeypatch.setattr(questionnaire, "graduate_form", broken)
    out = tmp_path / "forms"
    result = _run(_project(tmp_path), out)
    assert result.exit_code == 1
    assert "the form ontrack_core does not convert to an XForm" in result.output
    assert not out.exists()


def test_every_path_is_counted(xform):
    """The 21 ways through part A, spelled out (1 yes, 2 no, 9 don't know; question 3: 1 looked, 2 found, 3 no)."""
    expected = [{"work_last_week": "1"}]
    for work in ("2", "9"):
        expected += [{"work_last_week": work, "job_away": away} for away in ("1", "9")]
        expected += [{"work_last_week": work, "job_away": "2", "looked_for_work": looked} for looked in ("3", "9")]
        expected += [{"work_last_week": work, "job_away": "2", "looked_for_work": looked, "can_start": start}
                     for looked, start in itertools.product(("1", "2"), ("1", "2", "9"))]
    assert sorted(map(str, _paths(xform))) == sorted(map(str, expected))
