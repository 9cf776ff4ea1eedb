"""The site model: every page of every language, in order, from the disclosed release.

``build_site`` hands one ``SiteContext`` a language to each page builder
(``programme_pages``, ``country_pages``, ``directory``, ``crosscountry``,
``text_pages``) and gathers their pages. The model writes no file: the data
packages and per-programme CSVs are the publish stage's, the HTML, chart files
and page scripts rendering's.
"""

from __future__ import annotations

from . import country_pages, programme_pages, text_pages
from .crosscountry import cross_country
from .directory import Directory
from .figures import FigureIndex
from .i18n import site_languages
from .model import Page, Release, Site, SiteContext

#: The content pages, if the project has them, and the navigation section each belongs to.
CONTENT_PAGES = (("methodology", "methodology"), ("about", "about"), ("accessibility", "about"),
                 ("privacy", "about"), ("changelog", "data"))


def language_pages(ctx: SiteContext) -> list[Page]:
    """Every page of one language."""
    rows = ctx.programme_rows
    directory = Directory(ctx)
    pages = [programme_pages.home(ctx), programme_pages.programmes_index(ctx, rows),
             programme_pages.compare(ctx, rows), country_pages.countries_index(ctx)]
    pages += [programme_pages.programme(ctx, p, directory.where_to_study(p)) for p in ctx.programmes.itertuples()]
    pages += [country_pages.country(ctx, c) for c in ctx.content.countries]
    pages += directory.pages(rows)
    pages.append(cross_country(ctx))
    pages += text_pages.guide_pages(ctx)
    pages.append(text_pages.data_page(ctx))
    pages += [p for p in [text_pages.dictionary_page(ctx)] if p is not None]
    pages += [p for slug, section in CONTENT_PAGES for p in [text_pages.content_page(ctx, slug, section)]
              if p is not None]
    pages.append(text_pages.search_page(ctx))
    if not ctx.lang.prefix:  # one "not found" page, served by the host for every language
        pages.append(text_pages.not_found_page(ctx))
    return pages


def build_site(release: Release) -> Site:
    """The site model of a release, in every configured language."""
    languages = tuple(site_languages(release.config.site.languages, release.content.locale))
    figures = FigureIndex(release.safe)
    pages, guides = [], {}
    for lang in languages:
        ctx = SiteContext(release, lang, figures)
        pages += language_pages(ctx)
        guides[lang.code] = tuple(ctx.document("guide", doc) for doc in release.content.guide)
    return Site(release.config, release.release, pages, guides, languages)
