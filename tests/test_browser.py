"""The built site in a real headless Chromium (Debian's package, driven by Playwright)."""

from __future__ import annotations

import re
import subprocess

import pytest

from browser import SCREENSHOTS, PageWatch, serve

PAGE_TYPES = {
    "home": "index.html",
    "programmes": "programmes/index.html",
    "programme": None,  # the first programme page, found in the build
    "compare": "compare/index.html",
    "countries": "countries/index.html",
    "country": "countries/de/index.html",
    "guide": "guide/index.html",
    "chapter": None,
    "data": "data/index.html",
    "methodology": "methodology/index.html",
    "not-found": "404.html",
}


@pytest.fixture(scope="module")
def site(demo_build):
    pages = dict(PAGE_TYPES)
    pages["programme"] = sorted(p.relative_to(demo_build).as_posix() for p in demo_build.glob("programmes/*/index.html"))[0]
    pages["chapter"] = sorted(p.relative_to(demo_build).as_posix() for p in demo_build.glob("guide/*/index.html"))[0]
    with serve(demo_build) as base:
        yield base, pages, demo_build


@pytest.mark.parametrize("kind", sorted(PAGE_TYPES))
def test_page_loads_cleanly_and_is_photographed(site, browser, kind):
    base, pages, _ = site
    SCREENSHOTS.mkdir(exist_ok=True)
    for width in (320, 390, 1280):  # 320: WCAG 1.4.10 reflow, the narrowest phone held upright
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        watch = PageWatch(page, base)
        page.goto(base + pages[kind], wait_until="networkidle")
        watch.assert_clean()
        # Nothing scrolls sideways, even on a phone.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), (kind, width)
        page.screenshot(path=str(SCREENSHOTS / f"{kind}-{width}.png"), full_page=True)
        context.close()


def test_programme_page_has_inline_svg_charts(site, browser):
    base, pages, _ = site
    page = browser.new_page()
    page.goto(base + pages["programme"])
    assert page.locator("figure.chart svg[role]").count() >= 5
    assert page.locator("figure.chart details table").count() >= 5
    page.close()


def test_programme_index_filters_with_javascript(site, browser):
    base, pages, build = site
    page = browser.new_page()
    page.goto(base + pages["programmes"])
    rows = page.locator("#programme-table tbody tr")
    total = rows.count()
    page.select_option("#f-country", "DE")
    visible = page.locator("#programme-table tbody tr:visible")
    assert 0 < visible.count() < total
    assert all(r.get_attribute("data-country") == "DE" for r in visible.all())
    assert "Showing" in page.locator("#filter-status").inner_text()
    page.close()


def test_programme_index_is_complete_without_javascript(site, browser):
    base, pages, _ = site
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base + pages["programmes"])
    rows = page.locator("#programme-table tbody tr")
    assert rows.count() == page.locator("#programme-table tbody tr:visible").count() > 80
    assert not page.locator("#filters").is_visible()
    context.close()


def test_compare_works_with_the_keyboard_and_keeps_the_choice_in_the_url(site, browser):
    base, pages, _ = site
    page = browser.new_page()
    page.goto(base + pages["programmes"])
    codes = [c.get_attribute("value") for c in page.locator("input[name=p]").all()[:2]]
    page.goto(base + "compare/index.html?p=" + codes[0])
    chosen = page.locator("#compare-table .compare-chosen li")
    assert chosen.count() == 1
    page.focus("#compare-select")
    page.select_option("#compare-select", codes[1])   # a keyboard user picks with the arrow keys
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")                      # and presses the Add button
    assert chosen.count() == 2
    assert "added" in page.locator("#compare-status").inner_text()
    assert codes[1] in page.url and codes[0] in page.url
    assert page.locator("#compare-url").input_value() == page.url  # the link to copy is this comparison's
    shared = page.url
    page.goto(shared)
    assert chosen.count() == 2
    page.locator("#compare-table button").first.focus()
    page.keyboard.press("Enter")
    assert chosen.count() == 1
    page.close()


def test_the_site_works_from_file_urls(site, browser):
    _, pages, build = site
    page = browser.new_page()
    outside = []
    page.on("request", lambda req: None if req.url.startswith(("file://", "data:")) else outside.append(req.url))
    failed = []
    page.on("requestfailed", lambda req: failed.append(req.url))
    page.goto((build / pages["programme"]).as_uri())
    page.locator("figure.chart .chart-svg").first.hover()  # the chart bundle loads on demand, from file:// too
    page.locator("figure.chart .chart-interactive svg").first.wait_for()
    page.click("text=Compare this programme with others")
    # The compare page fills its table by script once loaded: wait for it (a busy machine is slow to), then count.
    page.locator("#compare-table .compare-chosen li").first.wait_for()
    assert page.locator("#compare-table .compare-chosen li").count() == 1
    assert not outside and not failed, (outside, failed)
    page.close()


@pytest.mark.parametrize("kind", ["programme", "country"])
def test_programme_and_country_pages_print_cleanly(site, browser, kind, tmp_path):
    """The print stylesheet: the content and every chart, without the screen's navigation and buttons.

    The pages are also saved as PNGs in tests/screenshots/ (print-<kind>-<n>.png) for a person to look at.
    """
    base, pages, _ = site
    page = browser.new_page()
    page.goto(base + pages[kind], wait_until="networkidle")
    heading = page.locator("h1").inner_text()
    captions = page.locator("figure.chart .chart-title").all_inner_texts()
    pdf = tmp_path / f"{kind}.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    page.close()
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert heading in text
    assert captions and all(" ".join(caption.split()) in text for caption in captions)
    for screen_only in ("Skip to main content", "Show the data as a table", "Compare this programme with others",
                        "Methodology Accessibility Privacy"):
        assert screen_only not in text, screen_only
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) <= 8
    SCREENSHOTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf), str(SCREENSHOTS / f"print-{kind}")], check=True)
