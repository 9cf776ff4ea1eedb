"""Pages made from the content and the open-data metadata: the guide, the data and dictionary pages,
the methodology and other pages, search, and "not found"."""

from __future__ import annotations

from .definitions import DEFINITIONS
from .figures import indicator_label
from .model import Page, SiteContext
from .paths import slugify
from .prose import headings, markdown_to_html
from .words import LEVEL_NAMES


def guide_pages(ctx: SiteContext) -> list[Page]:
    """The guide's index and one page per chapter."""
    _ = ctx._
    chapters = [ctx.document("guide", doc) for doc in ctx.content.guide]
    docs = [doc for doc, _translated in chapters]
    pages = [ctx.page("guide/index.html", "guide_index.html", _("Implementation guide"), "guide",
                       {"chapters": docs}, description=_("How a VET provider sets up graduate tracking."))]
    for i, (doc, translated) in enumerate(chapters):
        html = markdown_to_html(doc.body)
        pages.append(ctx.page(f"guide/{slugify(doc.slug)}/index.html", "guide_chapter.html", doc.title, "guide", {
            "doc": doc, "body": html, "toc": headings(html), "number": i + 1, "translated": translated,
            "previous": docs[i - 1] if i else None,
            "next": docs[i + 1] if i + 1 < len(docs) else None,
        }, description=doc.summary))
    return pages


def data_page(ctx: SiteContext) -> Page:
    """The open-data page: the packages, their files and the release's extras."""
    return ctx.page("data/index.html", "data.html", ctx._("Open data"), "data", {
        "packages": ctx.packages, "site_package": ctx.packages[0],
        "country_packages": [(p, ctx.country_name(p.geo)) for p in ctx.packages[1:]],
        "open_data": ctx.open_data, "dataset_jsonld": ctx.dataset_script(ctx.packages[0].name),
        "changelog": "changelog" in ctx.content.pages,
    }, description=ctx._("Download the published figures as Frictionless data packages."))


def dictionary_page(ctx: SiteContext) -> Page | None:
    """Every published resource and field, and the input files, from their Table Schemas."""
    if ctx.open_data is None:
        return None
    return ctx.page("data/dictionary/index.html", "dictionary.html", ctx._("Data dictionary"), "data", {
        "dictionary": ctx.open_data.dictionary, "packages": ctx.packages,
    }, description=ctx._("Every published file and column: type, unit, allowed codes and meaning; "
                         "the indicator definitions."))


def content_page(ctx: SiteContext, slug: str, section: str) -> Page | None:
    """A page written in ``content/pages`` (the methodology page with the definitions and disclosure counts);
    None when the project has no such page."""
    doc = ctx.content.pages.get(slug)
    if doc is None:
        return None
    doc, translated = ctx.document("pages", doc)
    context = {"doc": doc, "body": markdown_to_html(doc.body), "translated": translated}
    if slug == "methodology":
        context |= {"definitions": [(d, indicator_label(d.id, ctx.lang)) for d in DEFINITIONS.values()],
                    "options": ctx.config.disclosure, "report": ctx.report.counts.to_dict("records"),
                    "pooled": ctx.pooled, "months": ctx.months, "level_names": LEVEL_NAMES}
    return ctx.page(f"{slug}/index.html", "page.html", doc.title, section, context, description=doc.summary)


def search_page(ctx: SiteContext) -> Page:
    """The search page (Pagefind's index is made after rendering)."""
    return ctx.page("search/index.html", "search.html", ctx._("Search"), "search", {},
                    description=ctx._("Search every page of the site."))


def not_found_page(ctx: SiteContext) -> Page:
    """The "not found" page, which the host serves for a missing address."""
    return ctx.page("404.html", "404.html", ctx._("Page not found"), "", {})
