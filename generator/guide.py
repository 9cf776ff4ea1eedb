"""The implementation guide as one PDF per site language: every chapter, a contents list, and optional figures.

The guide is rendered to one HTML document with ``pdf/guide.html`` (so a
project can restyle it by overriding that template or ``pdf/guide.css``), then
laid out by WeasyPrint. WeasyPrint is given a URL fetcher that refuses the
network, and the document's dates come from the release date, so the same
input gives the same bytes.

Each language's PDF takes that language's chapters (a chapter not yet translated
keeps its English text, marked ``lang="en"``) and its words for the cover, the
contents, the running footer and the PDF's title, from the gettext catalogue.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from urllib.request import url2pathname

import jinja2
from markupsafe import Markup

from .cache import BuildCache
from .config import SiteOptions
from .i18n import ENGLISH, SOURCE_LANGUAGE, Language, N_
from .inputs.content import Document
from .prose import headings, markdown_to_html

#: The guide's title, translated through the catalogue for each language's PDF.
GUIDE_TITLE = N_("Implementation guide for VET providers")
#: Where each language's PDF is written, under that language's folder ('nl/guide/…').
GUIDE_PDF = "guide/ontrack-guide.pdf"
TEMPLATE = "pdf/guide.html"

_TAG = re.compile(r"<[a-z][a-z0-9]*\s[^>]*>")
_ID = re.compile(r'\s(id|href)="(#?)([^"]*)"')
_XML_PROLOGUE = re.compile(r"\A\s*(<\?xml[^>]*\?>\s*)?(<!DOCTYPE[^>]*>\s*)?", re.I)
_SVG_UNSAFE = re.compile(r"<\s*(script|foreignObject)\b|\son\w+\s*=", re.I)


@dataclass(frozen=True)
class GuideChapter:
    """One chapter as the template sees it: its anchor, number, title and sanitised HTML."""

    anchor: str
    number: int
    title: str
    summary: str
    html: Markup
    sections: tuple[tuple[str, str], ...]
    #: The language of the chapter's text when it differs from the PDF's (a chapter not yet translated).
    lang: str | None = None


@dataclass(frozen=True)
class GuideFigure:
    """One inline SVG figure of the appendix, numbered in order."""

    anchor: str
    number: int
    name: str
    svg: Markup


def _scoped_ids(html: str, slug: str) -> str:
    """Prefix the chapter's heading ids and in-page links with its slug.

    Each chapter is rendered on its own, so two chapters with a section of the
    same name ("Examples") would otherwise share an id in the one PDF document.
    """

    def scope(found: re.Match) -> str:
        attribute, hash_, value = found.groups()
        if attribute == "id":
            return f' id="{slug}--{value}"'
        if hash_:
            return f' href="#{slug}--{value}"'
        return found.group(0)

    # Only inside tags: text never holds a raw "<" after sanitising, so code samples stay as written.
    return _TAG.sub(lambda tag: _ID.sub(scope, tag.group(0)), html)


def guide_chapter(document: Document, number: int, lang: str | None = None, page_url: str | None = None) -> GuideChapter:
    """A chapter's Markdown as sanitised HTML with ids unique in the whole guide; its links to other pages of
    the site made absolute from ``page_url`` (the chapter page's address), or plain text without one."""
    html = _site_links(_scoped_ids(markdown_to_html(document.body), document.slug), page_url)
    return GuideChapter(
        anchor=f"chapter-{document.slug}", number=number, title=document.title, summary=document.summary,
        # markdown_to_html has already cleaned the HTML with nh3: safe to insert as markup.
        # headings() strips the tags but keeps the entities: the text is already escaped HTML.
        html=Markup(html), sections=tuple((anchor, Markup(text)) for anchor, text in headings(html)), lang=lang,
    )


_LINK = re.compile(r'<a href="([^"#][^"]*)"([^>]*)>(.*?)</a>', re.S)


def _site_links(html: str, page_url: str | None) -> str:
    """Relative links (to the site's other pages and downloads) as the PDF must carry them: from the chapter
    page's address, since a PDF read anywhere has no folder of its own to resolve them in; as plain text
    where the site's address is not configured (WeasyPrint would otherwise point them into the folder the
    site was built in)."""
    def absolute(match: re.Match) -> str:
        href, rest, text = match.groups()
        if urlsplit(href).scheme or href.startswith("//"):
            return match.group(0)
        if page_url:
            return f'<a href="{urljoin(page_url, href)}"{rest}>{text}</a>'
        return text
    return _LINK.sub(absolute, html)


def _gettext(lang: Language):
    """``_`` for the PDF template in ``lang``, with ``%(name)s`` values as Jinja's newstyle gettext has them.

    Given to the template explicitly, so the PDF speaks its own language whichever environment renders it.
    """
    def gettext(message: str, **values) -> str:
        text = lang.gettext(message)
        return text % values if values else text
    return gettext


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def page_footer_css(lang: Language) -> Markup:
    """The running footer ("page 3 of 40") as a CSS ``content`` value in ``lang``'s words."""
    words = re.split(r"%\((page|pages)\)s", lang.gettext(N_("page %(page)s of %(pages)s")))
    parts = [f"counter({word})" if i % 2 else _css_string(word) for i, word in enumerate(words) if word or i % 2]
    return Markup(" ".join(parts))


def guide_figure(name: str, svg: str, number: int) -> GuideFigure:
    """An inline SVG figure; refuses SVG that could run script (it comes from our own chart stage)."""
    body = _XML_PROLOGUE.sub("", svg, count=1)
    if not body.lstrip().lower().startswith("<svg") or _SVG_UNSAFE.search(body):
        raise ValueError(f"figure {name!r} must be a plain <svg> element without script or event handlers")
    return GuideFigure(anchor=f"figure-{number}", number=number, name=name, svg=Markup(body))


def guide_html(chapters: Sequence[Document], env: jinja2.Environment, site: SiteOptions, release: dt.date,
               figures: Mapping[str, str] | None = None, lang: Language = ENGLISH,
               in_english: Collection[str] = ()) -> str:
    """The whole guide in ``lang`` as one HTML document, as WeasyPrint will lay it out.

    ``chapters`` are the chapters as that language's site shows them; ``in_english`` names (by slug) those
    still in English, so their text is marked as such for screen readers and hyphenation.
    """
    licence_name, licence_url = site.licence_terms.short, site.licence_terms.url
    return env.get_template(TEMPLATE).render(
        _=_gettext(lang),
        site=site,
        guide_title=lang.gettext(GUIDE_TITLE),
        language=lang.code,
        # The site's description is written in the project's own words (English): shown in the English PDF only.
        description=site.description if lang.code == SOURCE_LANGUAGE else "",
        release=release,
        release_display=lang.date(release),
        licence={"name": licence_name, "url": licence_url},
        page_footer=page_footer_css(lang),
        chapters=[guide_chapter(doc, number, SOURCE_LANGUAGE if doc.slug in in_english and lang.code != SOURCE_LANGUAGE
                                else None,
                                f"{site.base_url.rstrip('/')}/{lang.prefix}guide/{doc.slug}/" if site.base_url else None)
                  for number, doc in enumerate(chapters, start=1)],
        figures=[guide_figure(name, svg, n) for n, (name, svg) in enumerate((figures or {}).items(), start=1)],
    )


def guide_pdf(chapters: Sequence[Document], env: jinja2.Environment, site: SiteOptions, release: dt.date,
              figures: Mapping[str, str] | None = None, cache: BuildCache | None = None, lang: Language = ENGLISH,
              in_english: Collection[str] = ()) -> bytes:
    """The implementation guide in ``lang`` as PDF bytes; the same input gives the same bytes.

    With ``cache`` (kind ``guide-pdf``), a PDF made from the same HTML and stylesheets before is reused:
    WeasyPrint takes about ten seconds, and the guide rarely changes between builds.
    """
    import hashlib
    import importlib.metadata

    roots = template_roots(env.loader)
    html = guide_html(chapters, env, site, release, figures, lang, in_english)
    digest = hashlib.sha256(html.encode("utf-8"))
    digest.update(importlib.metadata.version("weasyprint").encode())  # a new WeasyPrint lays out anew
    digest.update(PDF_VARIANT.encode())  # so does a new variant: a cached untagged PDF is not reused
    for root in roots:
        for css in sorted((root / "pdf").glob("*.css")):
            digest.update(css.read_bytes())
    if cache is None:
        return _write_pdf(html, roots)
    return cache.get_or_compute("guide-pdf", digest.hexdigest(), lambda: _write_pdf(html, roots))


#: Tagged PDF for accessibility (EN 301 549 covers PDF documents a public body publishes).
PDF_VARIANT = "pdf/ua-1"


def _write_pdf(html: str, roots: list[Path]) -> bytes:
    import weasyprint  # heavy (Pango, fonts): loaded only when a PDF is made

    document = weasyprint.HTML(
        string=html,
        base_url=roots[0].as_uri() + "/" if roots else None,
        url_fetcher=local_fetcher(roots),
    )
    # PDF/UA-1: tagged structure (headings, paragraphs, lists, tables with their header cells), the
    # document language and title shown as the window title; public-sector publishers need it for
    # EN 301 549. It stays deterministic (the test suite checks the bytes). No pdf_identifier (it would
    # add a random /ID) and no PDF/A variant (its XMP metadata carries a random id and the wall-clock time).
    return document.write_pdf(pdf_variant=PDF_VARIANT)


def template_roots(loader: jinja2.BaseLoader | None) -> list[Path]:
    """The folders a Jinja loader reads templates from, in search order."""
    if isinstance(loader, jinja2.ChoiceLoader):
        return [root for inner in loader.loaders for root in template_roots(inner)]
    if isinstance(loader, jinja2.FileSystemLoader):
        return [Path(p).resolve() for p in loader.searchpath]
    if isinstance(loader, jinja2.PackageLoader) and getattr(loader, "_template_root", None):
        return [Path(loader._template_root).resolve()]
    return []


def local_fetcher(roots: Sequence[Path]):
    """A WeasyPrint URL fetcher for ``data:`` URLs and files under ``roots`` only: never the network."""
    from weasyprint.urls import URLFetcher

    allowed = [Path(root).resolve() for root in roots]

    # A subclass, not a plain function: since WeasyPrint 68 the fetcher is a
    # URLFetcher, and WeasyPrint reads its settings when a fetch fails.
    class LocalOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme == "data":
                return super().fetch(url, headers)
            if parts.scheme == "file" and parts.netloc in ("", "localhost"):
                path = Path(url2pathname(parts.path)).resolve()
                if any(path.is_relative_to(root) for root in allowed):
                    return super().fetch(url, headers)
            raise ValueError(f"the guide PDF may only load data: URLs and template files, not {url}")

    return LocalOnlyFetcher(allowed_protocols=("data", "file"), allow_redirects=False)
