"""The build: each stage in order, nothing else.

load -> validate -> aggregate -> disclose -> publish -> model -> render -> write.
(Publishing comes before the site model here because the data catalogue page
shows the size and checksum of every file it links to.)
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import dataclasses
import datetime as dt
import gc
import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .attack import Findings, Protection, attack_publication
from .audit import attack_problems, audit_output, published_cells, published_offerings
from .cache import BuildCache, active, cache_key
from .config import CONFIG_PATH, Config, load_config
from .counts import cells_from_counts
from .disclosure import DisclosureReport, SafeTable, apply_disclosure
from .errors import BuildError, InputError, Problem
from .i18n import catalogue_problem
from .indicators import IndicatorCells, compute_indicators
from .inputs.content import Content, load_content, review_overdue, reviewed_after_release
from .inputs.package import InputPackage, load_input_package
from .inputs.reference import load_reference
from .model import Release
from .publish.check import PackageValidation
from .publish.metadata import directory_pages
from .publish.packages import all_packages, programme_csvs
from .publish.release import open_data
from .publish.tables import code_list_tables, context_tables, geos_in, indicator_tables
from .questionnaire.downloads import guide_downloads
from .render import render_site
from .search import search_index
from .site import build_site
from .writer import Staging


#: The build cache (chart SVGs, tables, verdicts by content hash), beside the project (never inside the output).
CACHE_FOLDER = ".ontrack-cache"

#: How a build reports progress: ``progress(task, done, total)`` as items of a long stage finish.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Inputs:
    project: Path
    config: Config
    content: Content
    package: InputPackage
    benchmark: pd.DataFrame
    #: what is not right but need not stop a build (``--strict`` makes it stop it)
    warnings: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class BuildSummary:
    output: Path
    files: int                      # in the output folder, as the privacy audit counts them
    pages: int
    packages: int
    report: DisclosureReport
    timings: tuple[tuple[str, float], ...]
    charts: int = 0                 # charts on the pages
    charts_rendered: int = 0        # of which drawn by vl-convert in this build (the rest came from the cache)
    cache_hits: dict[str, int] = field(default_factory=dict)     # by kind of cached result
    cache_misses: dict[str, int] = field(default_factory=dict)
    warnings: tuple[Problem, ...] = ()  # the input's warnings, which did not stop this build


@dataclass(frozen=True)
class MadeSite:
    """What a build made before writing it: kept by ``ontrack serve`` to redo only what an edit touches."""

    inputs: Inputs
    safe: SafeTable
    report: DisclosureReport
    release: dt.datetime
    packages: list
    extras: object                  # the open-data extras (publish.release.OpenData)
    site: object                    # the site model (site.Site)
    files: dict[str, bytes]         # every file of the output, by path


def _malloc_trim():
    """glibc's ``malloc_trim``, or None where the C library has none (musl, macOS)."""
    name = ctypes.util.find_library("c")
    return getattr(ctypes.CDLL(name), "malloc_trim", None) if name else None


_MALLOC_TRIM = _malloc_trim()


def release_memory() -> None:
    """Give back to the system the memory a finished stage freed.

    CPython keeps its small objects in arenas of its own, mapped apart from the C heap. What pandas and a stage's
    byte strings free on the C heap stays in the process, where the next stage's Python objects cannot use it: at
    a million records about a gigabyte, held beneath the site model. glibc hands it back with ``malloc_trim``;
    without glibc this only collects garbage.
    """
    gc.collect()
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


class StageClock:
    """Wall-clock seconds of each stage, for the summary and the benchmark; ``on_stage`` hears of each as it ends.

    The end of a stage is also where its garbage is given back (``release_memory``), before the next one starts.
    """

    def __init__(self, on_stage: Callable[[str, float], None] | None = None) -> None:
        self.timings: list[tuple[str, float]] = []
        self._last = time.perf_counter()
        self._on_stage = on_stage

    def done(self, stage: str) -> None:
        now = time.perf_counter()
        self.timings.append((stage, now - self._last))
        self._last = now
        release_memory()  # counted in the next stage's time
        if self._on_stage is not None:
            self._on_stage(stage, self.timings[-1][1])


