"""The core questionnaire of the guide (chapter 9) as data: questions, their answers, routing and checks.

One definition serves the XLSForm, the printable document and ``ontrack import``.
The answer codes of every question that fills an input field are read from the
``graduates`` Table Schema and the NACE code list, never typed here; the English
texts are message ids, translated through the site's gettext catalogues.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..codelists import nace_sections
from ..config import QuestionnaireOptions
from ..i18n import N_
from ..schemas import table_schema

#: The survey waves of the protocol (guide chapter 4), in months after graduation.
PROTOCOL_WAVES = (6, 12, 18)
#: The early contact of the optional module (TRACKTION's pilot): kept by the provider, not an observation point.
EARLY_WAVE = 2


#: The chapter's "don't know" (guide chapter 9): code 9 in every question of parts A to C. It leaves the field
#: it would fill empty; in part A it leaves the status undecided (``UNK``).
DONT_KNOW_CODE = "9"


@dataclass(frozen=True)
class Choice:
    code: str       # the value the export holds: ontrack's input code where the question fills an input field
    label: str      # English message id
    params: dict = field(default_factory=dict, compare=False)   # %(name)s placeholders of the label
    number: str = ""    # the chapter's answer code (1, 2, 9...): LimeSurvey's answer code and the paper form's

    @property
    def short_code(self) -> str:
        """The answer code where a tool allows only short codes (LimeSurvey: at most 5 letters or digits)."""
        return self.number or self.code


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
    number: str = ""            # the question's number in the guide's chapter 9 ("1", "8a"); "" for filled-in fields

    @property
    def choice_list(self) -> str:
        return self.list_name or self.name

    @property
    def short_name(self) -> str:
        """The question code where a tool allows only letters and digits (LimeSurvey): the name without ``_``."""
        return self.name.replace("_", "")

    def code_of(self, answer: str) -> str | None:
        """The form's code of an answer given as the code itself or as the chapter's number; None if neither."""
        for choice in self.choices:
            if answer in (choice.code, choice.short_code):
                return choice.code
        return None


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

    def number(self, name: str) -> str:
        """The question's number on paper, as the guide's chapter 9 numbers it."""
        return self.question(name).number


#: The questions' numbers in the guide's chapter 9 (the further-study module follows question 5 there).
CHAPTER_NUMBERS = {"work_last_week": "1", "job_away": "2", "looked_for_work": "3", "can_start": "4",
                   "in_education": "5", "study_level": "5a", "employment_type": "6", "work_regime": "7",
                   "nace_section": "8", "work_country": "8a", "job_related": "9", "skills_use": "9a",
                   "months_employed": "10", "earnings_month": "11", "sex": "12"}
EMPLOYER_NUMBERS = {"graduates_hired": "1", "satisfaction": "2", "skills_match": "3", "hire_again": "4"}


def _numbered(questions, numbers: dict[str, str]) -> tuple[Question, ...]:
    return tuple(replace(q, number=numbers.get(q.name, "")) for q in questions)


def schema_field(name: str) -> dict:
    """A field of the ``graduates`` Table Schema."""
    return next(f for f in table_schema("graduates")["fields"] if f["name"] == name)


def coded(name: str, labels: dict[str, tuple[str, str]], dont_know: bool = True) -> tuple[Choice, ...]:
    """The choices of an input field: its codes from the schema, in the schema's order, with these labels.

    ``labels`` maps each code to (the chapter's answer number, label). It must
    name every code the schema allows, and no other, so that a code added to
    the schema cannot slip into a form without a label. With ``dont_know``,
    the chapter's code 9 ends the list.
    """
    codes = [str(code) for code in schema_field(name)["constraints"]["enum"]]
    if sorted(codes) != sorted(labels):
        raise ValueError(f"labels of {name} are for {sorted(labels)}, the schema has {sorted(codes)}")
    return tuple(Choice(code, labels[code][1], number=labels[code][0]) for code in codes) + \
        ((DONT_KNOW,) if dont_know else ())


def _limit(name: str, bound: str) -> float:
    return schema_field(name)["constraints"][bound]


DONT_KNOW = Choice(DONT_KNOW_CODE, N_("Don't know"))
#: Part A's answers carry the chapter's codes: 1 yes, 2 no, 9 don't know.
YES_NO = (Choice("1", N_("Yes")), Choice("2", N_("No")), DONT_KNOW)
EMPLOYED = Condition((("work_last_week", ("1",)), ("job_away", ("1",))))
IN_EDUCATION_TRUE = schema_field("in_education")["trueValues"][0]
#: ILO status from questions 1 to 4 (guide chapter 4): employed if any work last week (family work included) or
#: a job to return to; unemployed if not employed, looked for work (or found a job starting soon) and available
#: within two weeks; inactive if not employed and neither; undecided (UNK) when a "don't know" leaves it open.
LM_STATUS = ("if(${work_last_week} = '1' or ${job_away} = '1', 'EMP', "
             "if(${work_last_week} = '2' and ${job_away} = '2', "
             "if(${can_start} = '1', 'UNE', if(${looked_for_work} = '3' or ${can_start} = '2', 'INA', 'UNK')), "
             "'UNK'))")


def ilo_status(answers: dict[str, str]) -> str:
    """``LM_STATUS`` for an export without the form's calculation (LimeSurvey, a mapped CSV): the same rule."""
    work, away = answers.get("work_last_week", ""), answers.get("job_away", "")
    looked, start = answers.get("looked_for_work", ""), answers.get("can_start", "")
    if "1" in (work, away):
        return "EMP"
    if (work, away) != ("2", "2"):
        return "UNK"
    if start == "1":
        return "UNE"
    return "INA" if looked == "3" or start == "2" else "UNK"


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
                 N_("Last week, did you do any work for pay or profit for at least one hour? Count work as an "
                    "employee, self-employed work, an apprenticeship with pay, and work in a business or farm run "
                    "by your family, even if you were not paid for it yourself."),
                 N_("Last week means the seven days from Monday to Sunday before today."),
                 choices=YES_NO, list_name="yes_no", required=True,
                 part=N_("Part A: what you are doing now")),
        Question("job_away", "select_one",
                 N_("Do you have a job or business that you were away from last week, for example because of "
                    "holiday, illness or parental leave, and will return to?"),
                 choices=YES_NO, list_name="yes_no", required=True,
                 shown_if=Condition((("work_last_week", ("2", DONT_KNOW_CODE)),))),
        Question("looked_for_work", "select_one",
                 N_("In the last four weeks, did you look for work, or have you already found a job that starts "
                    "within the next three months?"),
                 choices=(Choice("1", N_("Yes, I looked for work")),
                          Choice("2", N_("Yes, I found a job that starts within three months")),
                          Choice("3", N_("No")), DONT_KNOW),
                 required=True, shown_if=Condition((("job_away", ("2",)),))),
        Question("can_start", "select_one",
                 N_("If a suitable job were offered to you now, could you start within the next two weeks?"),
                 choices=YES_NO, list_name="yes_no", required=True,
                 shown_if=Condition((("looked_for_work", ("1", "2")),))),
        Question("lm_status", "calculate", calculation=LM_STATUS),
        Question("in_education", "select_one",
                 N_("Are you currently in education or training that leads to a recognised qualification?"),
                 N_("Include school, college, university and apprenticeships; do not include short courses "
                    "without a qualification."),
                 choices=(Choice(IN_EDUCATION_TRUE, N_("Yes"), number="1"),
                          Choice(schema_field("in_education")["falseValues"][0], N_("No"), number="2"), DONT_KNOW),
                 required=True),
        Question("employment_type", "select_one", N_("In your main job, are you…"),
                 N_("If you have more than one job, answer for the one where you work the most hours."),
                 choices=coded("employment_type", {
                     "EMPLOYEE": ("1", N_("an employee, including on a temporary or agency contract")),
                     "SELF": ("2", N_("self-employed, a freelancer or running your own business")),
                     "APPRENTICE": ("3", N_("an apprentice or trainee with an apprenticeship contract"))}),
                 required=True, shown_if=EMPLOYED, part=N_("Part B: your main job")),
        Question("work_regime", "select_one", N_("Do you work full time or part time in your main job?"),
                 choices=coded("work_regime", {"FT": ("1", N_("Full time")), "PT": ("2", N_("Part time"))}),
                 required=True, shown_if=EMPLOYED),
        Question("nace_section", "select_one",
                 N_("What does the company or organisation you work for mainly do? If you are self-employed, "
                    "what does your business mainly do?"),
                 choices=tuple(Choice(code, section.label) for code, section in nace_sections().items())
                 + (DONT_KNOW,),
                 shown_if=EMPLOYED),
        Question("work_country", "select_one", N_("In which country is your main job?"),
                 choices=(Choice("1", N_("In the country where I did my training")),
                          Choice("2", N_("In another EU or EFTA country")),
                          Choice("3", N_("Outside Europe")), DONT_KNOW),
                 shown_if=EMPLOYED, imported=False),
        Question("job_related", "select_one",
                 N_("How closely is your main job related to the training you completed?"),
                 choices=coded("job_related", {
                     "YES": ("1", N_("Closely related: I use what I learned in most of my work")),
                     "PARTLY": ("2", N_("Partly related")), "NO": ("3", N_("Not related"))}),
                 shown_if=EMPLOYED),
    ]
    if options.further_study:
        questions.insert(1 + next(i for i, q in enumerate(questions) if q.name == "in_education"), Question(
            "study_level", "select_one", N_("At which level is the education or training you are in now?"),
            choices=(Choice("1", N_("At the same level as the training I completed")),
                     Choice("2", N_("Higher vocational education or training")),
                     Choice("3", N_("University or other higher education")),
                     Choice("4", N_("Another level")), DONT_KNOW),
            shown_if=Condition((("in_education", (IN_EDUCATION_TRUE,)),)), imported=False))
    if options.skills_use:
        questions.append(Question(
            "skills_use", "select_one",
            N_("In your main job, how much do you use the skills and knowledge you gained in your training?"),
            choices=(Choice("1", N_("A great deal")), Choice("2", N_("Quite a lot")), Choice("3", N_("A little")),
                     Choice("4", N_("Not at all")), DONT_KNOW),
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
    questions.append(Question(
        "sex", "select_one", N_("Sex"), N_("Optional: you may skip this question."),
        choices=coded("sex", {"F": ("1", N_("Female")), "M": ("2", N_("Male")), "O": ("3", N_("Other")),
                              "U": ("9", N_("Prefer not to say"))}, dont_know=False),
        part=N_("Part D: about you")))
    return _numbered(questions, CHAPTER_NUMBERS)


def graduate_form(options: QuestionnaireOptions) -> Form:
    """The graduate questionnaire with the modules that ``options`` switch on."""
    return Form(options.form_id, options.form_version, N_("Graduate tracking questionnaire"),
                core_questions(options))


def employer_form(options: QuestionnaireOptions) -> Form:
    """The employer questionnaire of the optional module: satisfaction with recent graduates (EQAVET 6b)."""
    scale = (Choice("5", N_("Very satisfied")), Choice("4", N_("Satisfied")),
             Choice("3", N_("Neither satisfied nor dissatisfied")), Choice("2", N_("Dissatisfied")),
             Choice("1", N_("Very dissatisfied")))
    return Form(f"{options.form_id}_employer", options.form_version, N_("Employer questionnaire"), _numbered((
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
                 choices=coded("job_related", {"YES": ("1", N_("Yes, fully")), "PARTLY": ("2", N_("Partly")),
                                                 "NO": ("3", N_("No"))}, dont_know=False),
                 list_name="skills_match", required=True, shown_if=Condition(more_than_zero="graduates_hired")),
        Question("hire_again", "select_one",
                 N_("Would you hire a graduate of the same programme again?"),
                 choices=YES_NO[:2], list_name="yes_no", required=True,
                 shown_if=Condition(more_than_zero="graduates_hired")),
    ), EMPLOYER_NUMBERS))
