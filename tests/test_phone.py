"""A student on a phone: charts and tables that fit 320 and 390 px, a compare page that shows every chosen
programme, a compare tray that counts and stops at the limit (Debian's Chromium, Playwright)."""

from __future__ import annotations

import re

import pytest

#: Every chart and table must fit the narrowest phone held upright (WCAG 1.4.10) and a common one.
PHONES = (320, 390)

#: Every chart and every table on the page (details opened first), with how far it reaches past its box or the
#: viewport. A box that scrolls sideways counts as not fitting: a phone gives no hint that it scrolls.
MEASURE = """() => {
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  const viewport = document.documentElement.clientWidth;
  const wide = [];
  for (const el of document.querySelectorAll('figure.chart svg, .chart-svg, table, .table-scroll, .map-block')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0) continue;
    const scrolls = el.scrollWidth > el.clientWidth + 1 && !(el instanceof SVGElement);
    if (scrolls || box.right > viewport + 1 || box.left < -1) {
      wide.push(`${el.tagName.toLowerCase()} in #${(el.closest('[id]') || {}).id}: ${Math.round(box.width)} px ` +
                `(scroll ${el.scrollWidth}, box ${el.clientWidth}, viewport ${viewport})`);
    }
  }
  return wide;
}"""


def _codes(demo_build):
    """Programme codes in the order of the programmes table."""
    text = (demo_build / "programmes" / "index.html").read_text(encoding="utf-8")
    return re.findall(r'name="p" value="([^"]+)"', text)


def _most_hidden(demo_build) -> str:
    """The programme page with the most hidden figures."""
    pages = sorted(demo_build.glob("programmes/*/index.html"))
    return max(pages, key=lambda p: (p.read_text(encoding="utf-8").count('class="suppressed"'), p.parent.name)) \
        .relative_to(demo_build).as_posix()


def _largest_provider(demo_build) -> str:
    """The provider page with the most programmes (the longest tables)."""
    pages = sorted(demo_build.glob("providers/*/index.html"))
    return max(pages, key=lambda p: (p.read_text(encoding="utf-8").count('class="provider-programme"'), p.parent.name)) \
        .relative_to(demo_build).as_posix()


@pytest.fixture(scope="module")
def phone_pages(demo_build):
    codes = _codes(demo_build)
    first = next(p for p in sorted(demo_build.glob("programmes/*/index.html")))
    # Three programmes from three countries: their earnings are in different currencies.
    by_country = {}
    for code in codes:
        by_country.setdefault(code[:2], code)
    three = [by_country[c] for c in ("DE", "PL", "AT") if c in by_country][:3]
    return {
        "home": "index.html",
        "programme": first.relative_to(demo_build).as_posix(),
        "hidden programme": _most_hidden(demo_build),
        "compare": "compare/index.html?" + "&".join(f"p={c}" for c in three),
        "country": "countries/de/index.html",
        "countries": "countries/index.html",
        "programmes": "programmes/index.html",
        "provider": _largest_provider(demo_build),
        "field": "fields/07/index.html",
        "eu target": "countries/eu-target/index.html",
        "providers": "providers/index.html",
    }


@pytest.mark.parametrize("width", PHONES)
@pytest.mark.parametrize("kind", ["home", "programme", "hidden programme", "compare", "country", "countries",
                                  "provider", "field", "eu target", "providers"])