def load_inputs(project: Path, data: Path | None = None, strict: bool = False) -> Inputs:
    """Config, content, input data and reference figures, with every problem of all of them at once.

    Warnings are kept in ``Inputs.warnings``; with ``strict`` they are problems like the others.
    """
    problems: list[Problem] = []
    uncounted = 0
    config = content = package = benchmark = None
    try:
        config = load_config(project)
    except InputError as exc:
        problems += exc.problems
    try:
        content = load_content(project)
    except InputError as exc:
        problems += exc.problems
    # The config names the data folders: while it does not load, reading the default ones instead would
    # only add problems that are not there ("no datapackage.json" in a folder the project never named).
    data_folder = data if data is not None else (project / config.data.package if config else None)
    if data_folder is not None:
        try:
            package = load_input_package(data_folder, project)
        except InputError as exc:
            problems += exc.problems
            uncounted += exc.uncounted
    if config is not None:
        problems += [Problem(str(CONFIG_PATH), None, "site.languages", "no-catalogue", why)
                     for why in (catalogue_problem(code, project) for code in config.site.languages) if why]
    if config is not None and content is not None:
        problems += reviewed_after_release(content, config.site.release_date, project)
        problems += review_overdue(content, config.site.release_date)
    if config is not None:
        try:
            benchmark = load_reference(project / config.data.reference, project)
        except InputError as exc:
            problems += exc.problems
    warnings = [] if strict else [p for p in problems if p.warning]
    problems = [p for p in problems if p not in warnings]
    if problems or uncounted:
        raise InputError(problems, uncounted=uncounted)
    return Inputs(project, config, content, package, benchmark, tuple(warnings))


def audit(site: Path, project: Path, data: Path | None = None,
          attack: bool = False) -> tuple[list, Findings | None]:
    """The privacy audit of a built site; with input data, record identifiers are searched for too.

    With ``attack`` (which needs ``data``), also the attacker's findings: every primary cell's feasibility
    interval, given the exact counts of every cell the site's tables publish (made again from the data).
    """
    config = load_config(project)
    record_ids, findings = None, None
    if data is not None:
        package = load_input_package(data, project)
        record_ids = package.record_ids()
        if attack:
            findings = attack_site(site, package, config)
    return audit_output(site, config.disclosure, record_ids), findings


def attack_site(site: Path, package: InputPackage, config: Config) -> Findings:
    """The attacker against the cell tables of a built (or staged) site, compared with the exact cells."""
    options = config.disclosure
    cells = tabulate(package, config.indicators.pooled_cohorts)
    return attack_publication(cells.cells, cells.pooled_label, cells.pooled_cohorts, published_cells(site),
                              Protection.of(options), options.rounding_base, published_offerings(site))


def tabulate(package: InputPackage, pooled_cohorts: int) -> IndicatorCells:
    """The exact indicator cells of an input package, counted here or upstream, with which providers offer each
    programme."""
    if package.aggregated:  # counted upstream: the counts are laid out as the same cells
        cells = cells_from_counts(package.graduate_counts, pooled_cohorts)
    else:
        cells = compute_indicators(package.graduates, package.programmes, pooled_cohorts)
    return dataclasses.replace(cells, offered_by=package.offered_by())


def disclose(inputs: Inputs, cache: BuildCache | None = None) -> tuple[SafeTable, DisclosureReport]:
    """The indicator cells after disclosure control; from ``cache`` when the same input was tabulated before."""
    package, pooled_cohorts = inputs.package, inputs.config.indicators.pooled_cohorts

    def disclosed() -> tuple[SafeTable, DisclosureReport]:
        return apply_disclosure(tabulate(package, pooled_cohorts), inputs.config.disclosure)

    if cache is None:
        return disclosed()
    records = package.graduate_counts if package.aggregated else package.graduates
    key = cache_key("disclose", package.aggregated, records, package.programmes, package.programme_providers,
                    inputs.config.indicators, inputs.config.disclosure)
    return cache.get_or_compute("disclosure", key, disclosed)


def publish(inputs: Inputs, safe: SafeTable, release: dt.datetime, cache: BuildCache, reports: bool = False):
    """The data packages, the open-data extras and each programme's CSV, as files; from ``cache`` when their
    tables are unchanged.

    The catalogue points at the provider, field and cross-country pages, and at the quality reports when
    ``reports`` (``ontrack reports``) makes them.
    """
    programmes, providers = inputs.package.programmes, inputs.package.providers
    tables = {**indicator_tables(safe),
              **code_list_tables(programmes, providers, geos_in(safe, inputs.content.countries, inputs.benchmark),
                                 safe.offered_by),
              **context_tables(inputs.content.countries, inputs.benchmark)}
    geos = sorted(set(programmes["geo"]))
    profiled = sorted(c.geo for c in inputs.content.countries)
    pages = directory_pages(programmes, providers, tuple(inputs.config.site.languages), reports)

    def make():
        data_files, packages = all_packages(list(tables.values()), geos, inputs.config, release)
        extras = open_data(data_files, packages, tables, inputs.config, release, inputs.content.countries,
                           cache=cache, pages=pages)
        data_files.update(programme_csvs(safe, programmes))
        return data_files, packages, extras  # the extras' files go into the output beside, through OutputFiles

    key = cache_key("publish", [(t.name, t.title, json.dumps(t.schema, sort_keys=True), t.frame)
                                for t in tables.values()], geos, profiled, inputs.config, release, pages,
                    programmes[["programme_code", "geo", "name"]])
    return cache.get_or_compute("publish", key, make)


