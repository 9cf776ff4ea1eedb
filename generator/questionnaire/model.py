"""The core questionnaire of the guide (chapter 9) as data: questions, their answers, routing and checks.

One definition serves the XLSForm, the printable document and ``ontrack import``.
The answer codes of every question that fills an input field are read from the
``graduates`` Table Schema and the NACE code list, never typed here; the English
texts are message ids, translated through the site's gettext catalogues.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..codelists import nace_sections
from ..config import QuestionnaireOptions
from ..i18n import N_
from ..schemas import table_schema

#: The survey waves of the protocol (guide chapter 4), in months after graduation.
PROTOCOL_WAVES = (6, 12, 18)
#: The early contact of the optional module (TRACKTION's pilot): kept by the provider, not an observation point.
EARLY_WAVE = 2


@dataclass(frozen=True)
class Choice:
    code: str       # the value the export holds: ontrack's input code where the question fills an input field
    label: str      # English message id
    params: dict = field(default_factory=dict, compare=False)   # %(name)s placeholders of the label


@dataclass(frozen=True)
class Condition:
    """Asked only if any of these (question, answer codes) holds: an XPath for the form, a sentence for print."""

    any_of: tuple[tuple[str, tuple[str, ...]], ...] = ()
    more_than_zero: str = ""    # or: the number answered to this question is above 0

    def xpath(self) -> str:
        """The condition as an XLSForm ``relevant`` expression."""
        if self.more_than_zero:
            return f"${{{self.more_than_zero}}} > 0"
        return " or ".join(f"${{{name}}} = '{code}'" for name, codes in self.any_of for code in codes)


@dataclass(frozen=True)
class Question:
    name: str                   # the field name in the form and in every export
    kind: str                   # XLSForm type without list: select_one, integer, decimal, text, note, calculate
    label: str = ""             # English message id ("" for a calculation)
    hint: str = ""
    hint_params: dict = field(default_factory=dict, compare=False)  # %(name)s placeholders of the hint
    choices: tuple[Choice, ...] = ()
    list_name: str = ""         # choices list of a select_one (default: the question's name)
    required: bool = False
    shown_if: Condition | None = None
    minimum: float | None = None        # a constraint: at least this
    maximum: float | str | None = None  # at most this number, or the value of the question of this name
    calculation: str = ""       # XPath of a calculate
    imported: bool = True       # False: the answer stays with the provider (ontrack import drops it)
    part: str = ""              # English message id of the part heading it opens

    @property
    def choice_list(self) -> str:
        return self.list_name or self.name


@dataclass(frozen=True)
class Form:
    form_id: str
    version: str
    title: str                  # English message id
    questions: tuple[Question, ...] = field(default_factory=tuple)

    def part_notes(self) -> dict[str, str]:
        """The note that opens each part, by the question it stands before: ``{"work_last_week": "part_1"}``."""
        opening = [q.name for q in self.questions if q.part]
        return {name: f"part_{n}" for n, name in enumerate(opening, start=1)}

    def field_names(self) -> list[str]:
        """Every name an export of the form may have as a column, notes included."""
        notes = self.part_notes()
        return [name for q in self.questions for name in ((notes[q.name],) if q.name in notes else ()) + (q.name,)]

    def question(self, name: str) -> Question:
        return next(q for q in self.questions if q.name == name)

    def number(self, name: str) -> int:
        """The question's number on paper: questions with a label and answers, counted from 1."""
        asked = [q.name for q in self.questions if q.kind not in ("note", "calculate")]
        return asked.index(name) + 1


def schema_field(name: str) -> dict:
    """A field of the ``graduates`` Table Schema."""
    return next(f for f in table_schema("graduates")["fields"] if f["name"] == name)


def coded(name: str, labels: dict[str, str]) -> tuple[Choice, ...]:
    """The choices of an input field: its codes from the schema, in the schema's order, with these labels.

    ``labels`` must name every code the schema allows, and no other, so that a
    code added to the schema cannot slip into a form without a label.
    """
    codes = [str(code) for code in schema_field(name)["constraints"]["enum"]]
    if sorted(codes) != sorted(labels):
        raise ValueError(f"labels of {name} are for {sorted(labels)}, the schema has {sorted(codes)}")
    return tuple(Choice(code, labels[code]) for code in codes)


def _limit(name: str, bound: str) -> float:
    return schema_field(name)["constraints"][bound]


