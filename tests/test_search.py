"""Search: a Pagefind index per language, made by the build, answering in Chromium over HTTP."""

from __future__ import annotations

import json
import re

import pytest

from browser import PageWatch, serve


@pytest.fixture(scope="module")
def site(demo_build):
    with serve(demo_build) as base:
        yield base, demo_build


def test_the_build_makes_one_index_per_language(demo_build):
    entry = json.loads((demo_build / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    languages = entry["languages"]
    assert set(languages) == {"en", "nl", "fr"}
    pages = {code: info["page_count"] for code, info in languages.items()}
    # Every page but the search page itself and the 404 page is indexed, in each language.
    english = sum(1 for p in demo_build.rglob("index.html")
                  if not p.relative_to(demo_build).as_posix().startswith(("pagefind/", "nl/", "fr/", "search/")))
    assert pages["en"] == english
    assert pages["nl"] == pages["fr"] == pages["en"]
    assert pages["en"] > 200


def test_every_page_has_a_search_box(demo_build):
    for path in list(demo_build.glob("*.html")) + list(demo_build.glob("fr/programmes/*/index.html"))[:3]:
        html = path.read_text(encoding="utf-8")
        assert re.search(r'<form class="site-search" role="search" action="[^"]*search/index\.html"', html), path


def _programme(demo_build):
    page = sorted(demo_build.glob("programmes/*/index.html"))[0]
    name = re.search(r"<h1>([^<]+)</h1>", page.read_text(encoding="utf-8")).group(1)
    return page.parent.name, name


@pytest.mark.parametrize("prefix", ["", "nl/", "fr/"])
def test_searching_for_a_programme_finds_its_page_in_the_same_language(site, browser, prefix):
    base, demo_build = site
    slug, name = _programme(demo_build)
    page = browser.new_page()
    watch = PageWatch(page, base)
    try:
        page.goto(f"{base}{prefix}index.html")
        page.fill("#site-search-q", name)
        page.press("#site-search-q", "Enter")
        page.wait_for_url(re.compile(r"search/index\.html\?q="))
        page.wait_for_selector("#search-results li a", timeout=15000)
        links = page.eval_on_selector_all("#search-results li a", "els => els.map(a => a.getAttribute('href'))")
        assert any(f"/{prefix}programmes/{slug}/" in link for link in links), links
        assert all(("/fr/" in link) == (prefix == "fr/") for link in links), links
        # The status counts the results in words that agree with the number: "one page", never "1 pages".
        status = page.text_content("#search-status").strip()
        if len(links) == 1:
            assert not re.search(r"(?<![\d,.])1(?![\d,.])", status), status
        else:
            assert str(len(links)) in status, status
        watch.assert_clean()
    finally:
        page.close()


def test_from_a_file_url_the_search_page_explains_why_it_cannot_search(site, browser):
    _, demo_build = site
    page = browser.new_page()
    try:
        page.goto((demo_build / "search" / "index.html").as_uri() + "?q=cook")
        assert page.is_visible("#search-offline")
        assert "file://" in page.text_content("#search-offline")
    finally:
        page.close()


def test_an_index_made_one_language_at_a_time_is_the_index_of_all_at_once(demo_build):
    """Pagefind runs once per language (its memory is one language's index); the bundle must be byte for byte the
    one a single run over every page makes."""
    from generator.search import search_index

    pages = {p.relative_to(demo_build).as_posix(): p.read_bytes()
             for folder in ("programmes", "nl/programmes", "fr/programmes") for p in (demo_build / folder).glob("*/index.html")}
    one_run = search_index(pages, pages, ("",))
    by_language = search_index(pages, pages, ("", "nl/", "fr/"))
    assert set(json.loads(one_run["pagefind/pagefind-entry.json"])["languages"]) == {"en", "nl", "fr"}
    assert by_language == one_run
