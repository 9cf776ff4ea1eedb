"""Render the site model to files: Jinja2 pages, chart SVGs and CSVs, page scripts' data, assets, sitemap and
the guide PDF.

Templates are found through a ChoiceLoader: the project's own ``templates/``
first, then the packaged defaults, so a publisher overrides one file at a time.
A project template can also extend the built-in one of the same name instead of
copying it, by naming it with the ``default:`` prefix (as datasette does):
``{% extends "default:base.html" %}`` and then only the blocks it changes.
"""

from __future__ import annotations

import csv
import io
from importlib import resources
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

import jinja2
from markupsafe import Markup

from . import charts as chart_render
from .cache import BuildCache
from .errors import InputError, Problem
from .i18n import ENGLISH, NOT_PUBLISHED, Language
from .paths import OutputFiles, relative_url, script_json
from .maps import MapRegion, europe_map_svg
from .model import NAV, Page, Site
from .statuses import NATIONAL_SYSTEM, NATIONAL_SYSTEMS, NOT_ASSESSED, map_stylesheet



def default_templates() -> Path:
    """The built-in templates: ``generator/templates`` in an installed wheel (see ``[tool.setuptools]`` in
    pyproject.toml), else the repository's top-level ``templates/`` in a source checkout or an editable install."""
    installed = resources.files("generator") / "templates"
    if isinstance(installed, Path) and installed.is_dir():
        return installed.resolve()
    return Path(__file__).resolve().parent.parent / "templates"


DEFAULT_TEMPLATES = default_templates()
#: ``{% extends "default:base.html" %}`` names the built-in base.html, even from a project's own base.html.
DEFAULT_PREFIX = "default"
ASSETS = "assets"


