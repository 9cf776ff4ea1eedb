"""Read the content files: Markdown with YAML front matter.

``content/countries/<geo>.md`` are the context-study profiles,
``content/guide/*.md`` the implementation guide's chapters and
``content/pages/*.md`` the site's own pages. Front matter is checked against a
small schema here, with every problem located by file, line and key.

A translation sits beside its original with the language before the suffix:
``content/pages/about.nl.md``, ``content/countries/BE-FR.fr.md``. It holds the
translated text (front matter: ``title`` and ``summary``, both optional); the
facts stay in the original.

A country profile's translation may also carry its "at a glance" lists in its
own language. Each is optional (a list left out is shown in English) and each
mirrors the original's key::

    ---
    title: Nederland
    system_name: "Schoolverlatersonderzoek (SVO) + registerstatistieken van het CBS"
    bodies:                       # as many items as the original, in its order
    - ROA, Universiteit Maastricht
    - CBS (Centraal Bureau voor de Statistiek)
    data_sources:
      details:                    # only details: the type is a code, translated by the catalogue
      - jaarlijks schoolverlatersonderzoek
    coverage:
    - mbo-bol en mbo-bbl
    indicators:
    - werkloosheid na het afstuderen
    figures:                      # only each figure's indicator words; cohort and value stay in the original
    - indicator: "mbo-bol-gediplomeerden direct na het verlaten van school aan het werk"
    ---

A translated list must have exactly as many items as the original's (item n
translates item n), ``figures`` included. Any other key (``sources``,
``timeline``, a figure's ``cohort`` or ``value``, ``data_sources.type``) is an
error: years, values, codes, URLs and dates live only in the original.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from ..codelists import geo_codes
from ..errors import Problem, raise_if
from .. import statuses
from ..i18n import N_, project_locale
from ..statuses import TIMELINE_STATUSES

#: The Timeline statuses a profile may give (``statuses.TIMELINE_STATUSES``).
STATUSES = tuple(s.code for s in TIMELINE_STATUSES)
#: Whether a national (or regional) system tracks VET graduates, as the profile's own sources describe it:
#: a dedicated system runs; only a pilot, a project or part of VET is covered; no dedicated system, but
#: outcomes appear in general statistics or reports; none found in the sources consulted. The maps colour
#: by this, not by the Cedefop Timeline's latest status, which says how far one listed measure has come.
NATIONAL_SYSTEMS = tuple(s.code for s in statuses.NATIONAL_SYSTEMS)
#: Words of the front matter that pages show, so the catalogue translates them.
CONFIDENCE = (N_("high"), N_("medium"), N_("low"))
SOURCE_TYPES = (N_("administrative"), N_("survey"), N_("both"))
_LANGUAGE = re.compile(r"[a-z]{2,3}")
_FRONT = re.compile(r"\A---\r?\n(.*?)\r?\n---\r?\n?(.*)\Z", re.S)


@dataclass(frozen=True)
class TimelineEntry:
    year: int
    status: str
    cedefop_id: int | None


@dataclass(frozen=True)
class NationalFigure:
    indicator: str
    cohort: str
    value: float


@dataclass(frozen=True)
class Source:
    """A document a profile's facts come from, as a reader would cite it.

    ``title`` is the document's own title; where it could not be established, ``description`` says in our
    words what the document is (a citation shows it in square brackets) and ``title`` stays empty. An
    unknown ``published`` date is left empty and shown as such, never guessed. ``accessed`` is the day the
    profile's facts were checked against the document. A source given as a bare URL (the older form) has
    only its ``url``.
    """

    url: str
    title: str = ""
    description: str = ""
    language: str = ""       # the title's language (BCP 47), when it is not English
    publisher: str = ""
    published: str = ""      # YYYY, YYYY-MM or YYYY-MM-DD; "" when the source gives no date
    edition: str = ""        # which version of a page that changes: "2024 update", "data extracted in July 2025"
    accessed: dt.date | None = None

    @property
    def bare(self) -> bool:
        """Given as a bare URL, with nothing to cite it by."""
        return not (self.title or self.description or self.publisher)


@dataclass(frozen=True)
class CountryProfile:
    geo: str
    name: str
    system_name: str
    national_system: str  # one of NATIONAL_SYSTEMS, or "" when the profile does not say
    timeline: tuple[TimelineEntry, ...]
    bodies: tuple[str, ...]
    data_source_type: str
    data_source_details: tuple[str, ...]
    time_points_months: tuple[int, ...]
    coverage: tuple[str, ...]
    indicators: tuple[str, ...]
    figures: tuple[NationalFigure, ...]
    cedefop_ids: tuple[int, ...]
    sources: tuple[Source, ...]
    confidence: str
    last_reviewed: dt.date
    body: str
    path: str

    @property
    def current_status(self) -> str:
        """The latest status in the timeline, or '' when the country has none recorded."""
        return self.timeline[-1].status if self.timeline else ""


@dataclass(frozen=True)
class Document:
    """A guide chapter or a site page."""

    slug: str
    title: str
    summary: str
    order: int
    body: str
    path: str


@dataclass(frozen=True)
class CountryTranslation(Document):
    """A country profile's translation: the text, and the "at a glance" lists it translates (None: not translated)."""

    system_name: str | None = None
    bodies: tuple[str, ...] | None = None
    data_source_details: tuple[str, ...] | None = None
    coverage: tuple[str, ...] | None = None
    indicators: tuple[str, ...] | None = None
    figure_indicators: tuple[str, ...] | None = None

    def untranslated_lists(self) -> frozenset[str]:
        """The names of the lists this translation leaves in English (the profile's field names)."""
        return frozenset(name for name in GLANCE_FIELDS if getattr(self, name) is None)

    def apply(self, profile: CountryProfile) -> CountryProfile:
        """The profile with the lists this translation carries put in place of the English ones."""
        changes = {name: getattr(self, name) for name in GLANCE_FIELDS
                   if name != "figure_indicators" and getattr(self, name) is not None}
        if self.figure_indicators is not None:
            changes["figures"] = tuple(dataclasses.replace(f, indicator=words)
                                       for f, words in zip(profile.figures, self.figure_indicators, strict=True))
        return dataclasses.replace(profile, **changes)


