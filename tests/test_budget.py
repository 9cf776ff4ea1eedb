"""Light pages: a programme page is small on the wire, and the chart bundle never comes with a page."""

from __future__ import annotations

import gzip
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

#: A programme page's HTML and CSS together, gzip-compressed: under this, it shows quickly on a slow phone link.
PROGRAMME_PAGE_BUDGET = 60 * 1024
#: The compression a web server typically applies (zlib level 6, the default of Apache's mod_deflate and of gzip).
GZIP_LEVEL = 6


class Resources(HTMLParser):
    """The stylesheets and scripts a page loads, and whether it has charts."""

    def __init__(self):
        super().__init__()
        self.stylesheets: list[str] = []
        self.scripts: list[dict] = []  # attributes of each <script src>
        self.charts = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and "stylesheet" in (attrs.get("rel") or "").split():
            self.stylesheets.append(attrs["href"])
        elif tag == "script" and attrs.get("src"):
            self.scripts.append(attrs)
        elif tag == "figure" and "chart" in (attrs.get("class") or "").split():
            self.charts += 1


def resources(page) -> Resources:
    parser = Resources()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def gzipped_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0))


def test_every_programme_page_with_its_css_is_at_most_60_kb_compressed(demo_build):
    sizes = {}
    for page in sorted(demo_build.glob("programmes/*/index.html")):
        css = b"".join((page.parent / urlsplit(href).path).read_bytes() for href in resources(page).stylesheets)
        sizes[page.parent.name] = gzipped_size(page.read_bytes() + css)
    assert len(sizes) > 80
    largest = max(sizes, key=sizes.get)
    print(f"largest programme page: {largest}, {sizes[largest] / 1024:.1f} KB gzip with its CSS")
    assert sizes[largest] <= PROGRAMME_PAGE_BUDGET, (largest, sizes[largest])


def test_the_chart_bundle_is_offered_only_where_there_are_charts_and_never_loaded_with_the_page(demo_build):
    """Chart pages load charts.js (deferred), which names the bundle in data-bundle and fetches it on demand."""
    with_charts = 0
    for page in sorted(demo_build.rglob("*.html")):
        found = resources(page)
        name = page.relative_to(demo_build).as_posix()
        assert not [s for s in found.scripts if s["src"].endswith("vega.js")], f"{name} loads the bundle at once"
        loaders = [s for s in found.scripts if s["src"].endswith("assets/charts.js")]
        if found.charts:
            with_charts += 1
            assert len(loaders) == 1 and "defer" in loaders[0], name
            assert loaders[0]["data-bundle"].endswith("assets/vega.js"), name
            assert (page.parent / loaders[0]["data-bundle"]).resolve().is_file(), name
        else:
            assert not loaders, f"{name} loads the chart script but has no chart"
    assert with_charts > 80


def test_the_bundle_is_fetched_once_when_a_reader_reaches_for_a_chart(browser, demo_site, demo_build):
    programme = sorted(demo_build.glob("programmes/*/index.html"))[0].relative_to(demo_build).as_posix()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    fetched = []
    page.on("request", lambda request: fetched.append(request.url) if request.url.endswith("/vega.js") else None)
    page.goto(demo_site + programme, wait_until="networkidle")
    assert not fetched, "the chart bundle came with the page"
    figures = page.locator("figure.chart")
    for figure in figures.all()[:2]:
        figure.locator(".chart-svg").hover()
        figure.locator(".chart-interactive svg").wait_for()
    assert len(fetched) == 1
    page.close()


def test_no_script_blocks_the_first_paint(demo_build):
    """Every script file is deferred (or async); inline scripts are data only (JSON, JSON-LD), never code."""
    blocking = []
    for page in sorted(demo_build.rglob("*.html")):
        name = page.relative_to(demo_build).as_posix()
        blocking += [f"{name}: {s['src']}" for s in resources(page).scripts if "defer" not in s and "async" not in s]
        text = page.read_text(encoding="utf-8")
        for opening in re.findall(r"<script\b(?![^>]*\bsrc=)[^>]*>", text):
            if not re.search(r'type="application/(ld\+)?json"', opening):
                blocking.append(f"{name}: inline {opening}")
    assert not blocking, blocking[:10]
