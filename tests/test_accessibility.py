"""Accessibility in a real browser: axe-core's WCAG 2.1 A and AA rules on every page type, and what axe cannot check.

axe-core comes from npm (``tests/package.json``; ``bash tests/run.sh`` installs it) and is injected into
each page, which Debian's Chromium loads from a local server. Beyond axe: charts carry a name, a
description and their data as a table; the skip link, the focus indicator and the heading order; the
filter and compare controls used with the keyboard alone, announcing what changed; 200% zoom; reduced motion.

Besides the fixed page types, a few other pages are drawn at random on each run; the seed is printed,
and ``ONTRACK_AXE_SEED=<seed>`` draws the same pages again.
"""

from __future__ import annotations

import os
import random
import re
import time
from html.parser import HTMLParser

import pytest
from playwright.sync_api import expect

#: WCAG 2.0 and 2.1, levels A and AA: the rules the site promises to meet (see the accessibility statement).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
#: A phone held upright at its narrowest (WCAG 1.4.10 reflow), and a laptop.
WIDTHS = (320, 1280)
#: How many pages beyond the fixed page types are checked on each run.
SAMPLE_SIZE = 6

#: Every kind of page, by name; None is found in the build.
PAGE_TYPES = {
    "home": "index.html",
    "programmes": "programmes/index.html",
    "programme": None,
    "compare-two": None,  # the compare page with two programmes chosen in its address
    "countries": "countries/index.html",
    "country-timeline": "countries/ee/index.html",
    "country-plain": "countries/at/index.html",
    "guide": "guide/index.html",
    "chapter": None,
    "data": "data/index.html",
    "methodology": "methodology/index.html",
    "about": "about/index.html",
    "accessibility": "accessibility/index.html",
    "privacy": "privacy/index.html",
    "not-found": "404.html",
    "providers": "providers/index.html",
    "provider": None,
    "fields": "fields/index.html",
    "field": "fields/07/index.html",
    "narrow-field": "fields/071/index.html",
    "eu-target": "countries/eu-target/index.html",
}


def first(build, pattern: str) -> str:
    return sorted(p.relative_to(build).as_posix() for p in build.glob(pattern))[0]


def programme_codes(build, n: int) -> list[str]:
    """The codes of the first ``n`` programmes in the programmes table, as the compare page takes them."""
    table = (build / "programmes" / "index.html").read_text(encoding="utf-8")
    return re.findall(r'name="p" value="([^"]+)"', table)[:n]


@pytest.fixture(scope="module")
def pages(demo_build) -> dict[str, str]:
    """Page type -> path (with its query string) under the site's base URL."""
    found = dict(PAGE_TYPES)
    found["programme"] = first(demo_build, "programmes/*/index.html")
    found["chapter"] = first(demo_build, "guide/*/index.html")
    found["provider"] = first(demo_build, "providers/*/index.html")
    found["compare-two"] = "compare/index.html?" + "&".join(f"p={c}" for c in programme_codes(demo_build, 2))
    for kind, path in found.items():
        assert (demo_build / path.split("?")[0]).is_file(), kind
    return found


def open_page(browser, url: str, width: int = 1280, *, redraw_charts: bool = False, **context_options):
    """A new page at ``url`` once it has loaded; with ``redraw_charts``, every chart redrawn by vega-embed."""
    context = browser.new_context(viewport={"width": width, "height": 900}, **context_options)
    page = context.new_page()
    page.goto(url, wait_until="load")
    if redraw_charts:
        # charts.js redraws a chart when a reader reaches for it: as if the pointer passed over every one.
        page.evaluate("""() => document.querySelectorAll('figure.chart').forEach(
            figure => figure.dispatchEvent(new PointerEvent('pointerenter')))""")
        # It adds a hidden container per chart and shows it once vega-embed has drawn into it, or removes
        # it if that failed: no hidden container left means every chart is settled.
        page.wait_for_function("() => !document.querySelector('.chart-interactive[hidden]')")
    return page