def test_no_chart_or_table_is_wider_than_a_phone(browser, demo_site, phone_pages, kind, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(demo_site + phone_pages[kind], wait_until="networkidle")
    if kind == "compare":
        page.wait_for_selector("#compare-table table")
    wide = page.evaluate(MEASURE)
    context.close()
    assert not wide, wide


@pytest.mark.parametrize("width", PHONES)
def test_charts_are_drawn_to_the_width_of_the_column(browser, demo_site, phone_pages, width):
    """No minimum width that makes a chart scroll: each chart is as wide as the text column, so that the last
    cohort, every destination and the full length of every bar are on the screen."""
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(demo_site + phone_pages["programme"])
    widths = page.evaluate("""() => [...document.querySelectorAll('figure.chart .chart-svg svg')].map(svg =>
        [Math.round(svg.getBoundingClientRect().width), Math.round(svg.closest('figure').clientWidth)])""")
    context.close()
    assert len(widths) >= 5
    assert all(svg == column for svg, column in widths), widths


def test_compare_shows_every_chosen_programme_together_at_390_px(browser, demo_site, phone_pages):
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.goto(demo_site + phone_pages["compare"])
    page.wait_for_selector("#compare-table table")
    chosen = page.locator("#compare-table .compare-chosen li").count()
    assert chosen == 3
    # Every figure's table has a row per programme, each value on the screen without scrolling sideways.
    cells = page.evaluate("""() => [...document.querySelectorAll('#compare-table section table')].map(table =>
        [...table.querySelectorAll('td')].map(td => { const b = td.getBoundingClientRect();
          return b.left >= 0 && b.right <= document.documentElement.clientWidth && td.textContent.trim() !== ''; }))""")
    assert len(cells) == 6 and all(len(row) == chosen and all(row) for row in cells), cells
    # Earnings in three currencies are not set side by side without a word.
    assert page.locator("#compare-table .caution").count() == 1
    # Another time after graduation: the choice is kept in the link.
    page.select_option("#compare-months", "6")
    assert "m=6" in page.url and "six months" in page.locator("#compare-table h3").first.inner_text()
    context.close()


def test_compare_names_what_a_link_asked_for_and_could_not_show(browser, demo_site, demo_build):
    codes = _codes(demo_build)[:8]
    page = browser.new_page()
    page.goto(demo_site + "compare/index.html?" + "&".join(f"p={c}" for c in [*codes, "XX-000-0-000"]))
    page.wait_for_selector("#compare-table table")
    assert page.locator("#compare-table .compare-chosen li").count() == 6
    status = page.locator("#compare-status").inner_text()
    assert "8 programmes" in status and "first 6" in status and "XX-000-0-000" in status
    page.close()


def test_the_compare_tray_stays_in_reach_counts_and_stops_at_six(browser, demo_site, phone_pages):
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.goto(demo_site + phone_pages["programmes"])
    boxes = page.locator("#programme-table input[name=p]")
    for box in boxes.all()[:7]:
        box.click()
    assert page.locator("#programme-table input[name=p]:checked").count() == 6
    count = page.locator("#compare-count")
    assert "At most 6" in count.inner_text()
    boxes.nth(0).click()
    assert count.inner_text() == "5 of 6 chosen"
    # Half way down a list of 160 cards the button is still on the screen.
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight / 2)")
    tray = page.locator(".compare-tray").bounding_box()
    assert 0 <= tray["y"] and tray["y"] + tray["height"] <= 800 + 1
    context.close()


def test_the_phone_list_sorts_by_employment(browser, demo_site, phone_pages):
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.goto(demo_site + phone_pages["programmes"])
    page.select_option("#f-sort", "emp")
    rates = [float(v) for v in page.eval_on_selector_all("#programme-table tbody tr", "rows => rows.map(r => r.dataset.emp)")]
    assert rates == sorted(rates, reverse=True)
    context.close()


#: Each Markdown table of three columns or more on the page (the guide's calendars, checklists and questionnaire):
#: the narrowest of its filled cells, how far its cells reach, and how many cells go without their column's name.
PROSE_TABLES = """() => {
  const viewport = document.documentElement.clientWidth;
  return [...document.querySelectorAll('.prose table')].filter(t => t.querySelector('thead th:nth-child(3)')).map(t => {
    const cells = [...t.querySelectorAll('tbody td')].filter(td => td.getClientRects().length && td.textContent.trim());
    const boxes = cells.map(td => td.getBoundingClientRect());
    return {narrowest: Math.round(Math.min(...boxes.map(b => b.width))), right: Math.round(Math.max(...boxes.map(b => b.right))),
            viewport, unnamed: cells.filter(td => !td.dataset.label).length,
            named: getComputedStyle(cells[0], '::before').content};
  });
}"""


