"""The rendered site: every page there, every link resolving, nothing left unfinished."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from generator.build import build

from conftest import REPO

COUNTRIES = yaml.safe_load((REPO / "tests" / "reference" / "countries.yaml").read_text(encoding="utf-8"))


class Links(HTMLParser):
    """Every href/src in a page, and every id it defines."""

    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        for key in ("href", "src", "xlink:href", "poster", "data", "data-bundle"):  # data-bundle: charts.js
            if attrs.get(key):
                self.links.append(attrs[key])
        if attrs.get("srcset"):  # "a.png 1x, b.png 2x": each candidate's URL
            self.links += [candidate.split()[0] for candidate in attrs["srcset"].split(",") if candidate.strip()]


def parse(path: Path) -> Links:
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_every_country_in_the_reference_has_a_profile_page(demo_build):
    geos = [c["geo"] for c in COUNTRIES]
    assert len(geos) == 30
    for geo in geos:
        assert (demo_build / "countries" / geo.lower() / "index.html").exists(), geo


def test_every_guide_chapter_is_reachable_from_the_contents(demo_build):
    toc = parse(demo_build / "guide" / "index.html").links
    chapters = sorted(p.parent.name for p in demo_build.glob("guide/*/index.html"))
    assert len(chapters) >= 8
    for chapter in chapters:
        assert f"{chapter}/index.html" in toc, chapter
    assert "ontrack-guide.pdf" in toc


def test_no_page_has_placeholder_text(demo_build):
    pattern = re.compile(r"\b(TODO|TBD|lorem ipsum|FIXME)\b", re.I)
    offenders = [p.relative_to(demo_build).as_posix() for p in demo_build.rglob("*.html")
                 if pattern.search(re.sub(r"<script.*?</script>", "", p.read_text(encoding="utf-8"), flags=re.S))]
    assert not offenders


def test_every_internal_link_resolves(demo_build):
    """Pages, stylesheets, scripts, images, downloads (CSV, ZIP, datapackage.json, the PDF) and #anchors."""
    broken, kinds = [], set()
    pages = sorted(demo_build.rglob("*.html"))
    ids = {p.resolve(): parse(p).ids for p in pages}

    def check(page: Path, link: str, base: Path) -> None:
        parts = urlsplit(link)
        if parts.scheme in ("http", "https", "mailto") or link.startswith("//"):
            return
        where = f"{page.relative_to(demo_build)} -> {link}"
        if parts.scheme:  # javascript:, data:, file: ... have no place in a link here
            broken.append(f"{where} (scheme {parts.scheme}:)")
            return
        target = (base / unquote(parts.path)).resolve() if parts.path else page.resolve()
        if target.is_dir():  # a server would answer with the folder's index.html, if there is one
            target = target / "index.html"
        if not target.is_file() or not target.is_relative_to(demo_build.resolve()):
            broken.append(where)
            return
        kinds.add(target.name if target.name == "datapackage.json" else target.suffix)
        if parts.fragment:
            kinds.add("#")
            if target.suffix == ".html" and parts.fragment not in ids.get(target, set()):
                broken.append(f"{where} (no such anchor)")

    for page in pages:
        # 404.html is served at any depth, so its links are written from the site's root.
        base = demo_build if page.name == "404.html" else page.parent
        for link in parse(page).links:
            check(page, link, base)
    # Each language's compare page builds its links from its programme list in assets/programmes-data-<lang>.js.
    for prefix, code in (("", "en"), ("nl/", "nl"), ("fr/", "fr")):
        compare = demo_build / prefix / "compare" / "index.html"
        listing = (demo_build / "assets" / f"programmes-data-{code}.js").read_text(encoding="utf-8")
        for link in re.findall(r'"url":\s*"([^"]+)"', listing):
            check(compare, link, compare.parent)
    assert not broken, broken[:20]
    # Each kind of target was met at least once, so a regression that drops a kind from the check shows here.
    assert {".html", ".css", ".js", ".svg", ".csv", ".zip", "datapackage.json", ".pdf", "#"} <= kinds, kinds


def test_pages_load_nothing_from_outside(demo_build):
    external = []
    for page in demo_build.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for tag in re.findall(r"<(?:script|link|img|iframe|source)\b[^>]*>", text):
            if re.search(r"""(src|href)=["']?(https?:)?//""", tag) and 'rel="license"' not in tag:
                external.append((page.name, tag))
    assert not external, external[:5]


def test_sitemap_lists_every_page(demo_build):
    sitemap = (demo_build / "sitemap.xml").read_text()
    # Every page but the search pages (nothing to find there for a search engine).
    pages = [p for p in demo_build.rglob("index.html") if p.parent.name != "search"]
    assert sitemap.count("<loc>") == len(pages)


def test_a_project_template_overrides_the_default_one(golden_project, tmp_path):
    project = tmp_path / "proj"
    # With the build cache of the golden build, if there was one: an override is used all the same.
    shutil.copytree(golden_project, project, ignore=shutil.ignore_patterns("output"))
    (project / "templates").mkdir()
    (project / "templates" / "404.html").write_text(
        '{% extends "base.html" %}{% block main %}<h1>Lost? Ask the school office.</h1>{% endblock %}')
    build(project, tmp_path / "out")
    assert "Lost? Ask the school office." in (tmp_path / "out" / "404.html").read_text()
    assert "There is no page at this address" not in (tmp_path / "out" / "404.html").read_text()
    assert "Where do vocational graduates go?" in (tmp_path / "out" / "index.html").read_text()


def test_programme_page_speaks_plainly_and_shows_bases(golden_build):
    pages = sorted(golden_build.glob("programmes/*/index.html"))
    text = "\n".join(p.read_text(encoding="utf-8") for p in pages)
    assert re.search(r"<strong>\d+ in 10 graduates</strong> were working a year after finishing", text)
    assert "not published — fewer than 25 graduates in the base" in text
    assert "base" in text and "95% interval" in text
    for page in pages[:5]:
        csv_link = [link for link in parse(page).links if link.endswith(".csv")]
        assert csv_link and (page.parent / csv_link[0]).exists()


@pytest.mark.parametrize("url, publisher", [
    ("https://ec.europa.eu/eurostat/statistics-explained/index.php?title=Employment_rates_of_recent_graduates", "Eurostat"),
    ("https://www.cedefop.europa.eu/cs/data-insights/19-how-many-recent-ivet-graduates-are-employment", "Cedefop"),
    ("https://timesofmalta.com/articles/view/malta-graduates-great-job-prospects-eu-data-suggests.1049002",
     "Times of Malta"),
    ("https://www.example.org/figures", "example.org"),
])
def test_a_benchmark_figure_is_credited_to_who_published_it(url, publisher):
    """Malta 2022 was read in a newspaper: the chart must not call it Eurostat/Cedefop."""
    from generator.site import benchmark_source

    assert benchmark_source(url) == publisher