#: The lists of a profile a translation may carry, as CountryTranslation fields.
GLANCE_FIELDS = ("system_name", "bodies", "data_source_details", "coverage", "indicators", "figure_indicators")
#: Front matter keys of a country profile's translation.
COUNTRY_TRANSLATION_KEYS = ("title", "summary", "system_name", "bodies", "data_sources", "coverage", "indicators",
                            "figures")


@dataclass(frozen=True)
class Content:
    countries: tuple[CountryProfile, ...]
    guide: tuple[Document, ...]
    pages: dict[str, Document]
    #: (kind, key, language) -> translated Document; key is the slug, or the geo code of a country.
    translations: dict[tuple[str, str, str], Document] = field(default_factory=dict)
    #: The project's own interface catalogues (its locale/ folder), searched before the built-in ones.
    locale: Path | None = None

    def translated(self, kind: str, key: str, language: str) -> Document | None:
        return self.translations.get((kind, key, language))


def split_front_matter(text: str, file: str) -> tuple[dict, str, int]:
    """(front matter, body, line where the body starts); problems raise InputError."""
    found = _FRONT.match(text)
    if not found:
        raise_if([Problem(file, 1, None, "front-matter", "must start with YAML front matter between --- lines")])
    try:
        meta = yaml.safe_load(found.group(1))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise_if([Problem(file, line, None, "yaml", f"front matter is not valid YAML: {problem}")])
    if not isinstance(meta, dict):
        raise_if([Problem(file, 2, None, "front-matter", "front matter must be a mapping of keys to values")])
    body_line = found.group(1).count("\n") + 3
    return meta, found.group(2), body_line


def _key_lines(text: str) -> dict[str, int]:
    """Line of each top-level front matter key, to point problems at it."""
    lines = {}
    for number, line in enumerate(text.splitlines(), start=1):
        m = re.match(r"^([A-Za-z_][\w-]*):", line)
        if m and m.group(1) not in lines:
            lines[m.group(1)] = number
        if number > 1 and line.strip() == "---":
            break
    return lines


class _Checker:
    """Collects front matter problems for one file."""

    def __init__(self, file: str, text: str, meta: dict):
        self.file, self.meta, self.lines, self.problems = file, meta, _key_lines(text), []

    def bad(self, key: str, message: str, code: str = "front-matter", at: str | None = None) -> None:
        """A problem with ``key``, located at the line of the top-level key ``at`` (by default key's first part)."""
        self.problems.append(Problem(self.file, self.lines.get(at or key.split(".")[0]), key, code, message))

    def get(self, key: str, kind, required: bool = True, default=None):
        if key not in self.meta:
            if required:
                self.bad(key, "is required", "missing-key")
            return default
        value = self.meta[key]
        if value is None and not required:
            return default
        if not _is(value, kind):
            self.bad(key, f"must be {_kind_name(kind)}, not {value!r}")
            return default
        return value

    def strings(self, key: str, required: bool = True) -> tuple[str, ...]:
        value = self.get(key, list, required, [])
        if not all(isinstance(v, str) and v.strip() for v in value):
            self.bad(key, "must be a list of non-empty strings")
            return ()
        return tuple(value)


