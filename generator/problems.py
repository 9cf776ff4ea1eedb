"""The catalogue of problems: every code ontrack reports, with a title and a description.

A ``Problem`` (``errors.py``) names its kind by one of these codes; a code
missing here is a bug and fails where the problem is made. README's table of
codes is written from this catalogue (``problem_table``) and a test keeps the
two the same. A warning is reported and the build goes on, unless it is run
with ``--strict``; every other kind stops the command.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ProblemType:
    """One kind of problem: its code, a short title and what it means for the reader of the report."""

    code: str
    group: str
    title: str
    description: str
    warning: bool = False


#: The groups, in the order README lists them.
GROUPS = {
    "config": "content/site.toml",
    "content": "content files and templates",
    "data": "input data package",
    "counts": "aggregated input (counts per cell)",
    "survey": "survey import (ontrack import)",
    "catalogue": "interface catalogues (ontrack catalogue)",
    "build": "building and writing the site",
    "privacy": "privacy audit of what is published",
}

_TYPES = [
    # -- content/site.toml
    ProblemType("toml", "config", "Not TOML", "site.toml cannot be parsed as TOML; the line is the parser's."),
    ProblemType("unknown-section", "config", "Unknown section", "A table that is not one of the documented sections."),
    ProblemType("unknown-option", "config", "Unknown option", "A key that its section does not have (a typo, often)."),
    ProblemType("no-catalogue", "config", "Language without a catalogue",
                "site.languages lists a language with no catalogue, built in or in the project's locale/."),
    ProblemType("pooled-cohorts", "config", "Pooled cohorts differ from the counts",
                "indicators.pooled_cohorts is not the number of cohorts the aggregated input pooled."),
    # -- content
    ProblemType("missing-folder", "content", "Folder missing", "A folder the project needs (content/, the data package) is not there."),
    ProblemType("front-matter", "content", "Front matter", "The YAML front matter of a Markdown file is missing or a value in it is wrong."),
    ProblemType("yaml", "content", "Not YAML", "The front matter cannot be parsed as YAML."),
    ProblemType("missing-key", "content", "Required key missing", "A front matter key the file's kind requires is absent."),
    ProblemType("empty-body", "content", "No text", "A page, chapter or profile has front matter but no text."),
    ProblemType("file-name", "content", "File name", "A content file's name does not say what it is (a country code, a language)."),
    ProblemType("duplicate-order", "content", "Two chapters in one place", "Two guide chapters give the same order."),
    ProblemType("translation", "content", "Translation without original", "A translated file has no original, or carries a key only the original may have."),
    ProblemType("translation-length", "content", "Translated list of another length",
                "A translated list must have one item for each item of the original, in the same order."),
    ProblemType("reviewed-after-release", "content", "Reviewed after the release",
                "A profile's last_reviewed is later than site.release_date."),
    ProblemType("review-overdue", "content", "Profile not reviewed for long",
                "A country profile's last_reviewed is more than two years before the release: its facts may be "
                "out of date. A warning.", warning=True),
    ProblemType("accessed-after-review", "content", "Source accessed after the review",
                "A source's access date is later than its profile's last_reviewed: the review is the day the "
                "sources were last checked."),
    ProblemType("duplicate-source", "content", "Source listed twice", "A profile lists the same address twice."),
    ProblemType("template", "content", "Template", "A template cannot be read, has an error or is not found."),
    ProblemType("broken-link", "content", "Broken download link", "A guide chapter links a download the build cannot make."),
    # -- input data package (Table Schema and the rules between fields)
    ProblemType("descriptor", "data", "Descriptor", "datapackage.json is not an object with a list of resources."),
    ProblemType("json", "data", "Not JSON", "A descriptor cannot be parsed as JSON."),
    ProblemType("missing-file", "data", "File missing", "A file the package names is not there."),
    ProblemType("missing-resource", "data", "Resource missing", "A resource the package needs is not described."),
    ProblemType("records-and-counts", "data", "Records and counts together",
                "A package holds record-level graduates or aggregated counts, not both."),
    ProblemType("path", "data", "Resource path", "A resource's path is empty or points outside the package folder."),
    ProblemType("schema-field", "data", "Field not in the schema", "A resource's schema declares a field ontrack's schema does not have."),
    ProblemType("encoding", "data", "Not UTF-8", "A file is not valid UTF-8."),
    ProblemType("bom", "data", "Byte order mark", "A CSV file starts with a byte order mark."),
    ProblemType("csv", "data", "Malformed CSV", "A CSV file cannot be parsed (quotes, separators)."),
    ProblemType("parquet", "data", "Not Parquet", "A Parquet file cannot be read."),
    ProblemType("empty-file", "data", "Empty file", "A data file has no header row."),
    ProblemType("no-rows", "data", "No rows", "A data file has a header but no rows."),
    ProblemType("missing-column", "data", "Column missing", "A required column of the schema is absent."),
    ProblemType("extra-column", "data", "Column not in the schema",
                "A column the schema does not have: refused, since it could hold personal data."),
    ProblemType("duplicate-column", "data", "Column twice", "Two columns have the same name."),
    ProblemType("type", "data", "Wrong type", "A value (or an option of site.toml) is not of the type its field needs."),
    ProblemType("required", "data", "Value missing", "A required field is empty."),
    ProblemType("enum", "data", "Not one of the codes", "A value is not one of the codes its field allows."),
    ProblemType("pattern", "data", "Wrong form", "A value does not match its field's pattern."),
    ProblemType("minimum", "data", "Too small", "A number is below its field's minimum."),
    ProblemType("maximum", "data", "Too large", "A number is above its field's maximum."),
    ProblemType("minLength", "data", "Too short", "A text is shorter than its field allows."),
    ProblemType("maxLength", "data", "Too long", "A text is longer than its field allows."),
    ProblemType("unique", "data", "Not unique", "A value that must be unique appears again."),
    ProblemType("primary-key", "data", "Key twice", "Two rows have the same primary key."),
    ProblemType("foreign-key", "data", "Unknown key", "A code (programme, provider) is not in its code list."),
    ProblemType("geo-programme", "data", "Country differs from the programme's",
                "A row's geo is not the geo of its programme."),
    ProblemType("field-programme", "data", "Field differs from the programme's",
                "A row's field is not the first two digits of its programme's isced_f."),
    ProblemType("contact-source", "data", "Contact does not fit the source",
                "A survey observation is RESPONDED, NONRESPONSE or UNTRACED; an administrative one MATCHED or UNMATCHED."),
    ProblemType("unobserved-status", "data", "Status of someone not observed",
                "A graduate who was not reached can only have lm_status UNK."),
    ProblemType("unobserved-outcome", "data", "Outcome of someone not observed",
                "A graduate who was not reached cannot have an education or work history."),
    ProblemType("not-employed", "data", "Job details without a job", "Only employed graduates have job fields."),
    ProblemType("months-employed", "data", "More months in work than since graduation",
                "months_employed is larger than months_after."),
    ProblemType("currency-missing", "data", "Earnings without currency", "Earnings are given without their currency."),
    ProblemType("currency-without-earnings", "data", "Currency without earnings", "A currency is given without earnings."),
    ProblemType("currency-code", "data", "Unknown currency", "A currency is not an ISO 4217 code."),
    # -- aggregated input
    ProblemType("level-unit", "counts", "Unit does not fit the level",
                "A row gives a unit (geo, field, programme) its level does not have, or lacks one it has."),
    ProblemType("withheld", "counts", "Withheld cell with figures", "A cell the supplier flagged c must have no counts."),
    ProblemType("part-of-whole", "counts", "Part larger than the whole", "A count is larger than the count it is part of."),
    ProblemType("months-sum", "counts", "Too many months in work",
                "months_sum is more than months_known × months_after."),
    ProblemType("earnings-level", "counts", "Earnings at a mixed level",
                "Earnings are only summarised where one currency applies."),
    ProblemType("earnings-incomplete", "counts", "Earnings incomplete", "earn_n and its quartiles go together."),
    ProblemType("quartile-order", "counts", "Quartiles out of order", "earn_q1 ≤ earn_med ≤ earn_q3 must hold."),
    # -- survey import
    ProblemType("unreadable", "survey", "Cannot be read", "A roster, export or column map cannot be read."),
    ProblemType("unknown-key", "survey", "Unknown key", "A column map has a key it does not use."),
    ProblemType("unknown-question", "survey", "Unknown question", "A column map names a question the form does not have."),
    ProblemType("identifier", "survey", "Identifying column", "A column that identifies a person cannot be ignored into the package."),
    ProblemType("duplicate", "survey", "Graduate twice", "The roster lists a graduate twice."),
    ProblemType("unknown-code", "survey", "Unknown code", "A roster row has a programme or provider not in the code lists."),
    ProblemType("wave", "survey", "Wave", "An export or roster names a wave the form does not have."),
    ProblemType("form", "survey", "Another form", "An export comes from another form or another version of it."),
    ProblemType("empty", "survey", "Empty export", "An export has no answers."),
    ProblemType("answer", "survey", "Answer not in the form", "An answer is not one the question offers."),
    ProblemType("routing", "survey", "Answer the routing skips", "An answer to a question the form's routing skips."),
    ProblemType("calculation", "survey", "Inconsistent answers", "Answers that the form's own calculations contradict."),
    ProblemType("currency", "survey", "Earnings currency", "Earnings are answered in another currency than the form asks for."),
    ProblemType("not-on-roster", "survey", "Not on the roster", "An export has a graduate the roster does not list."),
    ProblemType("survey-import", "survey", "Import refused", "The import's options or folders do not allow it to run."),
    ProblemType("questionnaire", "survey", "Questionnaire not written", "A form does not convert, or its folder cannot be used."),
    # -- catalogues
    ProblemType("unknown-locale", "catalogue", "Unknown locale", "Babel does not know the language code."),
    ProblemType("source-language", "catalogue", "Source language", "English is the language of the messages: it needs no catalogue."),
    ProblemType("catalogue-exists", "catalogue", "Catalogue exists", "init does not overwrite a catalogue; update merges into it."),
    ProblemType("no-source-tree", "catalogue", "No source tree", "The message template is extracted in a clone of ontrack, not an installed copy."),
    # -- building and writing
    ProblemType("usage", "build", "Options", "The command's options do not go together."),
    ProblemType("project-folder", "build", "Project folder", "The folder for a new project is not empty."),
    ProblemType("port", "build", "Port", "The preview cannot listen on the port."),
    ProblemType("output-folder", "build", "Output folder refused",
                "The output folder is the project, holds it, is a file, or holds files ontrack did not make."),
    ProblemType("output-locked", "build", "Another build", "Another build is writing the same output folder."),
    ProblemType("output-path", "build", "Output path", "Two parts of the build write one file, or one writes outside the output."),
    ProblemType("invalid-package", "build", "Invalid data package", "A published package fails frictionless validation."),
    ProblemType("search-index", "build", "Search index", "Pagefind is missing or cannot index the site."),
    ProblemType("aggregation", "build", "Aggregation",
                "DuckDB (or, with --engine spark, pyspark) is missing, or the package has no records to aggregate."),
    ProblemType("spark", "build", "Spark did not start",
                "ontrack aggregate --engine spark could not start Spark: Java 17 or newer is missing, or the "
                "--spark-master cannot be reached."),
    # -- privacy audit
    ProblemType("record-id", "privacy", "Record identifier published", "An input record identifier appears in a published file."),
    ProblemType("hidden-not-empty", "privacy", "Hidden cell not empty", "A suppressed cell still shows a value or a base."),
    ProblemType("no-base", "privacy", "Value without base", "A published value has no base."),
    ProblemType("unrounded", "privacy", "Unrounded count", "A published base is not a multiple of the rounding base."),
    ProblemType("small-base", "privacy", "Base under the threshold", "A value is published on a base under the minimum."),
    ProblemType("recoverable", "privacy", "Recoverable by subtraction",
                "Published cells add up to a published total with exactly one hidden part."),
    ProblemType("attack", "privacy", "Narrowed by the attacker",
                "Linear programming over the published tables narrows a hidden cell below its protection."),
]

PROBLEM_TYPES: dict[str, ProblemType] = {t.code: t for t in _TYPES}
assert len(PROBLEM_TYPES) == len(_TYPES), "a problem code is listed twice"
assert {t.group for t in _TYPES} <= set(GROUPS)


def problem_type(code: str) -> ProblemType:
    """The catalogue entry of ``code``; a ``KeyError`` for a code nobody registered (a bug)."""
    try:
        return PROBLEM_TYPES[code]
    except KeyError:
        raise KeyError(f"problem code {code!r} is not in generator/problems.py") from None


def problem_table() -> str:
    """README's table of problem codes, in Markdown."""
    lines = ["| code | where | title | what it means |", "|---|---|---|---|"]
    for group, where in GROUPS.items():
        for t in (t for t in _TYPES if t.group == group):
            lines.append(f"| `{t.code}` | {where} | {t.title}{' (warning)' if t.warning else ''} | {t.description} |")
    return "\n".join(lines) + "\n"
