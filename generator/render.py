"""Render the site model to files: Jinja2 pages, chart SVGs, assets, sitemap and the guide PDF.

Templates are found through a ChoiceLoader: the project's own ``templates/``
first, then the packaged defaults, so a publisher overrides one file at a time.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

import jinja2
from markupsafe import Markup

from . import charts as chart_render
from .errors import InputError, Problem
from .paths import relative_url
from .formatting import format_count, format_money, format_number, format_pct
from .maps import MapRegion, europe_map_svg
from .site import NAV, Page, Site



def default_templates() -> Path:
    """The built-in templates: ``generator/templates`` in an installed wheel (see setup.py), else the
    repository's top-level ``templates/`` in a source checkout or an editable install."""
    installed = resources.files("generator") / "templates"
    if isinstance(installed, Path) and installed.is_dir():
        return installed.resolve()
    return Path(__file__).resolve().parent.parent / "templates"


DEFAULT_TEMPLATES = default_templates()
ASSETS = "assets"


def template_environment(project: Path | None) -> jinja2.Environment:
    """Jinja environment: autoescape on, undefined names are errors, project templates first."""
    folders = []
    if project is not None and (project / "templates").is_dir():
        folders.append(project / "templates")
    if DEFAULT_TEMPLATES not in [f.resolve() for f in folders]:
        folders.append(DEFAULT_TEMPLATES)
    env = jinja2.Environment(loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(f)) for f in folders]),
                             autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
                             lstrip_blocks=True, keep_trailing_newline=True)
    env.filters |= {"pct": format_pct, "num": format_number, "money": format_money, "count": format_count}
    env.globals["template_folders"] = [str(f) for f in folders]
    env.globals["europe_map"] = status_map_svg
    return env


#: Status -> (CSS class, hatch pattern): the map never tells status by colour alone.
STATUS_STYLE = {"Design": ("status-design", "hatch"), "Pilot": ("status-pilot", "dots"),
                "Implementation": ("status-implementation", "crosshatch"), "Completed": ("status-completed", None),
                "No entry": ("status-none", None)}


def status_map_svg(rows: list[dict], url, title: str, description: str, id_prefix: str) -> Markup:
    """The Europe map for a list of {geo, name, status, url}, with links relative to the current page."""
    fills = {}
    for row in rows:
        css, pattern = STATUS_STYLE[row["status"]]
        fills[row["geo"]] = MapRegion(label=f"{row['name']}: {row['status'].lower()}", css_class=css,
                                      href=url(row["url"]), pattern=pattern)
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
    return files


def _sitemap(site: Site) -> bytes:
    base = site.config.site.base_url.rstrip("/") + "/" if site.config.site.base_url else "/"
    day = site.release.date().isoformat()
    urls = []
    for page in sorted(site.pages, key=lambda p: p.path):
        if page.path == "404.html":
            continue
        loc = base + (page.path[: -len("index.html")] if page.path.endswith("index.html") else page.path)
        urls.append(f"  <url><loc>{xml_escape(loc)}</loc><lastmod>{day}</lastmod></url>")
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n" + "\n".join(urls) + "\n</urlset>\n").encode()


def _render_charts(site: Site, cache_dir: Path | None) -> dict[int, str]:
    charts = [chart for page in site.pages for chart in page.charts]
    # One vl-convert process already keeps about 1.1 cores busy, so on a 2-core machine a second worker
    # does not pay; larger machines get one worker per two cores.
    workers = max(1, (os.cpu_count() or 2) // 2)
    svgs = chart_render.render_svgs(charts, cache_dir=cache_dir, workers=workers)
    return {id(chart): svg for chart, svg in zip(charts, svgs)}


def render_site(site: Site, project: Path | None, cache_dir: Path | None = None, clock=None) -> dict[str, bytes]:
    """Every page and asset of the site as bytes, by output path."""
    env = template_environment(project)
    svgs = _render_charts(site, cache_dir)
    if clock:
        clock.done("render charts")
    files = _asset_files(env)
    files[f"{ASSETS}/vega.js"] = chart_render.vega_bundle(cache_dir).encode("utf-8")
    common = {"site": site.config.site, "config": site.config, "release": site.release, "nav": NAV}
    for page in site.pages:
        files[page.path] = render_page(env, page, common, svgs).encode("utf-8")
    files.update(site.extra_files)
    files["sitemap.xml"] = _sitemap(site)
    files["robots.txt"] = b"User-agent: *\nAllow: /\n"
    if clock:
        clock.done("render pages")
    from .guide import guide_pdf

    files["guide/ontrack-guide.pdf"] = guide_pdf(site.guide, env, site.config.site, site.release.date(),
                                                cache_dir=cache_dir)
    if clock:
        clock.done("guide PDF")
    return files


def render_page(env: jinja2.Environment, page: Page, common: dict, svgs: dict[int, str]) -> str:
    def url(target: str) -> str:
        return relative_url(page.path, target)

    charts = [{"id": c.id, "title": c.title, "description": c.description, "table": c.table,
               "svg": Markup(svgs[id(c)]), "spec": Markup(chart_render.spec_json(c.spec))} for c in page.charts]
    try:
        template = env.get_template(page.template)
        return template.render(page=page, url=url, charts=charts, chart=dict((c["id"], c) for c in charts),
                               **common, **page.context)
    except jinja2.TemplateSyntaxError as exc:
        raise InputError([Problem(f"templates/{exc.name or page.template}", exc.lineno, None, "template",
                                  f"template error: {exc.message}")]) from None
    except jinja2.UndefinedError as exc:
        raise InputError([Problem(f"templates/{page.template}", None, None, "template",
                                  f"template uses something undefined: {exc.message}")]) from None
    except jinja2.TemplateNotFound as exc:
        raise InputError([Problem(f"templates/{exc.name}", None, None, "template", "template not found")]) from None