def template_environment(project: Path | None, lang: Language = ENGLISH) -> jinja2.Environment:
    """Jinja environment for one language: autoescape on, undefined names are errors, project templates first,
    interface strings from the language's catalogue, numbers and dates in its locale."""
    folders = []
    if project is not None and (project / "templates").is_dir():
        folders.append(project / "templates")
    if DEFAULT_TEMPLATES not in [f.resolve() for f in folders]:
        folders.append(DEFAULT_TEMPLATES)
    # "default:NAME" is always the built-in NAME, so that a project's NAME can extend the one it replaces.
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(str(f)) for f in folders]
    loaders.append(jinja2.PrefixLoader({DEFAULT_PREFIX: jinja2.FileSystemLoader(str(DEFAULT_TEMPLATES))},
                                       delimiter=":"))
    env = jinja2.Environment(loader=jinja2.ChoiceLoader(loaders),
                             autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
                             lstrip_blocks=True, keep_trailing_newline=True, extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(lang.translations, newstyle=True)
    env.policies["ext.i18n.trimmed"] = True
    env.filters |= {"pct": lang.pct, "num": lang.num, "money": lang.money, "count": lang.count, "date": lang.date,
                    "partial_date": lambda value: partial_date(value, lang)}
    env.globals |= {"template_folders": [str(f) for f in folders], "europe_map": status_map_svg, "lang": lang,
                    "national_systems": NATIONAL_SYSTEMS, "system_not_assessed": NOT_ASSESSED,
                    "not_published": NOT_PUBLISHED}
    return env


def partial_date(value: str, lang: Language) -> str:
    """A date known to the year, the month or the day ('2023', '2023-05', '2023-05-10'), written out only as far as it
    is known: '2023', 'May 2023', '10 May 2023' (in the language's own words)."""
    import datetime as dt

    from babel.dates import format_skeleton

    parts = [int(p) for p in value.split("-")]
    if len(parts) == 1:
        return value
    if len(parts) == 2:
        return format_skeleton("yMMMM", dt.date(parts[0], parts[1], 1), locale=lang.locale)
    return lang.date(dt.date(*parts))


def status_map_svg(rows: list[dict], url, title: str, description: str, id_prefix: str) -> Markup:
    """The Europe map for a list of {geo, name, system, system_label, url}, links relative to the current page."""
    fills = {}
    for row in rows:
        system = NATIONAL_SYSTEM[row["system"]]  # the map never tells its categories by colour alone
        fills[row["geo"]] = MapRegion(label=f"{row['name']}: {row['system_label']}", css_class=system.css_class,
                                      href=url(row["url"]), pattern=system.pattern)
    return Markup(europe_map_svg(fills, title=title, description=description, id_prefix=id_prefix))


def _asset_files(env: jinja2.Environment) -> dict[str, bytes]:
    """Static assets (CSS, JS, images), each taken from the first template folder that has it."""
    files: dict[str, bytes] = {}
    for folder in reversed(env.globals["template_folders"]):
        root = Path(folder) / ASSETS
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file():
                    files[f"{ASSETS}/{path.relative_to(root).as_posix()}"] = path.read_bytes()
    stylesheet = f"{ASSETS}/site.css"
    if stylesheet in files:  # the map's colours are ontrack's, whichever stylesheet the project uses
        files[stylesheet] = map_stylesheet().encode() + files[stylesheet]
    return files


def _sitemap(site: Site) -> bytes:
    base = site.config.site.base_url.rstrip("/") + "/"
    day = site.release.date().isoformat()
    urls = []
    for page in sorted(site.pages, key=lambda p: p.path):
        if page.key in ("404.html", "search/index.html"):
            continue
        loc = base + (page.path[: -len("index.html")] if page.path.endswith("index.html") else page.path)
        urls.append(f"  <url><loc>{xml_escape(loc)}</loc><lastmod>{day}</lastmod></url>")
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n" + "\n".join(urls) + "\n</urlset>\n").encode()


def _render_charts(site: Site, cache: BuildCache | None, progress=None, workers=None) -> dict[int, bytes]:
    """Each chart's SVG as UTF-8 bytes, by ``id(chart)``.

    As bytes, because that is what the SVG file is: the page reads them as text one page at a
    time, and the whole site's SVGs are not kept twice (at a million records, some 300 MB).
    """
    charts = [chart for page in site.pages for chart in page.charts]
    svgs = chart_render.render_svgs(charts, cache=cache, workers=workers,
                                    progress=(lambda done, total: progress("render charts", done, total))
                                    if progress else None)
    drawn = {}
    for index, chart in enumerate(charts):
        drawn[id(chart)] = svgs[index].encode("utf-8")
        svgs[index] = None  # each text goes as soon as its bytes are made
    return drawn


def render_site(site: Site, project: Path | None, files: OutputFiles | None = None, cache: BuildCache | None = None,
                clock=None, progress=None, chart_workers: int | None = None) -> OutputFiles:
    """Every page and asset of the site as bytes, by output path (two parts writing one path is an error), added to
    ``files`` (the build's, which writes each to its staging folder as it comes) or to new ``OutputFiles``.

    ``cache`` (a ``BuildCache``) keeps the chart SVGs, the Vega bundle and the PDFs across builds;
    ``progress`` and ``chart_workers`` are as for ``build.build``.
    """
    envs = {lang.code: template_environment(project, lang) for lang in site.languages}
    env = envs[site.languages[0].code]
    svgs = _render_charts(site, cache, progress, chart_workers)
    if clock:
        clock.done("render charts")
    files = OutputFiles() if files is None else files
    files.update(_asset_files(env))
    files.add(f"{ASSETS}/vega.js", chart_render.vega_bundle(cache).encode("utf-8"))
    common = {"site": site.config.site, "config": site.config, "release": site.release, "nav": NAV,
              "languages": site.languages}
    for page in site.pages:
        files.update(page_files(envs[page.lang.code], page, common, svgs))
    if site.config.site.base_url:  # a sitemap lists absolute URLs (sitemaps.org protocol): none without an address
        files.add("sitemap.xml", _sitemap(site))
    files.add("robots.txt", b"User-agent: *\nAllow: /\n")
    if clock:
        clock.done("render pages")
    files.update(guide_pdfs(site, envs, cache))
    if clock:
        clock.done("guide PDFs")
    from .reports import provider_reports

    files.update(provider_reports(site.pages, envs, common, cache=cache, progress=progress))
    if clock:
        clock.done("quality reports")
    return files


def page_files(env: jinja2.Environment, page: Page, common: dict, svgs: dict[int, bytes]) -> dict[str, bytes]:
    """A page's HTML, its charts' data (CSV) and pictures (SVG), and the data its script loads, by output path."""
    files = {page.path: render_page(env, page, common, svgs).encode("utf-8")}
    for chart in page.charts:
        csv_path, svg_path = chart_paths(page, chart)
        files[csv_path] = chart_csv(chart)
        files[svg_path] = svgs[id(chart)]
    if page.script_data is not None:
        data = page.script_data
        files[data.path] = f"window.{data.name} = {script_json(data.value)};\n".encode()
    return files


def guide_pdfs(site: Site, envs: dict, cache: BuildCache | None) -> dict[str, bytes]:
    """The guide as PDF in every language, each beside that language's guide pages."""
    from .guide import GUIDE_PDF, guide_pdf

    files = {}
    for lang in site.languages:
        chapters = site.guide[lang.code]
        files[lang.prefix + GUIDE_PDF] = guide_pdf(
            [doc for doc, _translated in chapters], envs[lang.code], site.config.site, site.release.date(),
            cache=cache, lang=lang, in_english={doc.slug for doc, translated in chapters if not translated})
    return files


def chart_paths(page: Page, chart) -> tuple[str, str]:
    """Where a chart's data (CSV) and picture (SVG) are downloaded from: beside its page."""
    folder = page.path.rpartition("/")[0]
    stem = f"{folder}/chart-{chart.id}" if folder else f"chart-{chart.id}"
    return f"{stem}.csv", f"{stem}.svg"


def chart_csv(chart) -> bytes:
    """The rows the chart draws, as CSV: published figures only (a hidden one is an empty cell with its reason)."""
    rows = chart.spec.get("data", {}).get("values", [])
    columns = list(dict.fromkeys(key for row in rows for key in row))
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: "" if v is None else v for k, v in row.items()} for row in rows)
    return out.getvalue().encode("utf-8")