def _is(value, kind) -> bool:
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is dt.date:
        return isinstance(value, dt.date) and not isinstance(value, dt.datetime)
    if kind is str:
        return isinstance(value, str) and bool(value.strip())
    return isinstance(value, kind)


def _kind_name(kind) -> str:
    return {int: "a whole number", str: "a non-empty string", list: "a list", dict: "a mapping",
            dt.date: "a date (YYYY-MM-DD)"}.get(kind, kind.__name__)


def is_web_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in url


#: Keys of a source given as a mapping; ``url``, ``publisher`` and ``accessed`` are required, and one of
#: ``title`` (the document's own) or ``description`` (ours, where no title could be established).
SOURCE_KEYS = ("url", "title", "description", "language", "publisher", "published", "edition", "accessed")
_PUBLISHED = re.compile(r"\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?")


def _item_lines(text: str, key: str) -> list[int]:
    """The line of each item of the top-level list ``key`` in the front matter, in order."""
    lines, inside = [], False
    for number, line in enumerate(text.splitlines(), start=1):
        if number > 1 and line.strip() == "---":
            break
        if re.match(r"^[A-Za-z_][\w-]*:", line):
            inside = line.startswith(f"{key}:")
        elif inside and line.startswith("- "):
            lines.append(number)
    return lines


def parse_sources(c: _Checker, text: str, reviewed: dt.date | None) -> tuple[Source, ...]:
    """The profile's sources, each a bare URL or a mapping of SOURCE_KEYS; every problem names its item."""
    items = c.get("sources", list, default=[])
    lines = _item_lines(text, "sources")
    sources, seen = [], set()
    for i, item in enumerate(items):
        where, line = f"sources[{i}]", lines[i] if i < len(lines) else c.lines.get("sources")

        def bad(key: str, message: str, code: str = "front-matter") -> None:
            c.problems.append(Problem(c.file, line, f"{where}.{key}" if key else where, code, message))

        if isinstance(item, str):
            source = Source(url=item)
        elif isinstance(item, dict):
            for key in sorted(set(item) - set(SOURCE_KEYS), key=str):
                bad(str(key), f"unknown key: a source holds {', '.join(SOURCE_KEYS)}", "unknown-key")
            texts = {}
            for key in ("url", "title", "description", "language", "publisher", "edition"):
                value = item.get(key)
                if value is not None and not _is(value, str):
                    bad(key, f"must be a non-empty string, not {value!r}")
                    value = None
                texts[key] = (value or "").strip()
            for key in ("url", "publisher"):
                if key not in item:
                    bad(key, "is required", "missing-key")
            if "title" not in item and "description" not in item:
                bad("title", "is required: the document's own title, or a description in its place where no "
                    "title could be established", "missing-key")
            elif texts["title"] and texts["description"]:
                bad("description", "give the document's own title or a description of it, not both")
            published = item.get("published")
            if isinstance(published, dt.date) and not isinstance(published, dt.datetime):
                published = published.isoformat()
            elif _is(published, int):
                published = str(published)
            if published is not None and not (isinstance(published, str) and _PUBLISHED.fullmatch(published)):
                bad("published", f"must be a date as YYYY, YYYY-MM or YYYY-MM-DD, not {item.get('published')!r}; "
                    "leave it out when the source gives no date")
                published = None
            accessed = item.get("accessed")
            if "accessed" not in item:
                bad("accessed", "is required: the day the facts were checked against this source", "missing-key")
                accessed = None
            elif not _is(accessed, dt.date):
                bad("accessed", f"must be a date (YYYY-MM-DD), not {accessed!r}")
                accessed = None
            elif reviewed is not None and accessed > reviewed:
                bad("accessed", f"{accessed.isoformat()} is after last_reviewed ({reviewed.isoformat()}): the "
                    "profile was reviewed when its sources were last checked, so move last_reviewed", "accessed-after-review")
            if published and accessed and published > accessed.isoformat():
                bad("published", f"{published} is after the day the source was accessed ({accessed.isoformat()})")
            source = Source(url=texts["url"], title=texts["title"], description=texts["description"],
                            language=texts["language"], publisher=texts["publisher"], published=published or "",
                            edition=texts["edition"], accessed=accessed)
        else:
            bad("", f"must be a URL or a mapping with {', '.join(SOURCE_KEYS)}, not {item!r}")
            continue
        if (source.url or isinstance(item, str)) and not is_web_url(source.url):
            bad("url" if isinstance(item, dict) else "", f"{source.url!r} is not a well-formed http(s) URL")
        elif source.url in seen:
            bad("url" if isinstance(item, dict) else "", f"{source.url!r} is listed twice", "duplicate-source")
        seen.add(source.url)
        sources.append(source)
    if "sources" in c.meta and not items:
        c.bad("sources", "at least one source is required")
    return tuple(sources)


