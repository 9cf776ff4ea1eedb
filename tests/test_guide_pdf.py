"""The implementation guide as one PDF per site language (generator/guide.py, templates/pdf/guide.*).

The real guide in content/guide is rendered once per test session (once per
language of the demo site) and read back with poppler's command-line tools (pdftotext, pdfinfo, pdftoppm,
pdfimages), so the tests check what a reader of the PDF gets, not what we
meant to send to WeasyPrint.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import subprocess
import sys
import zlib
from html import unescape
from pathlib import Path

import jinja2
import pytest
from PIL import Image

from generator.config import SiteOptions, load_config
from generator.guide import GUIDE_TITLE, guide_figure, guide_html, guide_pdf, local_fetcher, page_footer_css
from generator.i18n import ENGLISH, site_languages
from generator.inputs.content import Document, load_content

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates"
RELEASE = dt.date(2026, 6, 30)
SITE = SiteOptions(title="Tracking Test Site", publisher="Example Skills Agency", data_version="2.3.0")

FIGURE_SVG = """<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="320" height="120" viewBox="0 0 320 120">
  <rect x="10" y="20" width="150" height="30" fill="#0b5a7a"/>
  <rect x="10" y="60" width="90" height="30" fill="#7aa6b8"/>
  <text x="170" y="40" font-size="12">Employed at 12 months</text>
  <text x="110" y="80" font-size="12">Studying</text>