def render_page(env: jinja2.Environment, page: Page, common: dict, svgs: dict[int, bytes]) -> str:
    def url(target: str) -> str:
        """A link from this page: to a page in the same language (``*.html``), or to a shared file."""
        return relative_url(page.path, page.lang.prefix + target if target.endswith(".html") else target)

    def in_language(lang: Language) -> str:
        """This page in another language (the language switcher and hreflang links)."""
        return relative_url(page.path, lang.prefix + page.key)

    charts = [{"id": c.id, "title": c.title, "description": c.description, "table": c.table,
               "svg": Markup(svgs[id(c)].decode("utf-8")), "spec": Markup(chart_render.spec_json(c.spec)),
               **dict(zip(("csv_path", "svg_path"), chart_paths(page, c)))} for c in page.charts]
    try:
        template = env.get_template(page.template)
        root = "../" * page.path.count("/") or "./"
        return template.render(page=page, url=url, in_language=in_language, root=root, charts=charts,
                               chart=dict((c["id"], c) for c in charts), **common, **page.context)
    except jinja2.TemplateSyntaxError as exc:
        raise InputError([Problem(f"templates/{exc.name or page.template}", exc.lineno, None, "template",
                                  f"template error: {exc.message}")]) from None
    except jinja2.UndefinedError as exc:
        raise InputError([Problem(f"templates/{page.template}", None, None, "template",
                                  f"template uses something undefined: {exc.message}")]) from None
    except jinja2.TemplateNotFound as exc:
        raise InputError([Problem(f"templates/{exc.name}", None, None, "template", "template not found")]) from None
