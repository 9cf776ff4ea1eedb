"""Checks on the implementation guide (content/guide) and the site pages (content/pages).

Only PyYAML and the standard library are used, so these tests run before the
generator package is importable.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "content" / "guide"
PAGES = ROOT / "content" / "pages"

GUIDE_FILE = re.compile(r"^\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*\.md$")
SITE_PAGES = ("about.md", "methodology.md", "accessibility.md", "privacy.md")
TEMPLATE_HEADINGS = {
    "questionnaire": re.compile(r"^##\s+Core questionnaire\s*$", re.M | re.I),
    "checklist": re.compile(r"^##\s+Data-sharing agreement checklist\s*$", re.M | re.I),
    "calendar": re.compile(r"^##\s+Yearly tracking calendar\s*$", re.M | re.I),
}
PLACEHOLDERS = re.compile(r"\bTODO\b|\bTBD\b|lorem\s+ipsum", re.I)
RAW_EMBEDS = re.compile(r"<\s*(script|iframe)\b", re.I)
MIN_CHAPTERS = 8
MIN_BODY_WORDS = 400


def split_front_matter(path: Path) -> tuple[dict, str]:
    """The YAML front matter (between the first two '---' lines) and the body."""
    text = path.read_text(encoding="utf-8")
    match = re.match(r"\A---\s*\n(.*?)\n---\s*\n(.*)\Z", text, re.S)
    assert match, f"{path.name}: no front matter between '---' lines at the top"
    meta = yaml.safe_load(match.group(1))
    assert isinstance(meta, dict), f"{path.name}: front matter is not a mapping"
    return meta, match.group(2)


def words(markdown: str) -> int:
    """Words of prose, ignoring fenced code blocks."""
    prose = re.sub(r"```.*?```", " ", markdown, flags=re.S)
    return len(re.findall(r"[^\W\d_][\w'’-]*", prose))


def guide_files() -> list[Path]:
    return sorted(p for p in GUIDE.glob("*.md") if "." not in p.stem)  # translations (*.nl.md) aside


def all_content_files() -> list[Path]:
    return guide_files() + sorted(p for p in PAGES.glob("*.md") if "." not in p.stem)


def test_guide_has_enough_chapters():
    files = guide_files()
    assert len(files) >= MIN_CHAPTERS, f"only {len(files)} guide chapters"


@pytest.mark.parametrize("path", guide_files(), ids=lambda p: p.name)
def test_guide_file_name_is_numbered(path: Path):
    assert GUIDE_FILE.match(path.name), f"{path.name}: expected NN-slug.md"


@pytest.mark.parametrize("path", guide_files(), ids=lambda p: p.name)
def test_guide_front_matter(path: Path):
    meta, _ = split_front_matter(path)
    assert isinstance(meta.get("title"), str) and meta["title"].strip(), "title must be a non-empty string"
    order = meta.get("order")
    assert isinstance(order, int) and not isinstance(order, bool), "order must be an integer"
    assert isinstance(meta.get("summary"), str) and meta["summary"].strip(), "summary must be a non-empty string"


def test_guide_orders_are_unique():
    orders = [split_front_matter(p)[0].get("order") for p in guide_files()]
    duplicates = sorted({o for o in orders if orders.count(o) > 1})
    assert not duplicates, f"order values used more than once: {duplicates}"


def test_guide_order_follows_file_numbers():
    files = guide_files()
    by_order = sorted(files, key=lambda p: split_front_matter(p)[0]["order"])
    assert by_order == files, "the order in front matter should match the file numbering"


@pytest.mark.parametrize("path", guide_files(), ids=lambda p: p.name)
def test_guide_body_is_substantial(path: Path):
    _, body = split_front_matter(path)
    count = words(body)
    assert count >= MIN_BODY_WORDS, f"{path.name}: body has {count} words, at least {MIN_BODY_WORDS} expected"


@pytest.mark.parametrize("path", guide_files(), ids=lambda p: p.name)
def test_guide_headings_start_at_level_two(path: Path):
    _, body = split_front_matter(path)
    prose = re.sub(r"```.*?```", " ", body, flags=re.S)
    assert not re.search(r"^#\s", prose, re.M), "the title comes from front matter; body headings start at ##"
    assert re.search(r"^##\s", prose, re.M), "the body should have at least one ## heading"


@pytest.mark.parametrize("name", sorted(TEMPLATE_HEADINGS))
def test_template_exists(name: str):
    pattern = TEMPLATE_HEADINGS[name]
    found = [p.name for p in guide_files() if pattern.search(split_front_matter(p)[1])]
    assert found, f"no guide chapter has the {name} template heading ({pattern.pattern})"


@pytest.mark.parametrize("name", SITE_PAGES)
def test_site_page_exists_with_title(name: str):
    path = PAGES / name
    assert path.is_file(), f"content/pages/{name} is missing"
    meta, body = split_front_matter(path)
    assert isinstance(meta.get("title"), str) and meta["title"].strip(), "title must be a non-empty string"
    assert isinstance(meta.get("summary"), str) and meta["summary"].strip(), "summary must be a non-empty string"
    assert body.strip(), "page body is empty"


@pytest.mark.parametrize("path", all_content_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_placeholder_text(path: Path):
    text = path.read_text(encoding="utf-8")
    found = PLACEHOLDERS.findall(text)
    assert not found, f"{path.name}: placeholder text {found}"


@pytest.mark.parametrize("path", all_content_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_script_or_iframe(path: Path):
    text = path.read_text(encoding="utf-8")
    assert not RAW_EMBEDS.search(text), f"{path.name}: raw <script> or <iframe> found"


# -- the yearly calendar: each wave sits in the column of the cohort it belongs to ----------------------

CALENDAR = GUIDE / "11-template-tracking-calendar.md"
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
GRADUATION_MONTH = 6  # the calendar assumes June graduations
COHORT = re.compile(r"^C(?:−(\d))?\b")
WAVE_STEP = re.compile(r"\b(open|close|prepare|pre-notification for|code) the (\d+)-month (?:wave|answers)")
#: How many months after graduation each step may fall, relative to the wave's planned point n.
STEP_WINDOW = {"open": (0, 0), "close": (0, 1), "prepare": (-2, -1), "pre-notification for": (-1, -1),
               "code": (0, 2)}


def calendar_rows() -> list[tuple[str, int | None, str]]:
    """(month, months since the row's cohort graduated or None for a data row, step) for every row of the table."""
    _, body = split_front_matter(CALENDAR)
    table = body.split("## Yearly tracking calendar", 1)[1].split("\n## ", 1)[0]
    rows = [[c.strip() for c in line.strip().strip("|").split("|")] for line in table.splitlines()
            if line.startswith("|")]
    assert rows[0] == ["month", "cohort", "step"], rows[0]
    out = []
    for month, cohort, step in rows[2:]:
        found = COHORT.match(cohort)
        assert found or cohort == "data", f"{month}: {cohort!r} names no cohort"
        since = 12 * int(found.group(1) or 0) + MONTHS.index(month) + 1 - GRADUATION_MONTH if found else None
        out.append((month, since, step))
    return out


def test_calendar_goes_through_the_year_in_order():
    months = [m for m, _, _ in calendar_rows()]
    assert list(dict.fromkeys(months)) == list(MONTHS) and months == sorted(months, key=MONTHS.index)


@pytest.mark.parametrize("month, months_since, step", calendar_rows())
def test_calendar_puts_each_wave_under_the_cohort_it_belongs_to(month, months_since, step):
    waves = WAVE_STEP.findall(step)
    if months_since is None:
        assert not waves and "pseudonymisation key" not in step, f"{month}: a cohort's step in a data row"
        return
    for kind, wave in waves:
        low, high = STEP_WINDOW[kind]
        assert int(wave) + low <= months_since <= int(wave) + high, (
            f"{month}: '{kind} the {wave}-month wave' for a cohort that graduated {months_since} months ago")
    if months_since < 0:
        assert "wave" not in step, f"{month}: a wave for a cohort that has not graduated yet"
    if "pseudonymisation key" in step:
        assert months_since >= 18, f"{month}: the key is destroyed before the last (18-month) wave"


# -- one word for the cohort data ----------------------------------------------------------------------

#: "anonymised" in any language; the cohort records are pseudonymised (GDPR Art. 4(5), Recital 26).
ANONYMISED = re.compile(r"anonymi[sz]|geanonimiseerd|anonymisé", re.I)
#: A source's own word may be quoted: directly after an opening quotation mark.
QUOTED = re.compile(r"[\"“«]\u00a0?$")


def wording_files() -> list[Path]:
    content = sorted((ROOT / "content").rglob("*.md"))
    scaffold = sorted((ROOT / "generator" / "scaffold").rglob("*.md"))
    catalogues = sorted((ROOT / "generator" / "locale").rglob("*.po"))
    templates = sorted((ROOT / "templates").rglob("*.html"))
    return [*content, *scaffold, *catalogues, *templates, ROOT / "README.md"]


@pytest.mark.parametrize("path", wording_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_nothing_calls_the_data_anonymised(path: Path):
    """Linked records a key can still join are pseudonymised, not anonymous: say so in every language."""
    text = path.read_text(encoding="utf-8")
    if path.parent.name == "countries" and text.startswith("---"):
        # The front matter copies the reference's facts word for word: blank it, keeping the line numbers.
        end = text.index("\n---", 3)
        text = re.sub(r"[^\n]", " ", text[:end]) + text[end:]
    bad = [text.count("\n", 0, m.start()) + 1 for m in ANONYMISED.finditer(text)
           if not QUOTED.search(text[:m.start()])]
    assert not bad, f"{path.relative_to(ROOT)}: 'anonymised' (unquoted) on line(s) {bad}; say pseudonymised"


# -- translations keep the facts -------------------------------------------------------------------------

#: The guide chapters and pages translated in full, per language: each must exist and keep what the English
#: says that is not words: links, numbers, code, heading levels and table shapes.
TRANSLATED = {
    "nl": [*(f"guide/{name}" for name in (
        "01-why-track", "02-legal-basis-and-data-protection", "03-choosing-sources", "04-survey-protocol",
        "05-preparing-data", "06-indicators", "07-disclosure-control", "08-publishing-and-closing-the-loop",
        "09-template-core-questionnaire", "10-template-data-sharing-checklist", "11-template-tracking-calendar")),
        *(f"pages/{name}" for name in ("about", "privacy", "methodology", "accessibility", "changelog"))],
}
TRANSLATION_PAIRS = [(lang, name) for lang, names in TRANSLATED.items() for name in names]
NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*")


def fact_skeleton(body: str) -> dict[str, list]:
    """What a translation must keep from its original: everything in it that is not a sentence."""
    fences = re.findall(r"```.*?```", body, flags=re.S)
    prose = re.sub(r"```.*?```", " ", body, flags=re.S)
    links = re.findall(r"\]\(([^)\s]+)\)", prose)
    prose_without_links = re.sub(r"\]\([^)\s]+\)", "]", prose)
    lines = prose.splitlines()
    return {
        "links": links,
        "code blocks": fences,
        "inline code": sorted(" ".join(span.split()) for span in re.findall(r"`([^`]+)`", prose)),
        # 2,000 and 2.000, 0.1 and 0,1: the same figure in English and in Dutch or French notation.
        "numbers": sorted(re.sub(r"[.,]", ".", n) for n in NUMBER.findall(prose_without_links)),
        "headings": [line.split(" ", 1)[0] for line in lines if re.match(r"#{2,6} ", line)],
        "table rows": [line.strip().count("|") for line in lines if line.lstrip().startswith("|")],
    }


@pytest.mark.parametrize("lang,name", TRANSLATION_PAIRS, ids=lambda v: v)
def test_a_translation_keeps_every_link_figure_code_heading_and_table(lang: str, name: str):
    original = ROOT / "content" / f"{name}.md"
    translation = ROOT / "content" / f"{name}.{lang}.md"
    assert translation.is_file(), f"{translation.relative_to(ROOT)} is missing"
    meta, body = split_front_matter(translation)
    assert set(meta) == {"title", "summary"}, "a translation's front matter has its title and summary only"
    english_meta, english = split_front_matter(original)
    assert meta["title"] != english_meta["title"], "the title is not translated"
    expected, found = fact_skeleton(english), fact_skeleton(body)
    for part in expected:
        assert found[part] == expected[part], f"{translation.name}: its {part} differ from {original.name}"