</svg>"""


def chapter(title: str, body: str, order: int = 1, slug: str = "test") -> Document:
    return Document(slug=slug, title=title, summary="", order=order, body=body,
                    path=f"content/guide/{order:02d}-{slug}.md")


def run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def page_texts(pdf: Path, *, layout: bool = False) -> list[str]:
    """The text of each page (pdftotext separates pages with form feeds)."""
    text = run("pdftotext", *(["-layout"] if layout else []), str(pdf), "-")
    return text.split("\f")[:-1]


def page_image(pdf: Path, page: int, out: Path, resolution: int = 50) -> Image.Image:
    run("pdftoppm", "-r", str(resolution), "-png", "-singlefile", "-f", str(page), "-l", str(page),
        str(pdf), str(out / f"page-{page}"))
    return Image.open(out / f"page-{page}.png").convert("L")


def inked_share(image: Image.Image) -> float:
    """Share of pixels that are not (nearly) white."""
    histogram = image.histogram()
    return sum(histogram[:240]) / (image.width * image.height)


def pages_with_ink_in_side_margins(pdf: Path, out: Path) -> list[str]:
    """Pages where something overflows the text block sideways.

    The side margins are 18 mm; at 30 dpi the outer 12 px (10 mm) of every page
    must stay white, so no table, code block, figure or long URL runs off it.
    """
    run("pdftoppm", "-r", "30", "-gray", str(pdf), str(out / "margin"))
    found = []
    for path in sorted(out.glob("margin-*.pgm")):
        image = Image.open(path)
        for box in ((0, 0, 12, image.height), (image.width - 12, 0, image.width, image.height)):
            if image.crop(box).getextrema()[0] <= 240:
                found.append(path.name)
    return found


def pdf_streams(data: bytes) -> bytes:
    """Every stream of the PDF, inflated where it is compressed, to find objects inside object streams."""
    found = [data]
    for stream in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            found.append(zlib.decompress(stream.group(1)))
        except zlib.error:
            pass
    return b"\n".join(found)


@pytest.fixture(scope="module")
def env() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                              undefined=jinja2.StrictUndefined)


@pytest.fixture(scope="module")
def chapters() -> tuple[Document, ...]:
    return load_content(ROOT).guide


@pytest.fixture(scope="module")
def guide(env, chapters, tmp_path_factory) -> Path:
    """The real guide rendered once for the whole module."""
    path = tmp_path_factory.mktemp("guide") / "guide.pdf"
    path.write_bytes(guide_pdf(chapters, env, SITE, RELEASE))
    return path


@pytest.fixture(scope="module")
def pages(guide) -> list[str]:
    return page_texts(guide, layout=True)


@pytest.fixture(scope="module")
def page_count(guide) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", run("pdfinfo", str(guide)), re.M).group(1))


def toc_entries(pages: list[str]) -> dict[str, int]:
    """Chapter title -> page number, read from the contents pages (their running header says 'Contents')."""
    toc = "\n".join(p for p in pages if p.strip().splitlines()[0].rstrip().endswith("Contents"))
    return {m.group(1).strip(): int(m.group(2)) for m in re.finditer(r"^\s*\d+\s+(\S.*?)\s*\.{3,}\s*(\d+)\s*$", toc, re.M)}


# ---- the real guide -------------------------------------------------------


def test_the_guide_has_twelve_chapters(chapters):
    assert len(chapters) == 12  # chapter 12: from survey to site


def test_cover_names_the_site_guide_version_date_publisher_and_licence(pages):
    cover = " ".join(pages[0].split())
    for text in ("Tracking Test Site", GUIDE_TITLE, "2.3.0", "30 June 2026", "Example Skills Agency", "CC BY 4.0"):
        assert text in cover


def test_every_chapter_title_appears_in_the_text(pages, chapters):
    body = " ".join(" ".join(pages).split())
    for doc in chapters:
        assert doc.title in body


def test_contents_lists_every_chapter_with_the_page_it_starts_on(pages, chapters):
    entries = toc_entries(pages)
    for doc in chapters:
        assert doc.title in entries, f"{doc.title!r} missing from the contents"
        start = pages[entries[doc.title] - 1]
        assert doc.title in " ".join(start.split()), f"{doc.title!r} does not start on page {entries[doc.title]}"
    numbers = [entries[doc.title] for doc in chapters]
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers), "each chapter starts on its own page"


def test_each_chapter_starts_a_new_page(pages, chapters):
    entries = toc_entries(pages)
    for number, doc in enumerate(chapters, start=1):
        start = pages[entries[doc.title] - 1]
        assert f"CHAPTER {number}" in start
        previous = pages[entries[doc.title] - 2]
        assert f"CHAPTER {number}" not in previous


def test_footer_says_page_n_of_m_and_the_header_names_the_guide(pages, page_count):
    assert page_count > 11
    assert len(pages) == page_count
    assert "page 2 of" not in pages[0]  # the cover has no running header or footer
    for number, text in enumerate(pages[1:], start=2):
        assert f"page {number} of {page_count}" in text
        assert f"Tracking Test Site: {GUIDE_TITLE}" in text


def test_metadata_title_author_and_dates_come_from_the_site_and_release(guide):
    info = run("pdfinfo", "-isodates", str(guide))
    assert re.search(rf"^Title:\s+Tracking Test Site: {GUIDE_TITLE}$", info, re.M)
    assert re.search(r"^Author:\s+Example Skills Agency$", info, re.M)
    assert re.search(r"^CreationDate:\s+2026-06-30", info, re.M)
    assert re.search(r"^ModDate:\s+2026-06-30", info, re.M)


def test_language_and_outline_are_in_the_pdf(guide, chapters):
    objects = pdf_streams(guide.read_bytes())
    assert b"/Lang (en)" in objects
    assert b"/Outlines" in objects
    for doc in chapters:
        assert f"/Title ({doc.title})".encode() in objects, f"no bookmark for {doc.title!r}"


def test_the_pdf_is_tagged_and_its_structure_reads_back(guide, chapters):
    """PDF/UA: a structure tree a screen reader follows, with one H1 per chapter, H2 sections, lists and tables."""
    info = run("pdfinfo", str(guide))
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    structure = run("pdfinfo", "-struct", str(guide))
    tags = re.findall(r"^\s*(\w+)", structure, re.M)
    assert tags[0] == "Document"
    assert tags.count("H1") >= len(chapters)
    for tag in ("H2", "P", "L", "LI", "Table", "TH", "TD", "Link"):
        assert tag in tags, f"no {tag} in the structure tree"
    assert b"/DisplayDocTitle true" in pdf_streams(guide.read_bytes())


def test_external_links_show_their_address(pages):
    text = "".join("".join(pages).split())
    assert "<https://timesofmalta.com/" in text


def test_cover_and_a_table_heavy_page_are_drawn(guide, pages, tmp_path):
    questionnaire = toc_entries(pages)["Template: core questionnaire"]
    for number in (1, questionnaire + 1):
        assert inked_share(page_image(guide, number, tmp_path)) > 0.01, f"page {number} is blank"


def test_nothing_runs_into_the_side_margins(guide, tmp_path):
    assert pages_with_ink_in_side_margins(guide, tmp_path) == []


RENDER_AGAIN = """
import datetime as dt, sys
from pathlib import Path
import jinja2
from generator.config import SiteOptions
from generator.guide import guide_pdf
from generator.inputs.content import load_content
root = Path(sys.argv[1])
env = jinja2.Environment(loader=jinja2.FileSystemLoader(root / "templates"), autoescape=True,
                         undefined=jinja2.StrictUndefined)
