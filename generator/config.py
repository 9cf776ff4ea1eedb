"""The site configuration: a typed model whose options carry their defaults and help.

``content/site.toml`` has one table per section below. Every option is
optional; ``load_config`` reports every problem in the file at once (unknown
keys, wrong types, values out of range), not only the first.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from .errors import Problem, raise_if

CONFIG_PATH = Path("content") / "site.toml"
#: A language code as site.languages gives it: 'nl', 'fr', 'pt_BR'. Whether it has a catalogue is checked
#: where the project's inputs are loaded (a project may carry catalogues of its own).
LANGUAGE_CODE = r"[a-z]{2,3}(_[A-Z]{2})?"


@dataclass(frozen=True)
class Licence:
    """A licence the published data can carry: ``site.licence`` names one by its SPDX identifier."""

    id: str        # SPDX identifier, as in site.toml and the data packages: 'CC-BY-4.0'
    title: str     # its full name
    short: str     # as the pages cite it: 'CC BY 4.0'
    url: str


#: The licences the published data may carry, by SPDX identifier. Pages, packages, the workbook, the schema.org
#: metadata and the guide PDF all take the licence's words and address from here.
LICENCES = {licence.id: licence for licence in (
    Licence("CC-BY-4.0", "Creative Commons Attribution 4.0 International", "CC BY 4.0",
            "https://creativecommons.org/licenses/by/4.0/"),
)}


def option(default: Any, help: str, *, minimum: float | None = None, choices: tuple = ()) -> Any:
    """A config option: its default, the help shown in the docs, and its limits."""
    meta = {"help": help, "minimum": minimum, "choices": choices}
    if isinstance(default, list):
        return field(default_factory=lambda: list(default), metadata=meta)
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class SiteOptions:
    title: str = option("ontrack", "The site's name, shown in the header and in every package.")
    description: str = option(
        "Where vocational graduates go after they qualify.", "One sentence describing the site."
    )
    publisher: str = option("ontrack project", "Who publishes the site and its data.")
    contact_email: str = option("", "Contact address shown in the data packages and the catalogue.")
    base_url: str = option("", "Absolute URL the site is served from (for sitemap.xml and the catalogue).")
    licence: str = option("CC-BY-4.0", "Licence of the published data.", choices=tuple(LICENCES))
    data_version: str = option("1.0.0", "Version of the published data release, shown on every page.")
    release_date: dt.date | None = option(
        None, "Date of the data release; used for build dates unless SOURCE_DATE_EPOCH is set."
    )
    languages: list = option(["en"], "Languages of the site, each with a catalogue in generator/locale/ or the "
                                      "project's locale/; the first is served from the root, the others from /<code>/.")

    @property
    def licence_terms(self) -> Licence:
        """The licence ``licence`` names: its full title, the short form pages cite, and its address."""
        return LICENCES[self.licence]


@dataclass(frozen=True)
class DataOptions:
    package: str = option("datasets/demo", "Input data package, relative to the project folder.")
    reference: str = option("datasets/reference", "Reference figures package (real published figures).")


@dataclass(frozen=True)
class DisclosureOptions:
    rounding_base: int = option(5, "Published counts are rounded to the nearest multiple of this.", minimum=1)
    min_base: int = option(25, "A rate whose base is under this is not published.", minimum=1)
    min_n_statistic: int = option(30, "A median or mean computed from fewer values is not published.", minimum=1)
    secondary: bool = option(True, "Hide further cells so that no hidden cell can be recovered by subtraction.")
    attack: bool = option(
        False, "Then run the attacker on what would be published and hide further cells until it narrows no "
              "primary cell below its protection (see lower_protection).")
    group_rule: bool = option(False, "Also hide a rate whose numerator, or base minus numerator, is small.")
    group_threshold: int = option(2, "The 'small' of the group rule: at most this many.", minimum=0)
    lower_protection: int = option(
        1, "The attacker (ontrack audit --attack) may not narrow a hidden count to less than this many graduates "
           "below its true value, unless its interval reaches 0.", minimum=0)
    upper_protection: int = option(
        1, "Nor to less than this many above it, unless a published count of the same kind that contains it "
           "is that small already.", minimum=0)
    mean_protection: int = option(
        10, "A hidden mean must stay uncertain by at least this percent of its sum either way.", minimum=0)


@dataclass(frozen=True)
class IndicatorOptions:
    pooled_cohorts: int = option(3, "How many of the latest cohorts are pooled for the headline figures.", minimum=1)
    headline_months: int = option(12, "Observation point (months after graduation) of the headline figures.", minimum=1)


@dataclass(frozen=True)
class QuestionnaireOptions:
    form_id: str = option("ontrack_core", "Form id of the questionnaire (ontrack questionnaire); every export carries it "
                                          "and ontrack import checks it. Letters, digits and _ only.")
    form_version: str = option("1", "Version of the questionnaire; change it whenever you change the form. Every "
                                    "export carries it and ontrack import refuses exports of another version.")
    currency: str = option("EUR", "ISO 4217 code of the currency the earnings question asks for.")
    early_wave: bool = option(False, "Add a first contact at 2 months after graduation (as TRACKTION's pilot) to the "
                                     "waves. Its answers stay with the provider: ontrack's observation points start "
                                     "at 6 months.")
    skills_use: bool = option(True, "Ask the employed how much they use the skills of their training (question 9a "
                                    "of the guide's core questionnaire; kept by the provider, not imported). Set "
                                    "false to leave it out.")
    further_study: bool = option(False, "Ask those in education what they study and at which level (kept by the "
                                        "provider, not imported).")
    employer_survey: bool = option(False, "Also write an employer questionnaire on satisfaction with graduates "
                                          "(EQAVET indicator 6b).")


@dataclass(frozen=True)
class Config:
    site: SiteOptions = field(default_factory=SiteOptions)
    data: DataOptions = field(default_factory=DataOptions)
    disclosure: DisclosureOptions = field(default_factory=DisclosureOptions)
    indicators: IndicatorOptions = field(default_factory=IndicatorOptions)
    questionnaire: QuestionnaireOptions = field(default_factory=QuestionnaireOptions)


SECTIONS = {f.name: f.type for f in fields(Config)}
_SECTION_CLASSES = {
    "site": SiteOptions,
    "data": DataOptions,
    "disclosure": DisclosureOptions,
    "indicators": IndicatorOptions,
    "questionnaire": QuestionnaireOptions,
}


def _check_value(name: str, value: Any, default: Any, meta: dict) -> str | None:
    """Why ``value`` is not acceptable for an option, or None when it is."""
    if isinstance(default, bool):
        ok = isinstance(value, bool)
        kind = "true or false"
    elif isinstance(default, int):
        ok = isinstance(value, int) and not isinstance(value, bool)
        kind = "a whole number"
    elif isinstance(default, list):
        ok = isinstance(value, list) and value and all(isinstance(v, str) for v in value)
        kind = "a non-empty list of strings"
    elif name == "release_date":
        ok = isinstance(value, dt.date) and not isinstance(value, dt.datetime)
        kind = "a date such as 2026-06-30"
    else:
        ok = isinstance(value, str)
        kind = "a string"
    if not ok:
        return f"must be {kind}, not {value!r}"
    if meta["minimum"] is not None and value < meta["minimum"]:
        return f"must be at least {meta['minimum']}, not {value}"
    if meta["choices"] and value not in meta["choices"]:
        return f"must be one of {', '.join(meta['choices'])}, not {value!r}"
    if name == "form_id" and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,63}", value):
        return f"must start with a letter or _ and hold only letters, digits and _, not {value!r}"
    if name == "form_version" and not re.fullmatch(r"[A-Za-z0-9._-]{1,32}", value):
        return f"must be letters, digits, '.', '_' or '-' (at most 32), not {value!r}"
    if name == "currency":
        from .codelists import currency_codes

        if value not in currency_codes():
            return f"must be an ISO 4217 currency code such as EUR, not {value!r}"
    if name == "languages":
        if len(set(value)) != len(value):
            return f"lists a language twice: {value!r}"
        return next((f"{code!r} is not a language code such as 'en' or 'nl'" for code in value
                     if not re.fullmatch(LANGUAGE_CODE, code)), None)
    return None


def parse_config(raw: dict, file: str) -> Config:
    """Turn the parsed TOML into a ``Config``, reporting every problem at once."""
    problems: list[Problem] = []
    sections: dict[str, Any] = {}
    for key in sorted(set(raw) - set(_SECTION_CLASSES)):
        problems.append(Problem(file, None, key, "unknown-section", f"unknown section [{key}]"))
    for section, cls in _SECTION_CLASSES.items():
        table = raw.get(section, {})
        if not isinstance(table, dict):
            problems.append(Problem(file, None, section, "type", f"[{section}] must be a table"))
            continue
        known = {f.name: f for f in fields(cls)}
        values = {}
        for key in sorted(set(table) - set(known)):
            problems.append(Problem(file, None, f"{section}.{key}", "unknown-option", "unknown option"))
        for name, f in known.items():
            if name not in table:
                continue
            default = f.default_factory() if callable(f.default_factory) else f.default
            why = _check_value(name, table[name], default, f.metadata)
            if why:
                problems.append(Problem(file, None, f"{section}.{name}", "type", why))
            else:
                values[name] = table[name]
        sections[section] = cls(**values)
    raise_if(problems)
    return Config(**sections)


def load_config(project: Path) -> Config:
    """Read ``content/site.toml`` from the project folder (defaults if it is absent)."""
    path = project / CONFIG_PATH
    file = str(CONFIG_PATH)
    if not path.exists():
        return Config()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise_if([Problem(file, None, None, "encoding", f"not valid UTF-8 ({exc.reason})")])
    except tomllib.TOMLDecodeError as exc:
        # Python 3.11's TOMLDecodeError has no line attribute; its text says "(at line N, column M)".
        found = re.search(r"at line (\d+)", str(exc))
        line = int(found.group(1)) if found else None
        raise_if([Problem(file, line, None, "toml", f"not valid TOML: {exc}")])
    return parse_config(raw, file)


def documented_options() -> list[tuple[str, Any, str]]:
    """Every option as (section.name, default, help): the schema is the documentation."""
    rows = []
    for section, cls in _SECTION_CLASSES.items():
        for f in fields(cls):
            default = f.default_factory() if callable(f.default_factory) else f.default
            rows.append((f"{section}.{f.name}", default, f.metadata["help"]))
    return rows