def axe_violations(page, axe_script) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations on the page, one line per element, with every <details> opened."""
    # Closed <details> (the charts' data tables) are skipped by axe: open them so their tables are checked too.
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
    # site.js measures the opened tables on their "toggle" event: let those events run first.
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    page.add_script_tag(path=str(axe_script))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    return [f"{v['id']} ({v['impact']}): {v['help']} at {node['target']}: {node['failureSummary']}"
            for v in result["violations"] for node in v["nodes"]]


# ---------------------------------------------------------------------------------------------------------- axe


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", sorted(PAGE_TYPES))
def test_every_page_type_passes_axe(browser, demo_site, pages, axe_script, kind, width):
    page = open_page(browser, demo_site + pages[kind], width, redraw_charts=True)
    violations = axe_violations(page, axe_script)
    page.context.close()
    assert not violations, "\n".join(violations)


@pytest.mark.parametrize("kind", ["programme", "programmes", "compare-two", "country-timeline", "home"])
def test_page_types_pass_axe_without_javascript(browser, demo_site, pages, axe_script, kind):
    """The page as drawn at build time (static SVG charts, no filters): what most readers and every printer get."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route("**/assets/*.js", lambda route: route.abort())
    page = context.new_page()
    page.goto(demo_site + pages[kind], wait_until="load")
    violations = axe_violations(page, axe_script)
    context.close()
    assert not violations, "\n".join(violations)


def test_a_random_sample_of_other_pages_passes_axe(browser, demo_site, demo_build, pages, axe_script, capsys):
    seed = int(os.environ.get("ONTRACK_AXE_SEED") or time.time())
    with capsys.disabled():
        print(f"\naxe sample seed {seed} (ONTRACK_AXE_SEED={seed} checks the same pages again)")
    fixed = {path.split("?")[0] for path in pages.values()}
    others = sorted(p.relative_to(demo_build).as_posix() for p in demo_build.rglob("*.html"))
    draw = random.Random(seed)
    sample = draw.sample([p for p in others if p not in fixed], SAMPLE_SIZE)
    failures = []
    for path in sample:
        width = draw.choice(WIDTHS)
        page = open_page(browser, demo_site + path, width, redraw_charts=True)
        failures += [f"{path} at {width} px: {v}" for v in axe_violations(page, axe_script)]
        page.context.close()
    assert not failures, f"seed {seed}:\n" + "\n".join(failures)


# --------------------------------------------------------------------------------------- what axe cannot check


class Outline(HTMLParser):
    """The heading levels of a page, in order."""

    def __init__(self):
        super().__init__()
        self.levels: list[int] = []

    def handle_starttag(self, tag, attrs):
        if re.fullmatch(r"h[1-6]", tag):
            self.levels.append(int(tag[1]))


def test_every_page_has_one_h1_first_and_no_skipped_heading_level(demo_build):
    problems = []
    for path in sorted(demo_build.rglob("*.html")):
        outline = Outline()
        outline.feed(path.read_text(encoding="utf-8"))
        levels = outline.levels
        name = path.relative_to(demo_build).as_posix()
        if not levels or levels[0] != 1 or levels.count(1) != 1:
            problems.append(f"{name}: headings start {levels[:3]}, with {levels.count(1)} h1")
        problems += [f"{name}: h{a} then h{b}" for a, b in zip(levels, levels[1:]) if b > a + 1]
    assert not problems, problems[:20]


@pytest.mark.parametrize("kind", ["programme", "country-timeline", "home"])
def test_every_chart_has_a_name_a_description_and_a_data_table(browser, demo_site, pages, kind):
    page = open_page(browser, demo_site + pages[kind])
    figures = page.locator("figure.chart")
    assert figures.count() >= 1
    for figure in figures.all():
        title = figure.locator(".chart-title").inner_text()
        # Reaching for the chart redraws it with vega-embed: the name and description move with it.
        figure.locator(".chart-svg").hover()
        figure.locator(".chart-interactive svg").wait_for()
        description = figure.locator(".chart-desc").inner_text().strip()
        assert len(description) > 20, title
        # Named by its <title> then its <desc> (aria-labelledby="title desc", the pattern screen readers
        # support best): the same text as the caption and the description under it.
        image = figure.get_by_role("img")
        expect(image).to_have_accessible_name(f"{title} {description}")
        # Inside the image, nothing else claims a role: the marks are not unnamed images of their own.
        assert image.locator("[role]").count() == 0
        table = figure.locator("details table")
        assert table.locator("thead th[scope=col]").count() >= 2
        assert table.locator("tbody tr").count() >= 1
        figure.locator("summary").press("Enter")  # the table opens from the keyboard
        expect(table).to_be_visible()
    page.context.close()


def test_the_map_does_not_speak_by_colour_alone(demo_build):
    """Each coloured country is named with its national system, the legend has words and hatching, and a table
    says it all."""
    for path in ("index.html", "countries/index.html"):
        html = (demo_build / path).read_text(encoding="utf-8")
        named = re.findall(r'<a class="country-link"[^>]*aria-label="([^"]+): ([^"]+)"', html)
        assert len(named) >= 25, path
        assert re.findall(r'class="country-pattern" fill="url\(#', html), path
        for system in ("A national system runs", "Pilot, project or part of VET only",
                       "No dedicated system; general statistics only", "None found in the sources consulted"):
            assert re.search(rf'<span class="swatch [^"]+" aria-hidden="true"></span>{system}', html), (path, system)
    assert "<table" in (demo_build / "countries" / "index.html").read_text(encoding="utf-8")


def test_the_skip_link_is_first_visible_when_focused_and_moves_focus_to_the_content(browser, demo_site, pages):
    page = open_page(browser, demo_site + pages["programme"], 390)
    skip = page.locator("a.skip-link")
    assert skip.bounding_box()["y"] < 0  # out of sight until needed
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    box = skip.bounding_box()
    assert box["y"] >= 0 and box["height"] > 10
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")  # the next stop is inside the content, not back in the header
    assert page.evaluate("!!document.activeElement.closest('main')")
    page.context.close()


@pytest.mark.parametrize("width", (390, 1280))
@pytest.mark.parametrize("kind", ["programmes", "programme", "compare-two", "home"])
def test_every_keyboard_stop_is_in_sight_with_a_visible_focus_indicator(browser, demo_site, pages, kind, width):
    page = open_page(browser, demo_site + pages[kind], width)
    seen, missing = 0, []
    for _ in range(40):
        page.keyboard.press("Tab")
        state = page.evaluate("""() => {
            const el = document.activeElement;
            if (!el || el === document.body) return null;
            const style = getComputedStyle(el);
            // In sight: what is drawn at the middle of the element is the element (not clipped or covered).
            // Not for a country on the map: the middle of its box may well be its neighbour, and on a phone
            // Malta is a dot of 3 px (its name and link are also in the table of countries).
            const box = el.getClientRects()[0] || el.getBoundingClientRect();  // a wrapped link's first line
            const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
            const onMap = el instanceof SVGElement;
            return {what: el.outerHTML.slice(0, 80), outline: style.outlineStyle,
                    width: parseFloat(style.outlineWidth), shadow: style.boxShadow,
                    seen: onMap ? box.width > 0 && box.height > 0
                                : box.width >= 4 && box.height >= 4 && !!hit && (hit === el || el.contains(hit))};
        }""")
        if state is None:
            break
        seen += 1
        if not ((state["outline"] != "none" and state["width"] >= 2) or state["shadow"] != "none"):
            missing.append(f"no indicator: {state['what']}")
        if not state["seen"]:
            missing.append(f"out of sight: {state['what']}")
    page.context.close()
    assert seen >= 5
    assert not missing, missing


def test_the_programme_filters_work_from_the_keyboard_and_announce_the_result(browser, demo_site, pages):
    page = open_page(browser, demo_site + pages["programmes"])
    status = page.locator("#filter-status")
    assert status.get_attribute("role") == "status"
    total = page.locator("#programme-table tbody tr").count()
    page.locator("#f-text").focus()
    page.keyboard.type("tech")
    expect(status).to_have_text(re.compile(rf"^Showing \d+ of {total} programmes\.$"))
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    expect(status).to_have_text(f"Showing all {total} programmes.")
    page.keyboard.press("Tab")  # to the country list
    assert page.evaluate("document.activeElement.id") == "f-country"
    page.keyboard.press("ArrowDown")  # the first country
    expect(status).to_have_text(re.compile(rf"^Showing \d+ of {total} programmes\.$"))
    shown = page.locator("#programme-table tbody tr:visible")
    country = page.eval_on_selector("#f-country", "s => s.value")
    assert country and all(row.get_attribute("data-country") == country for row in shown.all())
    # Sorting by a column is a button in its header: Enter sorts, the header says how, the status says so too.
    sort = page.locator("#programme-table thead th[data-sort] button").first
    sort.focus()
    page.keyboard.press("Enter")
    assert page.locator("#programme-table thead th").first.get_attribute("aria-sort") == "ascending"
    expect(status).to_have_text(re.compile(r"^Sorted by .+, ascending\.$"))
    page.context.close()


def test_compare_is_chosen_from_the_programmes_table_by_keyboard_and_announces_changes(browser, demo_site, pages):
    page = open_page(browser, demo_site + pages["programmes"])
    boxes = page.locator("#programme-table input[name=p]")
    for box in boxes.all()[:2]:
        box.focus()
        page.keyboard.press("Space")
    page.locator(".compare-form button[type=submit]").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"compare/index\.html\?p=.+&p="))
    page.wait_for_selector("#compare-table table")
    assert page.locator("#compare-table .compare-chosen li").count() == 2
    status = page.locator("#compare-status")
    assert status.get_attribute("role") == "status"
    remove = page.locator("#compare-table .compare-chosen button").first
    name = remove.get_attribute("aria-label")
    assert name.startswith("Remove ")
    remove.focus()
    page.keyboard.press("Enter")
    expect(status).to_contain_text("removed. 1 programme(s) in the comparison.")
    # Focus is not lost with the button that went: it is on the list to add another.
    assert page.evaluate("document.activeElement.id") == "compare-select"
    page.context.close()


def test_pages_reflow_at_200_percent_zoom(browser, demo_site, pages):
    """A 1280 px window at 200% zoom lays the page out in 640 CSS pixels: nothing scrolls sideways."""
    for kind in ("home", "programme", "programmes", "country-timeline", "data", "chapter"):
        page = open_page(browser, demo_site + pages[kind], 640)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), kind
        page.context.close()


def test_reduced_motion_is_honoured(browser, demo_site, pages):
    page = open_page(browser, demo_site + pages["programme"], reduced_motion="reduce")
    moving = page.evaluate("""() => Array.from(document.querySelectorAll('*')).filter(el => {
        const s = getComputedStyle(el);
        return s.animationName !== 'none' || parseFloat(s.transitionDuration) > 0 || s.scrollBehavior === 'smooth';
    }).map(el => el.tagName)""")
    page.context.close()
    assert not moving
