"""Providers' quality reports: one tagged PDF per provider and language, for the yearly quality review.

A report is the provider page's own context (its figures came from the ``SafeTable`` through the
``FigureIndex``) rendered with ``pdf/report.html`` and laid out by WeasyPrint as the guide is: tagged
PDF/UA-1, no network, same input same bytes. Each PDF is cached by the hash of its HTML, its
stylesheet and the WeasyPrint version, so a build pays only for the reports whose figures changed.
"""

from __future__ import annotations

import hashlib
import importlib.metadata

from .cache import BuildCache
from .guide import PDF_VARIANT, _write_pdf, template_roots
from .inputs.reference import EU_TARGET, EU_TARGET_YEAR

TEMPLATE = "pdf/report.html"


def report_html(page, env, common: dict) -> str:
    """One provider page's quality report as HTML, in the page's language."""
    title = page.lang.gettext("Quality report: {provider}").format(provider=page.context["provider"]["name"])
    return env.get_template(TEMPLATE).render(**common, **page.context, report_title=title,
                                             target=EU_TARGET, target_year=EU_TARGET_YEAR)


def report_pdf(html: str, env, cache: BuildCache | None = None) -> bytes:
    """The PDF of a report's HTML; from ``cache`` (kind ``reports``) when the same HTML was laid out before."""
    roots = template_roots(env.loader)
    digest = hashlib.sha256(html.encode("utf-8"))
    digest.update(importlib.metadata.version("weasyprint").encode())
    digest.update(PDF_VARIANT.encode())
    for root in roots:
        css = root / "pdf" / "report.css"
        if css.is_file():
            digest.update(css.read_bytes())
    return (cache or BuildCache(None)).get_or_compute("reports", digest.hexdigest(), lambda: _write_pdf(html, roots))


def provider_reports(pages, envs: dict, common: dict, cache: BuildCache | None = None,
                     progress=None) -> dict[str, bytes]:
    """Every provider page's quality report, by output path: beside the provider's page in the default language,
    its language in its name (the same folder for every language, as the site's other shared files)."""
    providers = [p for p in pages if p.template == "provider.html" and p.context.get("report")]
    files = {}
    for n, page in enumerate(providers, start=1):
        env = envs[page.lang.code]
        html = report_html(page, env, common)
        files[page.context["report"]] = report_pdf(html, env, cache)
        if progress:
            progress("quality reports", n, len(providers))
    return files
