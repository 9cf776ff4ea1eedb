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
from generator.errors import BuildError
from generator.guide import GUIDE_TITLE
from generator.i18n import Language

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


def test_each_language_links_its_own_guide_pdf(demo_build):
    """The guide's pages in each language link the PDF in that language, and the PDF is there and says so."""
    import subprocess

    for prefix, code in (("", "en"), ("nl/", "nl"), ("fr/", "fr")):
        folder = demo_build / prefix / "guide"
        pages = [folder / "index.html", *sorted(folder.glob("*/index.html"))]
        for page in pages:
            pdfs = {(page.parent / link).resolve() for link in parse(page).links if link.endswith(".pdf")}
            assert pdfs == {(folder / "ontrack-guide.pdf").resolve()}, (page, pdfs)
        info = subprocess.run(["pdfinfo", str(folder / "ontrack-guide.pdf")], check=True, capture_output=True,
                              text=True).stdout
        assert re.search(r"^Tagged:\s+yes$", info, re.M), code
        title = Language(code, prefix).gettext(GUIDE_TITLE)
        assert re.search(rf"^Title:\s+ontrack: {re.escape(title)}$", info, re.M), (code, info)


def test_translated_chapters_and_pages_show_no_untranslated_notice(demo_build):
    """Each guide chapter and page translated in full is shown in its language: no notice, no English text."""
    from test_guide_content import TRANSLATED

    for lang, names in TRANSLATED.items():
        for name in names:
            kind, stem = name.split("/")
            slug = re.sub(r"^\d+-", "", stem)
            page = demo_build / lang / (f"guide/{slug}" if kind == "guide" else slug) / "index.html"
            html = page.read_text(encoding="utf-8")
            where = page.relative_to(demo_build)
            assert f'<html lang="{lang}"' in html, where
            assert 'class="note untranslated"' not in html, f"{where} says it is not translated"
            assert '<div class="prose" lang="en">' not in html, f"{where} shows English text"


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


def test_a_project_template_extends_the_default_one_of_the_same_name(golden_project, tmp_path):
    project = tmp_path / "proj"
    shutil.copytree(golden_project, project, ignore=shutil.ignore_patterns("output"))
    (project / "templates").mkdir()
    # The project's base.html replaces the built-in one, and extends it: only its footer is the project's.
    (project / "templates" / "base.html").write_text(
        '{% extends "default:base.html" %}'
        '{% block footer %}<footer class="school">Run by the school office.</footer>{% endblock %}'
        '{% block title %}School: {{ super() }}{% endblock %}')
    build(project, tmp_path / "out")
    page = (tmp_path / "out" / "index.html").read_text()
    assert '<footer class="school">Run by the school office.</footer>' in page
    assert "<title>School: " in page
    assert 'class="site-footer"' not in page and 'class="site-header"' in page  # the default's other blocks stay
    assert "Where do vocational graduates go?" in page


def test_two_parts_of_the_build_never_write_one_file(golden_project, tmp_path):
    project = tmp_path / "proj"
    shutil.copytree(golden_project, project, ignore=shutil.ignore_patterns("output"))
    # An asset of the project's own at the path of the Vega bundle the build writes: refused, not overwritten.
    (project / "templates" / "assets").mkdir(parents=True)
    (project / "templates" / "assets" / "vega.js").write_text("/* an old copy */")
    with pytest.raises(BuildError, match="both write assets/vega.js"):
        build(project, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_programme_page_speaks_plainly_and_shows_bases(golden_build):
    pages = sorted(golden_build.glob("programmes/*/index.html"))
    text = "\n".join(p.read_text(encoding="utf-8") for p in pages)
    assert re.search(r"<strong>(About|More than) \d in \d+ graduates</strong> were working a year after finishing", text)
    # Why a figure is hidden is said once, in the list of reasons, not in every figure.
    assert re.search(r"<li>[^<]+: fewer than 25 graduates in the base\.</li>", text)
    assert "not published — " not in text
    assert "base" in text and "95% interval" in text
    assert "base" in text and "95% interval" in text
    for page in pages[:5]:
        csv_link = [link for link in parse(page).links if link.endswith(".csv")]
        assert csv_link and (page.parent / csv_link[0]).exists()


def _rate(value, low=None, high=None):
    from generator.figures import Figure

    return Figure("EMP", "Employment rate", value, low, high, 100, "percent", "", "")


def test_a_headline_share_is_never_rounded_up_across_a_band():
    from generator.words import in_ten

    # "8 in 10" used to be written for both: a reader takes it as at least 80%.
    assert in_ten(_rate(76.0)) == "about 3 in 4"
    assert in_ten(_rate(77.2)) == "more than 3 in 4"
    assert in_ten(_rate(74.6)) == "about 3 in 4"
    assert in_ten(_rate(85.9)) == "more than 8 in 10"
    assert in_ten(_rate(89.5)) == "about 9 in 10"
    assert in_ten(_rate(5.0)) == "fewer than 1 in 10"
    assert in_ten(_rate(None)) == ""


def test_below_like_or_above_is_said_only_as_far_as_the_intervals_go():
    from generator.words import beside

    field = _rate(90.4, 88.0, 92.0)
    assert beside(_rate(75.9, 70.0, 80.0), field, "its field").startswith("Below its field (90.4%)")
    assert beside(_rate(95.0, 93.0, 97.0), field, "its field").startswith("Above its field")
    assert beside(_rate(86.0, 80.0, 89.0), field, "its field").startswith("Similar to its field")
    assert beside(_rate(None), field, "its field") == ""


def test_without_an_address_the_site_names_no_placeholder(golden_project, tmp_path):
    """With ``site.base_url`` empty, absolute URLs are left out (catalogue, sitemap, "Cite as"), never faked."""
    project = tmp_path / "proj"
    shutil.copytree(golden_project, project, ignore=shutil.ignore_patterns("output"))
    config = project / "content" / "site.toml"
    config.write_text(re.sub(r'(?m)^base_url = ".*"$', 'base_url = ""', config.read_text(encoding="utf-8")),
                      encoding="utf-8")
    build(project, tmp_path / "out")
    out = tmp_path / "out"
    assert not (out / "sitemap.xml").exists() and not (out / "data" / "catalog.jsonld").exists()
    named = [p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and p.suffix in (
        ".html", ".json", ".jsonld", ".xml", ".txt", ".csv", ".cff", ".js") and "example.org/" in p.read_text(
        encoding="utf-8", errors="replace")]
    assert not named, named[:5]


def test_the_repository_demo_has_no_placeholder_address():
    assert re.search(r'(?m)^base_url = ""', (REPO / "content" / "site.toml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("url, publisher", [
    ("https://ec.europa.eu/eurostat/statistics-explained/index.php?title=Employment_rates_of_recent_graduates", "Eurostat"),
    ("https://www.cedefop.europa.eu/cs/data-insights/19-how-many-recent-ivet-graduates-are-employment", "Cedefop"),
    ("https://timesofmalta.com/articles/view/malta-graduates-great-job-prospects-eu-data-suggests.1049002",
     "Times of Malta"),
    ("https://www.example.org/figures", "example.org"),
])
def test_a_benchmark_figure_is_credited_to_who_published_it(url, publisher):
    """Malta 2022 was read in a newspaper: the chart must not call it Eurostat/Cedefop."""
    from generator.words import benchmark_source

    assert benchmark_source(url) == publisher
