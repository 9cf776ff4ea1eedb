"""The preview's quick rebuild: after an edit, only the pages it touches are made and rendered again.

``ontrack serve`` keeps what its last whole build made (``build.MadeSite``).
When the files that changed are Markdown texts whose front matter is as it
was (a country profile's text, a guide chapter, a page such as the
methodology) or page templates and assets, the pages they touch are made from
the same disclosed cells and rendered with the same code as a whole build
uses, and only the files whose bytes changed are written into the served
folder. Anything else (input data, site.toml, a profile's facts, a new or
removed file, the guide PDF's own templates) gets a whole build, as
``ontrack build`` makes it.

The search index and the guide PDF, which take seconds to tens of seconds,
follow in a background thread after the pages are up; a newer edit makes the
work of an older one moot, and its results are dropped. Once that has
finished, the served folder holds the bytes a whole build would write.
"""

from __future__ import annotations

import dataclasses
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import jinja2
import jinja2.meta

from . import charts as chart_render
from . import country_pages, text_pages
from .audit import audit_file
from .build import CACHE_FOLDER, MadeSite, indexed
from .cache import BuildCache, active
from .errors import BuildError, InputError
from .figures import FigureIndex
from .inputs.content import _read, check_country_translation, parse_country, parse_country_translation, parse_document
from .model import NAV, Release, SiteContext
from .paths import slugify
from .render import ASSETS, guide_pdfs, page_files, template_environment
from .search import BUNDLE

#: Seconds of quiet after an edit before the search index (and guide PDF) are made again: a publisher who
#: edits on would otherwise have Pagefind compete with the rendering of the next edit.
FOLLOW_UP_DELAY = 2.0

#: The content kinds whose Markdown body alone makes pages: kind -> the field that names a document.
TEXT_KINDS = {"countries": "geo", "guide": "slug", "pages": "slug"}


@dataclass(frozen=True)
class Update:
    """What a quick rebuild did: the files it wrote and the pages among them."""

    files: tuple[str, ...]
    pages: tuple[str, ...]
    follow_up: bool             # whether the search index (and maybe the guide PDF) are still being made


def _documents(content) -> dict[tuple, object]:
    """Every content document by (kind, key, language); the originals have language ""."""
    docs = {("countries", c.geo, ""): c for c in content.countries}
    docs |= {("guide", d.slug, ""): d for d in content.guide}
    docs |= {("pages", slug, ""): d for slug, d in content.pages.items()}
    docs |= {key: d for key, d in content.translations.items()}
    return docs


def reread(content, project: Path, paths: list[Path]):
    """``content`` with the files at ``paths`` read again, each as ``load_content`` reads it; None when one of them
    is not a document of ``content`` (a new file) or no longer reads cleanly (the whole build names the problem)."""
    by_file = {doc.path: key for key, doc in _documents(content).items()}
    countries = {c.geo: c for c in content.countries}
    guide = {d.slug: d for d in content.guide}
    pages, translations = dict(content.pages), dict(content.translations)
    profiles = set()  # countries whose profile or a translation of it was read again
    for path in paths:
        file = str(path.relative_to(project))
        if file not in by_file:
            return None
        kind, key, language = by_file[file]
        try:
            text = _read(path, file)
            if language:
                doc = (parse_country_translation(text, file) if kind == "countries"
                       else parse_document(text, file, needs_order=False, needs_title=False))
                translations[kind, key, language] = dataclasses.replace(doc, slug=key)
            elif kind == "countries":
                countries[key] = parse_country(text, file)
            elif kind == "guide":
                guide[key] = parse_document(text, file, needs_order=True)
            else:
                pages[key] = parse_document(text, file, needs_order=False)
        except InputError:
            return None
        if kind == "countries":
            profiles.add(key)
    # A profile's translations are checked against it, as load_content checks them.
    for (kind, key, _language), doc in translations.items():
        if kind == "countries" and key in profiles:
            text = _read(project / doc.path, doc.path)
            if check_country_translation(doc, countries[key], text):
                return None
    return dataclasses.replace(content, countries=tuple(countries[c.geo] for c in content.countries),
                               guide=tuple(guide[d.slug] for d in content.guide), pages=pages,
                               translations=translations)