COUNTRY_KEYS = ("geo", "name", "system_name", "national_system", "timeline", "bodies", "data_sources", "time_points_months",
                "coverage", "indicators", "figures", "cedefop_ids", "related_cedefop_entries", "sources",
                "confidence", "last_reviewed")


def parse_country(text: str, file: str) -> CountryProfile:
    meta, body, _ = split_front_matter(text, file)
    c = _Checker(file, text, meta)
    for key in sorted(set(meta) - set(COUNTRY_KEYS)):
        c.bad(key, "unknown key", "unknown-key")
    geo = c.get("geo", str, default="")
    if geo and geo not in geo_codes():
        c.bad("geo", f"{geo!r} is not a known geo code")
    expected = Path(file).stem
    if geo and geo != expected:
        c.bad("geo", f"{geo!r} does not match the file name {expected}.md")
    timeline = []
    for i, entry in enumerate(c.get("timeline", list, default=[])):
        where = f"timeline[{i}]"
        if not isinstance(entry, dict):
            c.bad(where, "must be a mapping with year and status")
            continue
        year, status, cid = entry.get("year"), entry.get("status"), entry.get("cedefop_id")
        if not _is(year, int) or not 2000 <= year <= 2100:
            c.bad(f"{where}.year", f"must be a year, not {year!r}")
        if status not in STATUSES:
            c.bad(f"{where}.status", f"must be one of {', '.join(STATUSES)}, not {status!r}")
        if cid is not None and not _is(cid, int):
            c.bad(f"{where}.cedefop_id", f"must be a whole number, not {cid!r}")
        timeline.append(TimelineEntry(year, status, cid))
    # A year may appear twice when two measures overlap (Bulgaria, 2020), never twice for one measure.
    keys = [(t.year, t.cedefop_id) for t in timeline]
    if all(isinstance(t.year, int) for t in timeline) and (
        [t.year for t in timeline] != sorted(t.year for t in timeline) or len(set(keys)) != len(keys)
    ):
        c.bad("timeline", "entries must be in year order, each year once per Cedefop measure")
    sources_meta = c.get("data_sources", dict, default={})
    figures = []
    for i, fig in enumerate(c.get("figures", list, default=[])):
        if not isinstance(fig, dict) or not _is(fig.get("indicator"), str) or not _is(fig.get("value"), (int, float)):
            c.bad(f"figures[{i}]", "must have an indicator (text) and a value (number)")
            continue
        figures.append(NationalFigure(fig["indicator"], str(fig.get("cohort", "")), float(fig["value"])))
    points = c.get("time_points_months", list, default=[])
    if not all(_is(p, int) and 0 < p <= 120 for p in points):
        c.bad("time_points_months", "must be a list of months between 1 and 120")
    ids = c.get("cedefop_ids", list, default=[])
    if not all(_is(i, int) for i in ids):
        c.bad("cedefop_ids", "must be a list of whole numbers")
    reviewed = c.get("last_reviewed", dt.date, default=dt.date(1970, 1, 1))
    sources = parse_sources(c, text, reviewed if _is(meta.get("last_reviewed"), dt.date) else None)
    confidence = c.get("confidence", str, default="")
    if confidence and confidence not in CONFIDENCE:
        c.bad("confidence", f"must be high, medium or low, not {confidence!r}")
    c.get("related_cedefop_entries", list, required=False)
    national_system = c.get("national_system", str, required=False, default="")
    if national_system and national_system not in NATIONAL_SYSTEMS:
        c.bad("national_system", f"must be one of {', '.join(NATIONAL_SYSTEMS)}, not {national_system!r}")
    if not body.strip():
        c.bad("body", "the profile has no text after the front matter", "empty-body")
    profile = CountryProfile(
        geo=geo, name=c.get("name", str, default=geo), system_name=c.get("system_name", str, required=False) or "",
        national_system=national_system or "",
        timeline=tuple(timeline), bodies=c.strings("bodies"),
        data_source_type=str(sources_meta.get("type", "")) if isinstance(sources_meta, dict) else "",
        data_source_details=tuple(str(d) for d in sources_meta.get("details", []) or []) if isinstance(sources_meta, dict) else (),
        time_points_months=tuple(points), coverage=c.strings("coverage"), indicators=c.strings("indicators"),
        figures=tuple(figures), cedefop_ids=tuple(ids), sources=sources, confidence=confidence,
        last_reviewed=reviewed, body=body, path=file,
    )
    raise_if(c.problems)
    return profile