@pytest.mark.parametrize("language", ["", "nl/"])
def test_guide_tables_are_readable_on_the_narrowest_phone(browser, demo_site, demo_build, language):
    """At 320 px a table of three columns or more used to keep its columns side by side, each 28-45 px wide, its
    words broken letter by letter. Now each row is a card: every cell the width of the screen, after its column's
    name, nothing past the edge."""
    chapters = sorted(p.parent.relative_to(demo_build).as_posix()
                      for p in demo_build.glob(f"{language}guide/*/index.html") if p.parent.name != "downloads")
    context = browser.new_context(viewport={"width": 320, "height": 800})
    page = context.new_page()
    tables = {}
    for chapter in chapters:
        page.goto(f"{demo_site}{chapter}/index.html")
        for i, table in enumerate(page.evaluate(PROSE_TABLES)):
            tables[f"{chapter} table {i + 1}"] = table
    context.close()
    assert len(tables) >= 10, sorted(tables)
    cramped = {name: t for name, t in tables.items() if t["narrowest"] < 0.75 * t["viewport"]
               or t["right"] > t["viewport"] or t["unnamed"] or t["named"] in ("none", "normal")}
    assert not cramped, cramped


#: The header of every page: brand, menu, search and languages. On a phone it may not push the page's own heading
#: off a small screen; 8 sections in a row wrapped onto three lines before they folded into a menu (255 px at 390).
HEADER_MAX = {320: 200, 390: 160, 1280: 120}
SECTIONS = 8


def _nav(page) -> list[dict]:
    return page.evaluate("""() => [...document.querySelectorAll('.site-nav a')].map(a => {
        const b = a.getBoundingClientRect();
        return {text: a.textContent.trim(), left: b.left, right: b.right, top: Math.round(b.top), height: b.height,
                shown: a.checkVisibility({visibilityProperty: true})};  // false inside a closed disclosure
    })""")


def _menu_button(context, page) -> tuple[str, bool] | None:
    """The name and expanded state of the header's disclosure in Chromium's accessibility tree."""
    cdp = context.new_cdp_session(page)
    for node in cdp.send("Accessibility.getFullAXTree")["nodes"]:
        if node.get("role", {}).get("value") == "DisclosureTriangle" and not node.get("ignored"):
            properties = {p["name"]: p["value"].get("value") for p in node.get("properties", [])}
            if node.get("name", {}).get("value", "").startswith("Menu"):
                return node["name"]["value"], properties.get("expanded")
    return None


@pytest.mark.parametrize("lang", ["", "fr/"])  # French has the longest labels
@pytest.mark.parametrize("width", PHONES)
def test_on_a_phone_the_sections_fold_into_a_menu_that_keyboard_and_screen_reader_open(browser, demo_site, width,
                                                                                        lang):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(f"{demo_site}{lang}index.html")
    viewport = page.evaluate("document.documentElement.clientWidth")
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= HEADER_MAX[width], header
    assert [s for s in _nav(page) if s["shown"]] == []  # folded
    # A disclosure button named "Menu" with its state (as Chromium tells a screen reader), reached by the keyboard
    # from the brand, opened with Enter.
    assert _menu_button(context, page) == ("Menu", False)
    page.locator(".brand").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Enter")
    assert _menu_button(context, page) == ("Menu", True)
    sections = _nav(page)
    assert len(sections) == SECTIONS and all(s["shown"] for s in sections), sections
    assert all(0 <= s["left"] and s["right"] <= viewport for s in sections), sections
    assert all(s["height"] >= 24 for s in sections), sections  # a target a thumb can hit (WCAG 2.5.8)
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport
    # Tab goes through every section in order, then on to the search box.
    names = []
    for _ in range(SECTIONS):
        page.keyboard.press("Tab")
        names.append(page.evaluate("document.activeElement.closest('.site-nav') && document.activeElement.textContent"))
    assert names == [s["text"] for s in sections]
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "search"
    # Each section is a link a screen reader lists inside the main navigation.
    nav = page.get_by_role("navigation", name="Main" if not lang else "Principal")
    assert nav.get_by_role("link").count() == SECTIONS
    context.close()


def test_on_a_wide_screen_every_section_is_in_one_row_without_a_menu(browser, demo_site):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    for lang in ("", "nl/", "fr/"):
        page.goto(f"{demo_site}{lang}index.html")
        assert page.locator(".site-header").bounding_box()["height"] <= HEADER_MAX[1280]
        assert _menu_button(context, page) is None
        sections = _nav(page)
        assert len(sections) == SECTIONS and all(s["shown"] for s in sections), sections
        assert len({s["top"] for s in sections}) == 1, sections
        page.locator(".brand").focus()
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent.trim()") == sections[0]["text"]
    context.close()