def text_edits(old, new) -> set[tuple[str, str]] | None:
    """The (kind, key) of the documents whose body alone changed; None when anything else changed too."""
    before, after = _documents(old), _documents(new)
    if set(before) != set(after):
        return None
    edited = set()
    for key, doc in after.items():
        if doc == before[key]:
            continue
        if dataclasses.replace(before[key], body=doc.body) != doc:  # the front matter changed: titles, facts
            return None
        edited.add(key[:2])
    # The order of the guide's chapters and of the profiles is part of the pages: it must be the same too.
    if [d.slug for d in old.guide] != [d.slug for d in new.guide]:
        return None
    return edited


def template_closure(env: jinja2.Environment, name: str, seen: dict[str, set[str] | None]) -> set[str] | None:
    """The templates ``name`` extends, includes or imports, itself included; None when one is named at run time."""
    if name in seen:
        return seen[name]
    seen[name] = {name}  # a cycle stops here
    source, _filename, _uptodate = env.loader.get_source(env, name)
    names = {name}
    for referenced in jinja2.meta.find_referenced_templates(env.parse(source)):
        inner = template_closure(env, referenced, seen) if referenced is not None else None
        if inner is None:
            seen[name] = None
            return None
        names |= inner
    seen[name] = names
    return names


class QuickRebuild:
    """Redoes the pages an edit touches, from the last whole build's ``MadeSite``, in the served folder."""

    def __init__(self, project: Path, output: Path) -> None:
        self.project, self.output = project.resolve(), output
        self.made: MadeSite | None = None
        self._figures = None                    # the figure index of the whole build's safe table
        self._envs: dict | None = None         # Jinja environments by language, kept while no template changes
        self._build_cache = BuildCache(self.project / CACHE_FOLDER)
        self._record_ids: set[bytes] = set()   # the input's record identifiers: no page may show one
        self._generation = 0
        self._lock = threading.Lock()          # one writer of the served folder at a time
        self._follow_up: threading.Thread | None = None
        self.follow_up_error: Exception | None = None
        self._pdf_stale = False                 # a chapter changed since the guide PDF was made

    # -- after a whole build --------------------------------------------------------------------------

    def keep(self, made: MadeSite) -> None:
        """The whole build's result: the starting point of the next quick rebuilds."""
        self.wait()
        # Made now, while the whole build's summary is printed, so that the first edit does not wait for them.
        figures = FigureIndex(made.safe)
        envs = {lang.code: template_environment(self.project, lang) for lang in made.site.languages}
        for template in {page.template for page in made.site.pages}:
            for env in envs.values():
                env.get_template(template)  # compiled once, reused until a template changes
        record_ids = {r.encode() for r in made.inputs.package.record_ids()}
        with self._lock:
            self._generation += 1
            self.made, self._figures, self._envs, self._record_ids = made, figures, envs, record_ids
            self._pdf_stale = False  # the whole build made the guide PDF

    def forget(self) -> None:
        """After a failed whole build: no quick rebuild until a whole build succeeds again."""
        self.wait()
        self.made = None

    def wait(self) -> None:
        """Until the search index and guide PDF of the last quick rebuild are written (or dropped)."""
        if self._follow_up is not None:
            self._follow_up.join()
            self._follow_up = None

    # -- an edit --------------------------------------------------------------------------------------

    def update(self, changed: list[str]) -> Update | None:
        """Redo what ``changed`` (absolute paths) touches; None when only a whole build will do."""
        if self.made is None or not changed:
            return None
        templates, texts = self.project / "templates", self.project / "content"
        paths = [Path(p) for p in changed]
        if any(not p.is_file() for p in paths):  # a file removed: what it made must go too
            return None
        if all(p.is_relative_to(templates) for p in paths):
            return self._templates_changed([p.relative_to(templates).as_posix() for p in paths])
        if all(p.is_relative_to(texts) and p.suffix == ".md" for p in paths):
            return self._texts_changed(paths)
        return None

    def _texts_changed(self, paths: list[Path]) -> Update | None:
        made = self.made
        content = reread(made.inputs.content, self.project, paths)
        edited = text_edits(made.inputs.content, content) if content is not None else None
        if edited is None:
            return None
        if not edited:
            return Update((), (), False)
        inputs = dataclasses.replace(made.inputs, content=content)
        with active(self._build_cache):  # Markdown and chart designs, as the whole build keeps them
            remade = self._remake(inputs, edited)
            if remade is None:
                return None
            remade, guides = remade
            site = dataclasses.replace(made.site, guide=guides, pages=[remade.get(p.path, p) for p in made.site.pages])
            made = dataclasses.replace(made, inputs=inputs, site=site)
            return self._render(made, list(remade.values()), guide="guide" in {kind for kind, _ in edited})

    def _templates_changed(self, names: list[str]) -> Update | None:
        made = self.made
        self._forget_templates(names)
        if not all(name.startswith(f"{ASSETS}/") or name.endswith(".html") for name in names):
            return None  # a template folder's other files (the guide PDF's stylesheet): the whole build
        env = template_environment(self.project)
        pages, seen, assets = [], {}, {}
        for name in names:
            if name.startswith(f"{ASSETS}/"):
                if name not in made.files:  # a new asset, or one that shadows a default: the whole build
                    return None
                assets[name] = (self.project / "templates" / name).read_bytes()
        html = [name for name in names if name.endswith(".html")]
        if html:
            from .guide import TEMPLATE as GUIDE_TEMPLATE

            guide = template_closure(env, GUIDE_TEMPLATE, seen)
            if guide is None or guide & set(html):
                return None  # the guide PDF's templates: WeasyPrint, in a whole build
            for page in made.site.pages:
                used = template_closure(env, page.template, seen)
                if used is None:
                    return None
                if used & set(html):
                    pages.append(page)
            if not pages:
                return None  # a template no page uses (yet): the whole build decides
        return self._render(made, pages, assets=assets)

    def _forget_templates(self, names: list[str]) -> None:
        """Drop the compiled forms of the changed templates (Jinja would reload an edited file by itself, but
        not see a new one in the project's folder shadowing a default); a new templates/ folder: new envs."""
        envs = self._envs or {}
        folder = str(self.project / "templates")
        if any((folder in env.globals["template_folders"]) != Path(folder).is_dir() for env in envs.values()):
            self._envs = None
            return
        for env in envs.values():
            if env.cache is not None:
                for key in [key for key in env.cache.keys() if key[1] in names]:
                    del env.cache[key]

    def _remake(self, inputs, edited: set[tuple[str, str]]) -> tuple[dict, dict] | None:
        """The edited documents' pages in every language, made as the whole build makes them, by path; and the
        guide's chapters in each language (the PDFs')."""
        made = self.made
        package = inputs.package
        release = Release(inputs.config, inputs.content, made.safe, package.programmes, package.providers,
                          inputs.benchmark, made.packages, made.release, made.report, made.extras)
        remade, guides = {}, {}
        for lang in made.site.languages:
            ctx = SiteContext(release, lang, self._figures)
            pages = []
            for kind, key in sorted(edited):
                if kind == "countries":
                    pages += [country_pages.country(ctx, c) for c in inputs.content.countries if c.geo == key]
                elif kind == "guide":
                    keys = {f"guide/{slugify(d.slug)}/index.html" for d in inputs.content.guide if d.slug == key}
                    pages += [p for p in text_pages.guide_pages(ctx) if p.key in keys]
                else:
                    section = next((p.section for p in made.site.pages if p.key == f"{key}/index.html"), None)
                    page = text_pages.content_page(ctx, key, section) if section is not None else None
                    if page is None:
                        return None
                    pages.append(page)
            for page in pages:
                remade[page.path] = page
            guides[lang.code] = tuple(ctx.document("guide", doc) for doc in inputs.content.guide)  # as build_site
        if any(path not in {p.path for p in made.site.pages} for path in remade):
            return None
        return remade, guides

    def _render(self, made: MadeSite, pages: list, *, guide: bool = False, assets: dict | None = None) -> Update:
        """Render ``pages`` with their charts, write the files whose bytes changed, start the follow-up work."""
        site = made.site
        if self._envs is None:
            self._envs = {lang.code: template_environment(self.project, lang) for lang in site.languages}
        envs = self._envs
        charts = [chart for page in pages for chart in page.charts]
        svgs = {id(chart): svg.encode("utf-8")
                for chart, svg in zip(charts, chart_render.render_svgs(charts, cache=self._build_cache))}
        common = {"site": site.config.site, "config": site.config, "release": site.release, "nav": NAV,
                  "languages": site.languages}
        new = dict(assets or {})
        for page in pages:
            new.update(page_files(envs[page.lang.code], page, common, svgs))
        changed = {path: data for path, data in new.items() if made.files.get(path) != data}
        with self._lock:
            self._generation += 1
            generation = self._generation
            files = {**made.files, **changed}
            self._write(changed, made)
            self.made = dataclasses.replace(made, files=files)
        follow = bool(changed) and any(path.endswith(".html") for path in changed)
        if follow:
            self._pdf_stale = self._pdf_stale or guide
            self._follow_up = threading.Thread(target=self._after, args=(generation,), daemon=True,
                                               name="ontrack-serve-index")
            self._follow_up.start()
        return Update(tuple(sorted(changed)), tuple(sorted(p for p in changed if p.endswith(".html"))), follow)

    def _after(self, generation: int) -> None:
        """The search index of the new pages, and the guide PDF after a chapter's edit, as the whole build makes
        them, once edits have paused; written only if no newer edit came meanwhile."""
        time.sleep(FOLLOW_UP_DELAY)
        if generation != self._generation:
            return  # a newer edit came: its own follow-up does this
        made = self.made
        files, site = made.files, made.site
        new = {}
        guide = self._pdf_stale
        if guide:
            envs = {lang.code: template_environment(self.project, lang) for lang in site.languages}
            new.update(guide_pdfs(site, envs, self._build_cache))
        index = indexed(files, [page.path for page in site.pages], [lang.prefix for lang in site.languages],
                        self._build_cache)
        new.update(index)
        with self._lock:
            if generation != self._generation:
                return  # a newer edit: its own follow-up makes these files
            stale = [path for path in files if path.startswith(f"{BUNDLE}/") and path not in index]
            changed = {path: data for path, data in new.items() if files.get(path) != data}
            try:
                self._write(changed, made, remove=stale)
            except BuildError as exc:  # kept out of the preview; the next whole build stops on it too
                self.follow_up_error = exc
                return
            if guide:
                self._pdf_stale = False
            kept = {path: data for path, data in files.items() if path not in stale}
            self.made = dataclasses.replace(made, files={**kept, **changed})

    def _write(self, changed: dict[str, bytes], made: MadeSite, remove: list[str] = ()) -> None:
        """Each changed file audited, then replaced whole (a reader sees the old or the new file), dated as the
        build dates it. A breach of the privacy rules writes nothing and is raised, as in a whole build."""
        mtime = _build_mtime(made)
        staged, breaches = [], []
        try:
            for path, data in changed.items():
                target = self.output / path
                target.parent.mkdir(parents=True, exist_ok=True)
                temporary = target.with_name(f".new-{target.name}")  # the same suffix: the audit reads by it
                temporary.write_bytes(data)
                staged.append((temporary, target))
                breaches += audit_file(temporary, path, data, made.inputs.config.disclosure, self._record_ids,
                                       total_table=False)
            if breaches:
                raise BuildError(breaches[:20], len(breaches[20:]),
                                 headline="the privacy audit failed; the preview was not updated")
            for temporary, target in staged:
                os.utime(temporary, (mtime, mtime))
                os.replace(temporary, target)
            staged = []
        finally:
            for temporary, _target in staged:
                temporary.unlink(missing_ok=True)
        for path in remove:
            (self.output / path).unlink(missing_ok=True)


def _build_mtime(made: MadeSite) -> float:
    """The files' modification time, as ``build.build`` sets it: the release date."""
    import datetime as dt

    return made.release.replace(tzinfo=dt.UTC).timestamp()