def parse_document(text: str, file: str, *, needs_order: bool, needs_title: bool = True) -> Document:
    meta, body, _ = split_front_matter(text, file)
    c = _Checker(file, text, meta)
    title = c.get("title", str, required=needs_title, default="")
    summary = c.get("summary", str, required=False, default="")
    order = c.get("order", int, required=needs_order, default=0)
    if not body.strip():
        c.bad("body", "the page has no text after the front matter", "empty-body")
    raise_if(c.problems)
    slug = re.sub(r"^\d+-", "", Path(file).stem)
    return Document(slug=slug, title=title, summary=summary, order=order, body=body, path=file)


def parse_country_translation(text: str, file: str) -> CountryTranslation:
    """A profile's translation: its text and the lists it translates (their lengths are checked against the
    original in ``check_country_translation``, once both are read)."""
    doc = parse_document(text, file, needs_order=False, needs_title=False)
    meta, _, _ = split_front_matter(text, file)
    c = _Checker(file, text, meta)
    for key in sorted(set(meta) - set(COUNTRY_TRANSLATION_KEYS)):
        c.bad(key, "unknown key: a translation holds only title, summary and the translated lists "
              f"({', '.join(COUNTRY_TRANSLATION_KEYS[2:])}); the facts stay in the original", "unknown-key")
    lists = {}
    if "system_name" in meta:
        lists["system_name"] = c.get("system_name", str, default=None)
    for key in ("bodies", "coverage", "indicators"):
        if key in meta:
            lists[key] = c.strings(key)
    if "data_sources" in meta:
        sources = c.get("data_sources", dict, default={})
        for key in sorted(set(sources) - {"details"}):
            c.bad(f"data_sources.{key}", "unknown key: a translation's data_sources holds only details",
                  "unknown-key")
        details = sources.get("details")
        if not isinstance(details, list) or not all(isinstance(d, str) and d.strip() for d in details):
            c.bad("data_sources.details", "must be a list of non-empty strings")
        else:
            lists["data_source_details"] = tuple(details)
    if "figures" in meta:
        words = []
        for i, fig in enumerate(c.get("figures", list, default=[])):
            if not isinstance(fig, dict):
                c.bad(f"figures[{i}]", "must be a mapping with only indicator", at="figures")
                continue
            for key in sorted(set(fig) - {"indicator"}):
                c.bad(f"figures[{i}].{key}", "unknown key: a translated figure holds only its indicator words; "
                      "cohort and value stay in the original", "unknown-key", at="figures")
            if not _is(fig.get("indicator"), str):
                c.bad(f"figures[{i}].indicator", "must be a non-empty string", at="figures")
                continue
            words.append(fig["indicator"])
        lists["figure_indicators"] = tuple(words)
    raise_if(c.problems)
    return CountryTranslation(**dataclasses.asdict(doc), **lists)


def check_country_translation(translation: CountryTranslation, original: CountryProfile, text: str) -> list[Problem]:
    """A translated list has one item per item of the original's, or the two cannot be read side by side."""
    lines = _key_lines(text)
    problems = []
    pairs = (("bodies", "bodies", original.bodies), ("data_sources.details", "data_source_details",
             original.data_source_details), ("coverage", "coverage", original.coverage),
             ("indicators", "indicators", original.indicators), ("figures", "figure_indicators", original.figures))
    for key, name, theirs in pairs:
        ours = getattr(translation, name)
        if ours is not None and len(ours) != len(theirs):
            problems.append(Problem(translation.path, lines.get(key.split(".")[0]), key, "translation-length",
                                    f"has {len(ours)} item(s), but {original.path} has {len(theirs)}: a translated "
                                    "list translates each item of the original, in its order"))
    if translation.system_name is not None and not original.system_name:
        problems.append(Problem(translation.path, lines.get("system_name"), "system_name", "translation-length",
                                f"{original.path} has no system_name to translate"))
    return problems