site = SiteOptions(title="Tracking Test Site", publisher="Example Skills Agency", data_version="2.3.0")
Path(sys.argv[2]).write_bytes(guide_pdf(load_content(root).guide, env, site, dt.date(2026, 6, 30)))
"""


def test_the_same_input_gives_the_same_bytes(guide, tmp_path):
    # In a fresh interpreter with another hash seed, so nothing that depends on
    # set or dict order in this process (font subsets, ids) can hide a difference.
    again = tmp_path / "again.pdf"
    subprocess.run([sys.executable, "-c", RENDER_AGAIN, str(ROOT), str(again)], check=True, cwd=ROOT,
                   env={**os.environ, "PYTHONHASHSEED": "4242"})
    assert again.read_bytes() == guide.read_bytes()


# ---- one PDF per language of the site ----------------------------------------

#: The demo site's languages other than English (English is the ``guide`` fixture above).
OTHER_LANGUAGES = [lang for lang in site_languages(load_config(ROOT).site.languages) if lang.code != "en"]


def language_chapters(content, lang) -> tuple[list[Document], set[str]]:
    """The chapters as the language's site shows them, and the slugs of those still in English."""
    docs = [content.translated("guide", doc.slug, lang.code) or doc for doc in content.guide]
    return docs, {doc.slug for doc in content.guide if content.translated("guide", doc.slug, lang.code) is None}


@pytest.fixture(scope="module")
def translated_guides(env, tmp_path_factory) -> dict[str, tuple[Path, list[Document]]]:
    """Each other language's guide, made as the build makes it: its own chapters, its own words."""
    content = load_content(ROOT)
    made = {}
    for lang in OTHER_LANGUAGES:
        docs, english = language_chapters(content, lang)
        path = tmp_path_factory.mktemp(f"guide-{lang.code}") / "guide.pdf"
        path.write_bytes(guide_pdf(docs, env, SITE, RELEASE, lang=lang, in_english=english))
        made[lang.code] = (path, docs)
    return made


def outline(pdf: Path) -> list[str]:
    """The PDF's bookmarks, in order, as poppler reads them."""
    xml = run("pdftohtml", "-xml", "-i", "-stdout", "-q", "-l", "1", str(pdf))
    found = re.search(r"<outline>.*</outline>", xml, re.S)
    assert found, "the PDF has no outline"
    return [unescape(item) for item in re.findall(r"<item[^>]*>(.*?)</item>", found.group(0))]


def test_the_demo_site_has_languages_besides_english():
    assert [lang.code for lang in OTHER_LANGUAGES] == ["nl", "fr"]