def release_datetime(config: Config, safe: SafeTable) -> dt.datetime:
    """The build's date: SOURCE_DATE_EPOCH, else the configured release date, else derived from the data.

    Never the clock, so that the same input gives the same bytes.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).replace(tzinfo=None)
    if config.site.release_date is not None:
        return dt.datetime.combine(config.site.release_date, dt.time())
    # Fallback: the January after the latest cohort's last observation could have been made.
    return dt.datetime(max(safe.cohorts) + 2, 1, 1)


def indexed(files, pages: list[str], prefixes: list[str], cache: BuildCache) -> dict[str, bytes]:
    """The search index of the HTML ``pages`` of ``files`` in the languages' folders ``prefixes``; from ``cache``
    when the same pages were indexed before."""
    key = cache_key("search-index", list(prefixes),
                    [(path, hashlib.sha256(files[path]).digest()) for path in sorted(pages)])
    return cache.get_or_compute("search-index", key, lambda: search_index(files, pages, prefixes))


def build(project: Path, output: Path | None = None, data: Path | None = None, *,
          on_stage: Callable[[str, float], None] | None = None, progress: Progress | None = None,
          chart_workers: int | None = None, use_cache: bool = True, reports: bool = False,
          on_made: Callable[[MadeSite], None] | None = None, strict: bool = False) -> BuildSummary:
    """Build the whole site and its open data into ``output`` (default ``project/output``).

    ``on_stage(stage, seconds)`` hears of each stage as it ends and ``progress(task,
    done, total)`` of the items of long ones; ``chart_workers`` fixes the number of
    chart-rendering processes (default: chosen from the cores and the work);
    ``use_cache=False`` computes everything again (and leaves the cache as it was); ``reports`` adds
    each provider's quality report (PDF per provider and language: ``ontrack reports``); ``on_made`` is
    handed what was made (a ``MadeSite``) once it is written; ``strict`` stops the build on a warning too.
    """
    clock = StageClock(on_stage)
    project = project.resolve()
    output = (output or project / "output").absolute()
    cache = BuildCache(project / CACHE_FOLDER if use_cache else None)
    inputs = load_inputs(project, data, strict)
    clock.done("load and validate")
    # Each file goes to the staging folder as soon as it is made: a national site is never held in memory whole.
    with Staging(output, project=project) as staging, contextlib.ExitStack() as running:
        files = staging.files
        safe, report = disclose(inputs, cache)
        clock.done("aggregate and disclose")
        release = release_datetime(inputs.config, safe)
        data_files, packages, extras = publish(inputs, safe, release, cache, reports)
        files.update(data_files)
        files.update(extras.files)
        del data_files
        extras = dataclasses.replace(extras, files={})  # written: the model needs only what they are
        # frictionless checks the packages in the background, on the core the next stages leave idle.
        validation = running.enter_context(PackageValidation(staging.folder, packages, cache=cache))
        clock.done("publish packages")
        programmes, providers = inputs.package.programmes, inputs.package.providers
        with active(cache):  # chart designs and Markdown texts are kept too
            site = build_site(Release(inputs.config, inputs.content, safe, programmes, providers, inputs.benchmark,
                                      packages, release, report, extras, reports=reports))
            clock.done("site model and chart data")
            render_site(site, project, files=files, cache=cache, clock=clock, progress=progress,
                        chart_workers=chart_workers)
        pages = [page.path for page in site.pages]
        prefixes = [lang.prefix for lang in site.languages]
        if on_made is None:
            # The site model and the disclosed cells (over a gigabyte at a million records) are not needed once
            # the pages are made: let them go before the search index and the audit.
            site = safe = None
            release_memory()
        files.update(indexed(files, pages, prefixes, cache))
        clock.done("search index")
        files.update(guide_downloads(project, inputs.config, inputs.content))
        record_ids = inputs.package.record_ids()

        def check(staged: Path) -> None:
            # The audit reads the files while the packages' last verdicts come in.
            breaches = audit_output(staged, inputs.config.disclosure, record_ids, cache=cache, progress=progress)
            validation.wait(progress)
            if breaches:
                raise BuildError(breaches[:20], len(breaches[20:]),
                                 headline="the privacy audit failed; nothing was published")
            if inputs.config.disclosure.attack:  # the attacker, on the tables as written
                findings = attack_site(staged, inputs.package, inputs.config)
                if findings.failed:
                    raise BuildError(attack_problems(findings), headline="the attacker broke the publication; "
                                                                         "nothing was published")

        written = staging.finish(mtime=release.replace(tzinfo=dt.UTC).timestamp(), check=check)
    clock.done("write, validate and audit")
    if on_made is not None:
        on_made(MadeSite(inputs, safe, report, release, packages, extras, site, {path: files[path] for path in files}))
    cache.prune()
    charts = cache.hits["charts"] + cache.misses["charts"]
    return BuildSummary(output, written, len(pages), len(packages), report,
                        tuple(clock.timings), charts=charts, charts_rendered=cache.misses["charts"],
                        cache_hits=dict(cache.hits), cache_misses=dict(cache.misses), warnings=inputs.warnings)
