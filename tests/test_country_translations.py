"""Country profiles in other languages: the "at a glance" lists a translation carries, and the Dutch profiles.

A translation (``content/countries/XX.nl.md``) holds the text and, optionally, the translated lists; the facts
stay in the original. The bad-input cases (a list of the wrong length, a fact in a translation) are in
test_bad_inputs.py; here: what the pages show, and that every profile is in Dutch with its facts intact.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.inputs.content import GLANCE_FIELDS, load_content, parse_country_translation

REPO = Path(__file__).resolve().parents[1]
COUNTRIES = REPO / "content" / "countries"
ORIGINALS = sorted(p for p in COUNTRIES.glob("*.md") if "." not in p.stem)
GEOS = [p.stem for p in ORIGINALS]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _facts(html: str) -> str:
    """The "at a glance" section of a profile page."""
    found = re.search(r'id="facts-heading".*?</section>', html, re.S)
    assert found, "no at-a-glance section"
    return found.group(0)


def _lead(html: str) -> str:
    found = re.search(r'<p class="lead"[^>]*>.*?</p>', html, re.S)
    return found.group(0) if found else ""


# ------------------------------------------------------------------ the mechanism


def test_a_translation_may_leave_lists_out_and_those_stay_english():
    text = "---\ntitle: X\nbodies:\n- een\ncoverage: []\n---\n\nTekst.\n"
    translation = parse_country_translation(text, "content/countries/AT.nl.md")
    assert translation.bodies == ("een",) and translation.coverage == ()
    assert translation.untranslated_lists() == {"system_name", "data_source_details", "indicators",
                                                "figure_indicators"}
    assert set(GLANCE_FIELDS) >= translation.untranslated_lists()


def test_applying_a_translation_changes_the_words_and_keeps_the_facts():
    content = load_content(REPO)
    original = next(c for c in content.countries if c.geo == "NL")
    shown = content.translated("countries", "NL", "nl").apply(original)
    assert shown.bodies != original.bodies and len(shown.bodies) == len(original.bodies)
    assert [(f.cohort, f.value) for f in shown.figures] == [(f.cohort, f.value) for f in original.figures]
    assert [f.indicator for f in shown.figures] != [f.indicator for f in original.figures]
    assert (shown.sources, shown.timeline, shown.time_points_months, shown.last_reviewed, shown.data_source_type) == \
        (original.sources, original.timeline, original.time_points_months, original.last_reviewed,
         original.data_source_type)


# ------------------------------------------------------------------ pages (the golden project: NL has nl, AT none)


def test_a_translated_profile_shows_its_lists_in_its_language(golden_build):
    html = (golden_build / "nl" / "countries" / "nl" / "index.html").read_text(encoding="utf-8")
    facts = _facts(html)
    assert "Centraal Bureau voor de Statistiek" in facts and "Statistics Netherlands" not in facts
    assert "werkloosheid na het afstuderen" in facts and "unemployment after graduation" not in facts
    assert 'lang="en"' not in facts
    assert "Schoolverlatersonderzoek" in _lead(html) and 'lang="en"' not in _lead(html)
    index = (golden_build / "nl" / "countries" / "index.html").read_text(encoding="utf-8")
    assert "registerstatistieken van het CBS" in index


def test_an_untranslated_profile_marks_its_english_lists(golden_build):
    html = (golden_build / "nl" / "countries" / "at" / "index.html").read_text(encoding="utf-8")
    assert _facts(html).count('<ul lang="en">') == 4
    assert 'lang="en"' in _lead(html)
    # French has no translation of NL: the English lists, marked as English.
    fr = (golden_build / "fr" / "countries" / "nl" / "index.html").read_text(encoding="utf-8")
    assert "Statistics Netherlands" in _facts(fr) and _facts(fr).count('<ul lang="en">') == 4
    # English pages are English throughout: no lang attribute on the lists.
    en = (golden_build / "countries" / "nl" / "index.html").read_text(encoding="utf-8")
    assert 'lang="en"' not in _facts(en) and "Statistics Netherlands" in _facts(en)


def test_no_dutch_profile_page_says_it_is_not_translated(demo_build):
    # One page per profile (the folder is its code in lower case); the cross-country page sits beside them.
    pages = sorted(demo_build / "nl" / "countries" / geo.lower() / "index.html" for geo in GEOS)
    assert all(p.is_file() for p in pages), [p for p in pages if not p.is_file()]
    untranslated = [p.parent.name for p in pages if 'class="note untranslated"' in p.read_text(encoding="utf-8")]
    assert not untranslated, untranslated
    english_lists = [p.parent.name for p in pages if 'lang="en"' in _facts(p.read_text(encoding="utf-8"))]
    assert not english_lists, english_lists


# ------------------------------------------------------------------ the Dutch profiles themselves


@pytest.fixture(scope="module")
def content():
    return load_content(REPO)


@pytest.mark.parametrize("geo", GEOS)
def test_every_profile_has_a_dutch_translation_with_all_its_lists(content, geo):
    translation = content.translated("countries", geo, "nl")
    assert translation is not None, f"content/countries/{geo}.nl.md is missing"
    assert translation.title, "the Dutch country name"
    original = next(c for c in content.countries if c.geo == geo)
    left = translation.untranslated_lists() - ({"system_name"} if not original.system_name else set())
    assert not left, f"{geo}.nl.md leaves these lists in English: {sorted(left)}"


def _headings(body: str) -> list[str]:
    return [m.group(1) for m in re.finditer(r"^(#+) ", body, re.M)]


def _numbers(text: str, decimal: str, thousands: str) -> list[str]:
    """Every number written in digits, as a plain number ("75,000" in English and "75.000" in Dutch: 75000)."""
    found = []
    for m in re.finditer(r"\d+(?:[.,]\d+)*", text):
        token = m.group(0)
        token = re.sub(rf"\{thousands}(?=\d{{3}}(?!\d))", "", token).replace(decimal, ".")
        found.append(token)
    return found


def _prose(body: str) -> str:
    """The body without link targets (URLs hold digits that are no facts of the prose)."""
    return LINK.sub("]", body)


@pytest.mark.parametrize("geo", GEOS)
def test_a_dutch_profile_keeps_the_structure_links_and_numbers_of_the_english(content, geo):
    original = next(c for c in content.countries if c.geo == geo)
    translation = content.translated("countries", geo, "nl")
    if translation is None:
        pytest.fail(f"content/countries/{geo}.nl.md is missing")
    assert _headings(translation.body) == _headings(original.body), "the heading structure of the English"
    assert LINK.findall(translation.body) == LINK.findall(original.body), "the same links, in the same order"
    english = sorted(_numbers(_prose(original.body), ".", ","))
    dutch = sorted(_numbers(_prose(translation.body), ",", "."))
    missing = sorted(set(english) - set(dutch))
    extra = sorted(set(dutch) - set(english))
    assert not missing and not extra, f"numbers only in the English: {missing}; only in the Dutch: {extra}"
    assert not re.search(r"\d\.\d%|\d\.\d+ ?(?:procent|%)", translation.body), "Dutch decimals take a comma: 87,0%"