@pytest.mark.parametrize("code", [lang.code for lang in OTHER_LANGUAGES])
def test_each_language_has_a_tagged_pdf_in_its_own_words(translated_guides, code):
    lang = next(lang for lang in OTHER_LANGUAGES if lang.code == code)
    pdf, docs = translated_guides[code]
    title = lang.gettext(GUIDE_TITLE)
    assert title != GUIDE_TITLE, f"the guide's title has no {code} translation"
    info = run("pdfinfo", str(pdf))
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    assert re.search(rf"^Title:\s+Tracking Test Site: {re.escape(title)}$", info, re.M)
    assert f"/Lang ({code})".encode() in pdf_streams(pdf.read_bytes())
    structure = run("pdfinfo", "-struct", str(pdf))
    assert re.findall(r"^\s*(\w+)", structure, re.M)[0] == "Document"

    pages = page_texts(pdf)
    text = " ".join(" ".join(pages).split())
    cover = " ".join(pages[0].split())
    assert title in cover and lang.date(RELEASE) in cover and lang.gettext("Publisher") in cover
    for doc in docs:  # pdftotext gives a non-breaking space (French "sources : enquêtes") as a plain one
        assert " ".join(doc.title.split()) in text, f"{doc.title!r} is not in the {code} PDF"
    count = len(pages)
    assert lang.gettext("page %(page)s of %(pages)s") % {"page": 2, "pages": count} in " ".join(pages[1].split())

    bookmarks = outline(pdf)
    assert bookmarks[0] == lang.gettext("Contents")
    bookmarks = [" ".join(bookmark.split()) for bookmark in bookmarks]
    for doc in docs:
        assert " ".join(doc.title.split()) in bookmarks, f"no bookmark for {doc.title!r} in the {code} PDF"


def test_the_dutch_pdf_has_its_translated_chapters_in_dutch(translated_guides):
    """Every chapter translated into Dutch is in Dutch in the Dutch PDF, its English title nowhere."""
    from test_guide_content import TRANSLATED

    content = load_content(ROOT)
    pdf, docs = translated_guides["nl"]
    text = " ".join(" ".join(page_texts(pdf)).split())
    slugs = [re.sub(r"^\d+-", "", name.split("/")[1]) for name in TRANSLATED["nl"] if name.startswith("guide/")]
    assert slugs
    for slug in slugs:
        english = next(doc for doc in content.guide if doc.slug == slug)
        dutch = content.translated("guide", slug, "nl")
        assert dutch.title in text and dutch.title in outline(pdf)
        assert english.title not in text, f"the English title {english.title!r} is in the Dutch PDF"
    for number in range(1, len(docs) + 1):
        assert f"HOOFDSTUK {number}" in text  # "Hoofdstuk", upper-cased by the stylesheet


def test_a_chapter_not_yet_translated_keeps_its_english_marked_as_english(env):
    dutch = next(lang for lang in OTHER_LANGUAGES if lang.code == "nl")
    docs = [chapter("Waarom volgen", "Tekst.\n", 1, "one"), chapter("Legal basis", "Text.\n", 2, "two")]
    html_text = guide_html(docs, env, SITE, RELEASE, lang=dutch, in_english={"two"})
    assert '<html lang="nl">' in html_text
    assert '<article class="chapter" id="chapter-one">' in html_text
    assert '<article class="chapter" id="chapter-two" lang="en">' in html_text
    assert "Hoofdstuk 2" in html_text and "Chapter 2" not in html_text


def test_the_running_footer_is_css_in_each_language():
    assert page_footer_css(ENGLISH) == '"page " counter(page) " of " counter(pages)'
    dutch = next(lang for lang in OTHER_LANGUAGES if lang.code == "nl")
    assert page_footer_css(dutch) == '"pagina " counter(page) " van " counter(pages)'


# ---- the HTML handed to WeasyPrint ---------------------------------------


def test_script_in_a_chapter_never_reaches_the_html(env):
    body = ("## Safe?\n\n<script>alert(1)</script>\n\n<img src=x onerror=\"alert(2)\">\n\n"
            "[click](javascript:alert(3)) and <a href=\"#x\" onclick=\"alert(4)\">here</a>\n")
    html = guide_html([chapter("Unsafe chapter", body)], env, SITE, RELEASE)
    lowered = html.lower()
    assert "<script" not in lowered
    assert "onerror" not in lowered and "onclick" not in lowered
    assert "javascript:" not in lowered
    assert "Unsafe chapter" in html


def test_titles_and_headings_are_escaped_once(env):
    doc = chapter("Q&A <em>not markup</em>", "## Data & metadata\n\nText.\n")
    html = guide_html([doc], env, SITE, RELEASE)
    assert "Q&amp;A &lt;em&gt;not markup&lt;/em&gt;" in html
    assert "&amp;amp;" not in html
    assert '<a href="#test--data-metadata">Data &amp; metadata</a>' in html