def _read(path: Path, file: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise_if([Problem(file, None, None, "encoding", f"not valid UTF-8 ({exc.reason})")])


def reviewed_after_release(content: Content, release_date: dt.date | None, project: Path | None = None) -> list[Problem]:
    """A profile's last_reviewed is the day its sources were checked: a release cannot carry a later one.
    With ``project``, each problem points at the line of last_reviewed in its file."""
    if release_date is None:
        return []

    def line(profile: CountryProfile) -> int | None:
        path = project / profile.path if project is not None else None
        return _key_lines(path.read_text(encoding="utf-8")).get("last_reviewed") if path and path.is_file() else None

    return [Problem(c.path, line(c), "last_reviewed", "reviewed-after-release",
                    f"{c.last_reviewed.isoformat()} is after the release date {release_date.isoformat()} in "
                    "content/site.toml: a profile cannot have been checked after the release it appears in")
            for c in content.countries if c.last_reviewed > release_date]


#: A profile whose sources were last checked this long before the release may be out of date: a warning.
REVIEW_WARNING_DAYS = 2 * 365


def review_overdue(content: Content, release_date: dt.date | None) -> list[Problem]:
    """Warnings for the profiles last reviewed more than two years before the release (when its date is set)."""
    if release_date is None:
        return []
    return [Problem(c.path, None, "last_reviewed", "review-overdue",
                    f"{c.last_reviewed.isoformat()} is {(release_date - c.last_reviewed).days:,} days before the "
                    f"release date {release_date.isoformat()}: check the profile's sources again")
            for c in content.countries if (release_date - c.last_reviewed).days > REVIEW_WARNING_DAYS]


def load_content(project: Path) -> Content:
    """Every content file, with every problem in every file reported at once."""
    from ..errors import InputError

    problems: list[Problem] = []
    countries, guide, pages = [], [], {}
    root = project / "content"
    if not root.is_dir():
        raise_if([Problem("content", None, None, "missing-folder",
                          "the project has no content/ folder (site.toml, countries/, guide/, pages/)")])
    translations = {}
    translation_texts = {}
    for kind in ("countries", "guide", "pages"):
        for path in sorted((root / kind).glob("*.md")):
            file = str(path.relative_to(project))
            original, _, language = path.stem.rpartition(".")
            try:
                text = _read(path, file)
                if original:
                    if not _LANGUAGE.fullmatch(language):
                        raise_if([Problem(file, None, None, "file-name", f"{language!r} is not a language code: "
                                          "name a translation like about.nl.md")])
                    if kind == "countries":
                        doc = parse_country_translation(text, file)
                        translation_texts[original, language] = text
                    else:
                        doc = parse_document(text, file, needs_order=False, needs_title=False)
                    key = original if kind == "countries" else re.sub(r"^\d+-", "", original)
                    translations[kind, key, language] = dataclasses.replace(doc, slug=key)
                elif kind == "countries":
                    countries.append(parse_country(text, file))
                elif kind == "guide":
                    guide.append(parse_document(text, file, needs_order=True))
                else:
                    doc = parse_document(text, file, needs_order=False)
                    pages[doc.slug] = doc
            except InputError as exc:
                problems += exc.problems
    orders = [d.order for d in guide]
    for d in guide:
        if orders.count(d.order) > 1:
            problems.append(Problem(d.path, None, "order", "duplicate-order", f"another chapter also has order {d.order}"))
    known = {("countries", c.geo) for c in countries} | {("guide", d.slug) for d in guide} | \
        {("pages", slug) for slug in pages}
    by_geo = {c.geo: c for c in countries}
    for (kind, key, language), doc in translations.items():
        if (kind, key) not in known:
            problems.append(Problem(doc.path, None, None, "translation", f"translates {key!r}, but there is no "
                                    f"content/{kind}/ file it could be the translation of"))
        elif kind == "countries":
            problems += check_country_translation(doc, by_geo[key], translation_texts[key, language])
    raise_if(problems)
    return Content(tuple(sorted(countries, key=lambda c: c.geo)), tuple(sorted(guide, key=lambda d: d.order)), pages,
                   translations, project_locale(project))