YES_NO = (Choice("yes", N_("Yes")), Choice("no", N_("No")))
EMPLOYED = Condition((("work_last_week", ("yes",)), ("job_away", ("yes",))))
IN_EDUCATION_TRUE = schema_field("in_education")["trueValues"][0]
#: ILO status from questions 1 to 4 (guide chapter 4): employed if any paid work last week or a job to return
#: to; unemployed if looked for work (or found a job starting soon) and available within two weeks; else inactive.
LM_STATUS = ("if(${work_last_week} = 'yes' or ${job_away} = 'yes', 'EMP', "
             "if(${can_start} = 'yes', 'UNE', "
             "if(${looked_for_work} = 'no' or ${can_start} = 'no', 'INA', 'UNK')))")


def _waves(options: QuestionnaireOptions) -> tuple[Choice, ...]:
    allowed = set(schema_field("months_after")["constraints"]["enum"])
    assert set(PROTOCOL_WAVES) <= allowed, "the protocol's waves must be observation points of the schema"
    waves = ((EARLY_WAVE,) if options.early_wave else ()) + PROTOCOL_WAVES
    return tuple(Choice(str(m), N_("%(n)s months"), {"n": m}) for m in waves)


def core_questions(options: QuestionnaireOptions) -> tuple[Question, ...]:
    """The graduate questionnaire: the core of chapter 9 and the modules switched on in ``options``."""
    questions = [
        # The form's id and version travel in every export as answers, whatever the survey tool exports of its
        # own settings: ontrack import checks them.
        Question("form_id", "calculate", calculation=f"'{options.form_id}'"),
        Question("form_version", "calculate", calculation=f"'{options.form_version}'"),
        Question("intro", "note", N_("We ask every graduate of your programme what they are doing now, so that "
                                     "we can improve our training and tell future students where it leads. "
                                     "Answering takes about five minutes and is voluntary. Your answers are "
                                     "stored under a code, not your name.")),
        Question("graduate_id", "text", N_("Graduate code"),
                 N_("Filled in from the invitation link or by the interviewer: the code on the contact list, "
                    "never a name."), required=True),
        Question("months_after", "select_one", N_("Survey wave: months since graduation"),
                 N_("Filled in from the invitation link or by the interviewer."),
                 choices=_waves(options), list_name="wave", required=True),
        Question("work_last_week", "select_one",
                 N_("Last week, did you do any paid work for at least one hour? Count work as an employee, "
                    "self-employed work, an apprenticeship with pay, and paid work in a family business."),
                 N_("Last week means the seven days from Monday to Sunday before today."),
                 choices=YES_NO, list_name="yes_no", required=True,
                 part=N_("Part A: what you are doing now")),
        Question("job_away", "select_one",
                 N_("Do you have a job or business that you were away from last week, for example because of "
                    "holiday, illness or parental leave, and will return to?"),
                 choices=YES_NO, list_name="yes_no", required=True,
                 shown_if=Condition((("work_last_week", ("no",)),))),
        Question("looked_for_work", "select_one",
                 N_("In the last four weeks, did you look for work, or have you already found a job that starts "
                    "within the next three months?"),
                 choices=(Choice("looked", N_("Yes, I looked for work")),
                          Choice("found", N_("Yes, I found a job that starts within three months")),
                          Choice("no", N_("No"))),
                 required=True, shown_if=Condition((("job_away", ("no",)),))),
        Question("can_start", "select_one",
                 N_("If a suitable job were offered to you now, could you start within the next two weeks?"),
                 choices=YES_NO, list_name="yes_no", required=True,
                 shown_if=Condition((("looked_for_work", ("looked", "found")),))),
        Question("lm_status", "calculate", calculation=LM_STATUS),
        Question("in_education", "select_one",
                 N_("Are you currently in education or training that leads to a recognised qualification?"),
                 N_("Include school, college, university and apprenticeships; do not include short courses "
                    "without a qualification."),
                 choices=tuple(Choice(code, label) for code, label in (
                     (schema_field("in_education")["trueValues"][0], N_("Yes")),
                     (schema_field("in_education")["falseValues"][0], N_("No")))),
                 required=True),
        Question("employment_type", "select_one", N_("In your main job, are you…"),
                 N_("If you have more than one job, answer for the one where you work the most hours."),
                 choices=coded("employment_type", {
                     "EMPLOYEE": N_("an employee, including on a temporary or agency contract"),
                     "SELF": N_("self-employed, a freelancer or running your own business"),
                     "APPRENTICE": N_("an apprentice or trainee with an apprenticeship contract")}),
                 required=True, shown_if=EMPLOYED, part=N_("Part B: your main job")),
        Question("work_regime", "select_one", N_("Do you work full time or part time in your main job?"),
                 choices=coded("work_regime", {"FT": N_("Full time"), "PT": N_("Part time")}),
                 required=True, shown_if=EMPLOYED),
        Question("nace_section", "select_one",
                 N_("What does the company or organisation you work for mainly do? If you are self-employed, "
                    "what does your business mainly do?"),
                 N_("Leave it unanswered if you don't know."),
                 choices=tuple(Choice(code, section.label) for code, section in nace_sections().items()),
                 shown_if=EMPLOYED),
        Question("job_related", "select_one",
                 N_("How closely is your main job related to the training you completed?"),
                 N_("Leave it unanswered if you don't know."),
                 choices=coded("job_related", {
                     "YES": N_("Closely related: I use what I learned in most of my work"),
                     "PARTLY": N_("Partly related"), "NO": N_("Not related")}),
                 shown_if=EMPLOYED),
    ]
    if options.skills_use:
        questions.append(Question(
            "skills_use", "select_one", N_("How much do you use the skills you learned in your training in your job?"),
            choices=(Choice("5", N_("A lot")), Choice("4", N_("Quite a lot")), Choice("3", N_("Somewhat")),
                     Choice("2", N_("A little")), Choice("1", N_("Not at all"))),
            shown_if=EMPLOYED, imported=False))
    questions += [
        Question("months_employed", "integer",
                 N_("Since you completed your training, in how many months altogether have you been in paid "
                    "work? Count a month if you worked for most of it."),
                 N_("Write 0 if you have not worked. Leave it unanswered if you don't remember."),
                 minimum=_limit("months_employed", "minimum"), maximum="months_after",
                 part=N_("Part C: work since graduation and pay")),
        Question("earnings_month", "decimal",
                 N_("What are your gross earnings per month in your main job, before tax and social "
                    "contributions are deducted?"),
                 N_("In %(currency)s. Leave it unanswered if you prefer not to say."),
                 hint_params={"currency": options.currency},
                 minimum=_limit("earnings_month", "minimum"), maximum=_limit("earnings_month", "maximum"),
                 shown_if=EMPLOYED),
        Question("currency", "calculate", calculation=f"if(${{earnings_month}} != '', '{options.currency}', '')"),
    ]
    if options.further_study:
        questions.append(Question(
            "study_level", "select_one", N_("At which level is the education or training you are in now?"),
            choices=(Choice("same", N_("At the same level as the training I completed")),
                     Choice("higher_vet", N_("Higher vocational education or training")),
                     Choice("higher_ed", N_("University or other higher education")),
                     Choice("other", N_("Another level"))),
            shown_if=Condition((("in_education", (IN_EDUCATION_TRUE,)),)), imported=False))
    questions.append(Question(
        "sex", "select_one", N_("Sex"), N_("Optional: you may skip this question."),
        choices=coded("sex", {"F": N_("Female"), "M": N_("Male"), "O": N_("Other"),
                              "U": N_("Prefer not to say")}),
        part=N_("Part D: about you")))
    return tuple(questions)