def test_section_ids_are_unique_across_chapters(env):
    docs = [chapter("One", "## Examples\n\nA.\n", 1, "one"), chapter("Two", "## Examples\n\nB.\n", 2, "two")]
    html = guide_html(docs, env, SITE, RELEASE)
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    assert 'href="#one--examples"' in html and 'href="#two--examples"' in html


def test_in_page_links_follow_their_scoped_ids_but_code_is_left_alone(env):
    body = '## Start\n\nSee [the start](#start).\n\n    <h2 id="raw">kept as written</h2>\n'
    html = guide_html([chapter("Links", body)], env, SITE, RELEASE)
    assert 'href="#test--start"' in html and 'id="test--start"' in html
    assert 'id="raw"' in html.replace("&quot;", '"')


def test_the_stylesheet_is_inlined_and_uses_local_fonts_only(env):
    html = guide_html([chapter("One", "Text.\n")], env, SITE, RELEASE)
    assert '"DejaVu Sans", "Liberation Sans", sans-serif' in html
    assert "@import" not in html and "@font-face" not in html
    assert '<html lang="en">' in html


# ---- figures --------------------------------------------------------------


def test_figures_are_drawn_as_vectors_in_an_appendix(env, tmp_path):
    pdf = tmp_path / "figures.pdf"
    pdf.write_bytes(guide_pdf([chapter("Only chapter", "Some text.\n")], env, SITE, RELEASE,
                              figures={"Where graduates are at 12 months": FIGURE_SVG,
                                       "Destinations, wide": FIGURE_SVG.replace('width="320"', 'width="1200"')}))
    text = " ".join(" ".join(page_texts(pdf)).split())
    assert "Figures" in text
    assert "Employed at 12 months" in text  # SVG text stays text: it was drawn as vectors
    assert "Figure 1. Where graduates are at 12 months" in text
    assert "Figure 2. Destinations, wide" in text
    # No raster image anywhere: pdfimages lists only its two header lines.
    assert len(run("pdfimages", "-list", str(pdf)).strip().splitlines()) == 2
    assert pages_with_ink_in_side_margins(pdf, tmp_path) == []  # the wide one is scaled to fit


def test_figures_are_inline_svg_in_the_html(env):
    html = guide_html([chapter("One", "Text.\n")], env, SITE, RELEASE, figures={"A": FIGURE_SVG})
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html
    assert "<?xml" not in html
    assert 'href="#figures"' in html


def test_a_figure_that_could_run_script_is_refused():
    for svg in ('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
                '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>',
                "<p>not svg</p>"):
        with pytest.raises(ValueError):
            guide_figure("bad", svg, 1)


# ---- no network ----------------------------------------------------------


def test_the_url_fetcher_allows_data_urls_and_template_files_only():
    fetch = local_fetcher([TEMPLATES])
    assert fetch("data:text/plain,hello").read() == b"hello"
    assert fetch((TEMPLATES / "pdf" / "guide.css").as_uri()).read().startswith(b"/*")
    for url in ("https://example.org/font.woff2", "http://localhost/x.css", "ftp://example.org/x",
                (ROOT / "pyproject.toml").as_uri(), TEMPLATES.as_uri() + "/../pyproject.toml"):
        with pytest.raises(ValueError):
            fetch(url)


def test_links_to_the_site_point_at_its_address_never_at_the_build_folder(guide, env, chapters, tmp_path):
    # Without the site's address, a link to the questionnaire downloads is text: before, WeasyPrint resolved
    # it into the folder the site was built in (file:///...), broken for every reader and a leak of the path.
    assert b"file:" not in pdf_streams(guide.read_bytes())
    site = dataclasses.replace(SITE, base_url="https://example.org/tracking/")
    addressed = tmp_path / "addressed.pdf"
    addressed.write_bytes(guide_pdf(chapters, env, site, RELEASE))
    objects = pdf_streams(addressed.read_bytes())
    assert b"file:" not in objects
    assert b"(https://example.org/tracking/guide/downloads/ontrack_core.xlsx)" in objects