def graduate_form(options: QuestionnaireOptions) -> Form:
    """The graduate questionnaire with the modules that ``options`` switch on."""
    return Form(options.form_id, options.form_version, N_("Graduate tracking questionnaire"),
                core_questions(options))


def employer_form(options: QuestionnaireOptions) -> Form:
    """The employer questionnaire of the optional module: satisfaction with recent graduates (EQAVET 6b)."""
    scale = (Choice("5", N_("Very satisfied")), Choice("4", N_("Satisfied")),
             Choice("3", N_("Neither satisfied nor dissatisfied")), Choice("2", N_("Dissatisfied")),
             Choice("1", N_("Very dissatisfied")))
    return Form(f"{options.form_id}_employer", options.form_version, N_("Employer questionnaire"), (
        Question("form_id", "calculate", calculation=f"'{options.form_id}_employer'"),
        Question("form_version", "calculate", calculation=f"'{options.form_version}'"),
        Question("intro", "note", N_("We ask employers of our recent graduates how well our training "
                                     "prepared them for work. Answering takes about three minutes and is "
                                     "voluntary. We publish only totals over all employers.")),
        Question("graduates_hired", "integer",
                 N_("How many of our graduates of the last two years work for your organisation?"),
                 minimum=0, maximum=10000, required=True),
        Question("satisfaction", "select_one",
                 N_("Overall, how satisfied are you with the skills of these graduates?"),
                 choices=scale, list_name="satisfaction", required=True, shown_if=Condition(more_than_zero="graduates_hired")),
        Question("skills_match", "select_one",
                 N_("Do their skills match what the job requires?"),
                 choices=coded("job_related", {"YES": N_("Yes, fully"), "PARTLY": N_("Partly"), "NO": N_("No")}),
                 list_name="skills_match", required=True, shown_if=Condition(more_than_zero="graduates_hired")),
        Question("hire_again", "select_one",
                 N_("Would you hire a graduate of the same programme again?"),
                 choices=YES_NO, list_name="yes_no", required=True, shown_if=Condition(more_than_zero="graduates_hired")),
    ))
