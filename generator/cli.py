"""The ``ontrack`` command: parses options, calls one function, prints problems. No logic here."""

from __future__ import annotations

import functools
import os
import signal
import sys
import time
import traceback
from pathlib import Path

import click

from . import __version__
from .errors import OntrackError, count, report_lines, warning_lines

PROJECT = click.argument("project", type=click.Path(file_okay=False, path_type=Path), default=".")
STRICT = click.option("--strict", is_flag=True,
                      help="Stop on warnings too (a profile not reviewed for two years): exit 1, nothing built.")


def _fail(exc: OntrackError, outcome: str = "") -> None:
    """Print an error one problem per line, then their count and ``outcome`` (what did not happen), and exit 1."""
    for line in report_lines(exc, outcome):
        click.echo(line, err=True)
    sys.exit(1)


def _warn(warnings) -> None:
    for line in warning_lines(list(warnings)):
        click.echo(line, err=True)


def _existing_project(project: Path) -> Path:
    """``project``, or exit 1 saying that there is no such folder and how to start one."""
    if not project.is_dir():
        click.echo(f"Error: there is no project folder {project}. "
                   f"Start one with: ontrack new {project}", err=True)
        sys.exit(1)
    return project


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ontrack")
def main() -> None:
    """Publish the results of VET graduate tracking as a static website and open data.

    \b
    Example:
        ontrack new my-site
        ontrack serve my-site
        ontrack build my-site --output /srv/www/tracking
    """


@main.command()
@PROJECT
@click.option("--data", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Input data package folder (default: [data] package in content/site.toml).")
@STRICT
def check(project: Path, data: Path | None, strict: bool) -> None:
    """Check config, content and data; print every problem and the disclosure report.

    Exits 0 when the input is clean, 1 when problems were found.

    \b
    Example:
        ontrack check .
        ontrack check my-site --data my-site/datasets/2026
        ontrack check --strict
    """
    from .build import disclose, load_inputs

    try:
        inputs = load_inputs(_existing_project(project).resolve(), data, strict)
        _, report = disclose(inputs)
    except OntrackError as exc:
        _fail(exc)
    package = inputs.package
    click.echo(f"Input: {package.extent()}, {len(package.programmes):,} programmes, "
               f"{len(package.providers):,} providers, {len(inputs.content.countries)} country profiles, "
               f"{len(inputs.content.guide)} guide chapters.")
    for line in report.lines():
        click.echo(line)
    _warn(inputs.warnings)
    click.echo("No problems found.")


class _Progress:
    """What a build reports as it goes: a line as each stage ends, and the items of long stages.

    On a terminal the items show as a progress bar; in a log (stdout not a
    terminal, or $CI set) as a plain line at each quarter of the work.
    """

    def __init__(self, terminal: bool):
        self.terminal = terminal
        self._task: str | None = None
        self._bar = None
        self._shown = 0

    def stage(self, name: str, seconds: float) -> None:
        self._close()
        click.echo(f"  {name:<28} {seconds:6.1f} s")

    def items(self, task: str, done: int, total: int) -> None:
        if task != self._task:
            self._close()
            self._task, self._shown = task, 0
            if self.terminal:
                self._bar = click.progressbar(length=total, label=f"  {task}", show_pos=True)
                self._bar.__enter__()
        if self._bar is not None:
            self._bar.update(done - self._shown)
            self._shown = done
        elif done == total or done >= self._shown + max(1, total // 4):
            click.echo(f"  {task}: {done}/{total}")
            self._shown = done
        if done >= total:
            self._close()

    def _close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None
        self._task = None


def _summary(summary, seconds: float) -> list[str]:
    """The closing lines of ``ontrack build``: what was made, what came from the cache, how long it took."""
    hits, misses = summary.cache_hits, summary.cache_misses
    kinds = sorted(set(hits) | set(misses))
    cache = ", ".join(f"{kind} {hits.get(kind, 0)}/{hits.get(kind, 0) + misses.get(kind, 0)}" for kind in kinds)
    return [f"Built {summary.pages} pages, {summary.charts} charts ({summary.charts_rendered} drawn, "
            f"{summary.charts - summary.charts_rendered} from the cache), {summary.packages} data packages, "
            f"{summary.files} files into {summary.output} in {seconds:.1f} s.",
            f"Cache hits: {sum(hits.values())} of {sum(hits.values()) + sum(misses.values())}"
            + (f" ({cache})." if cache else ".")]


@main.command()
@PROJECT
@click.option("--output", "-o", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder to build into (default: PROJECT/output). It is replaced as a whole, atomically.")
@click.option("--data", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Input data package folder (default: [data] package in content/site.toml).")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Processes that draw the charts (default: one per core, fewer for a few charts; "
                   "or $ONTRACK_CHART_WORKERS). 1 draws them in the build's own process.")
@click.option("--no-cache", is_flag=True,
              help="Compute everything again instead of reusing results kept in PROJECT/.ontrack-cache.")
@STRICT
def build(project: Path, output: Path | None, data: Path | None, workers: int | None, no_cache: bool,
          strict: bool) -> None:
    """Build the website and the open data packages.

    Nothing in the output folder changes unless the whole build succeeds.
    Results of slow steps are kept in PROJECT/.ontrack-cache by the hash of
    their inputs, so a rebuild only redoes what changed; delete the folder to
    start afresh.

    \b
    Example:
        ontrack build
        ontrack build my-site --output /srv/www/tracking
        ontrack build --workers 1 --no-cache
        ontrack build --strict
    """
    from .build import build as run_build

    started = time.perf_counter()
    progress = _Progress(sys.stdout.isatty() and not os.environ.get("CI"))
    try:
        summary = run_build(_existing_project(project), output, data, on_stage=progress.stage,
                            progress=progress.items, chart_workers=workers, use_cache=not no_cache, strict=strict)
    except OntrackError as exc:
        _fail(exc, "nothing was built")
    for line in _summary(summary, time.perf_counter() - started):
        click.echo(line)
    _warn(summary.warnings)


@main.command()
@PROJECT
@click.option("--output", "-o", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder to build into (default: PROJECT/output). It is replaced as a whole, atomically.")
@click.option("--data", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Input data package folder (default: [data] package in content/site.toml).")
@click.option("--no-cache", is_flag=True,
              help="Lay out every report again instead of reusing the PDFs kept in PROJECT/.ontrack-cache.")
@STRICT
def reports(project: Path, output: Path | None, data: Path | None, no_cache: bool, strict: bool) -> None:
    """Build the site with a quality report (PDF) for every provider, in every language.

    The same build as `ontrack build`, plus one report per provider and
    language, linked from the provider's page. A report takes one to two
    seconds to lay out, so `ontrack build` leaves them out; each is kept in
    PROJECT/.ontrack-cache by the hash of its content, so a rebuild lays out
    only the reports whose figures changed.

    \b
    Example:
        ontrack reports
        ontrack reports my-site --output /srv/www/tracking
    """
    from .build import build as run_build

    started = time.perf_counter()
    progress = _Progress(sys.stdout.isatty() and not os.environ.get("CI"))
    try:
        summary = run_build(_existing_project(project), output, data, on_stage=progress.stage,
                            progress=progress.items, use_cache=not no_cache, reports=True, strict=strict)
    except OntrackError as exc:
        _fail(exc, "nothing was built")
    for line in _summary(summary, time.perf_counter() - started):
        click.echo(line)
    _warn(summary.warnings)


@main.command()
@click.argument("site", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--project", type=click.Path(file_okay=False, path_type=Path), default=Path("."), show_default=True,
              help="Project whose content/site.toml gives the disclosure thresholds.")
@click.option("--data", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Input data package: its record identifiers are searched for in the site too.")
@click.option("--attack", "run_attack", is_flag=True,
              help="Also run the attacker: with the exact counts of every published cell (from --data) and every "
                   "identity between cells, compute each primary-suppressed cell's interval by linear programming.")
def audit(site: Path, project: Path, data: Path | None, run_attack: bool) -> None:
    """Check a built site against the privacy rules; exit 1 on any breach.

    No record identifier, no rate on a base under the threshold, no unrounded
    count, no hidden figure recoverable by subtraction. With --attack, no
    primary-suppressed cell narrowed below its protection levels.

    \b
    Example:
        ontrack audit output --data datasets/demo --attack
    """
    from .build import audit as run_audit

    if run_attack and data is None:
        _fail(OntrackError("--attack needs the input data (--data): the attacker is given the exact counts"))
    try:
        breaches, findings = run_audit(site, project.resolve(), data, attack=run_attack)
    except OntrackError as exc:
        _fail(exc)
    for breach in breaches:
        click.echo(str(breach), err=True)  # a Problem of the catalogue's privacy group, as every problem prints
    if findings is not None:
        for line in findings.lines():
            click.echo(line, err=findings.failed)
    if breaches or (findings is not None and findings.failed):
        total = len(breaches) + (len(findings.breaches) + len(findings.too_precise) if findings is not None else 0)
        click.echo(f"{total:,} breach(es) of the privacy rules.", err=True)
        sys.exit(1)
    click.echo(f"Privacy audit of {site}: no breach found.")


class _ServeMessages:
    """What ``ontrack serve`` prints while it runs."""

    def serving(self, url: str, watched: list[str]) -> None:
        click.echo(f"Serving on {url} (Ctrl+C to stop). Watching {', '.join(watched)}.")
        click.echo("Building...")

    def rebuilding(self, changed: list[str]) -> None:
        shown = ", ".join(changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
        click.echo(f"Changed: {shown}. Rebuilding...")

    def built(self, summary, seconds: float) -> None:
        click.echo(f"Built {summary.pages} pages in {seconds:.1f} s.")
        _warn(summary.warnings)

    def updated(self, update, seconds: float) -> None:
        pages = len(update.pages)
        click.echo(f"Redid {pages} page{'' if pages == 1 else 's'} ({len(update.files)} files) in {seconds:.1f} s"
                   + ("; the search index follows." if update.follow_up else "."))

    def failed(self, error: Exception) -> None:
        if isinstance(error, OntrackError):
            for line in report_lines(error):
                click.echo(line, err=True)
        else:  # a bug: show where it happened
            click.echo("".join(traceback.format_exception(error)), err=True)
        click.echo("The build failed; still serving the last good site. Fix the files and save again.", err=True)


@main.command()
@PROJECT
@click.option("--port", "-p", type=click.IntRange(1, 65535), default=8000, show_default=True,
              help="Port to serve on, on 127.0.0.1 (this machine only).")
@click.option("--data", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Input data package folder (default: [data] package in content/site.toml).")
def serve(project: Path, port: int, data: Path | None) -> None:
    """Preview the site: build, serve it locally, rebuild and reload the browser on every change.

    Watches content/ (with site.toml), templates/ and the input data. The site
    is built into a temporary folder: PROJECT/output is left alone. A build that
    fails is reported here and the last good site stays up.

    \b
    Example:
        ontrack serve
        ontrack serve my-site --port 8080
    """
    from .serve import serve as run_serve

    # A plain kill stops the preview the way Ctrl+C does, so its temporary folder is removed.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        run_serve(_existing_project(project), port, data, _ServeMessages())
    except OntrackError as exc:
        _fail(exc)
    except KeyboardInterrupt:
        click.echo("Stopped.")


@main.command()
@click.argument("directory", type=click.Path(path_type=Path))
def new(directory: Path) -> None:
    """Start a new project in DIRECTORY (absent or empty), ready to build.

    It holds content/site.toml with every option explained, an example country
    profile, guide chapter and pages, a small invented data package, the real
    reference figures, an empty templates/ folder for your own designs, and
    forms/: the graduate questionnaire (XLSForm for KoBoToolbox and ODK, its
    codebook for LimeSurvey, a printable form) and the tracking calendar of a
    cohort with the command of each step.

    \b
    Example:
        ontrack new my-site
        ontrack serve my-site
    """
    from .scaffold import create_project

    try:
        written = create_project(directory)
    except OntrackError as exc:
        _fail(exc)
    click.echo(f"Created {len(written)} files in {directory}. Next:")
    click.echo(f"  ontrack serve {directory}    preview the site as you edit it")
    click.echo(f"  ontrack build {directory}    build it into {directory / 'output'}")
    click.echo(f"  {directory / 'forms'}    the questionnaire for your survey tool and the tracking calendar")


@main.command()
@PROJECT
@click.option("--out", required=True, type=click.Path(path_type=Path),
              help="Folder to write the forms into (made if absent; the forms' files in it are replaced).")
@click.option("--odk-validate", is_flag=True,
              help="Also check each XForm with ODK Validate, as ODK Collect and KoBoToolbox would (needs Java).")
def questionnaire(project: Path, out: Path, odk_validate: bool) -> None:
    """Write the core questionnaire: an XLSForm for KoBoToolbox or ODK, its XForm, and a printable page.

    Labels are in every language of the site; answer codes are ontrack's input
    codes; the modules switched on under [questionnaire] in content/site.toml
    are added. Every form is converted with pyxform before anything is written.

    \b
    Example:
        ontrack questionnaire . --out forms
        ontrack questionnaire my-site --out my-site/forms --odk-validate
    """
    from .config import load_config
    from .questionnaire import write_questionnaire

    try:
        folder = _existing_project(project)
        written = write_questionnaire(folder, load_config(folder), out, odk_validate=odk_validate)
    except OntrackError as exc:
        _fail(exc, "nothing was written")
    click.echo(f"Wrote {len(written)} files into {out}: " + ", ".join(p.name for p in written) + ".")


@main.command("import")
@PROJECT
@click.option("--roster", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="CSV of the cohort: graduate_id, programme_code, provider_code, cohort_year [, sex, untraced].")
@click.option("--export", "exports", required=True, multiple=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A wave's CSV export (see --format). Repeatable.")
@click.option("--format", "shape", type=click.Choice(["kobo", "limesurvey", "mapped"]), default="kobo",
              show_default=True,
              help="kobo: KoBoToolbox/ODK CSV with XML names and values; limesurvey: LimeSurvey CSV with question "
                   "codes and answer codes; mapped: any CSV, read through --map.")
@click.option("--map", "column_map", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="TOML column map of a --format mapped export: which column holds which question.")
@click.option("--key", "key", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="File holding the secret key of the pseudonyms (at least 16 bytes); keep it outside the package.")
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write the input data package into (absent or empty).")
@click.option("--codes", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Package whose programmes.csv and providers.csv are copied (default: [data] package).")
def import_surveys(project: Path, roster: Path, exports: tuple[Path, ...], shape: str, column_map: Path | None,
                   key: Path, out: Path, codes: Path | None) -> None:
    """Turn a roster and survey exports into an input data package that ontrack check accepts.

    Every graduate on the roster gets a row for each exported wave of their
    cohort: their answers, or NONRESPONSE / UNTRACED. Local identifiers become
    keyed pseudonyms. Problems are printed as file:line:column and nothing
    is written.

    \b
    Example:
        ontrack import . --roster roster.csv --export wave6.csv --export wave12.csv \\
            --key ~/tracking.key --out datasets/2026
        ontrack import . --roster roster.csv --format limesurvey --export results-survey123456.csv \
            --key ~/tracking.key --out datasets/2026
        ontrack import . --roster roster.csv --format mapped --map columns.toml --export answers.csv \
            --key ~/tracking.key --out datasets/2026
        ontrack check . --data datasets/2026
    """
    from .config import load_config
    from .survey import import_surveys as run_import

    try:
        folder = _existing_project(project)
        summary = run_import(folder, load_config(folder), roster, list(exports), key, out, codes, shape, column_map)
    except OntrackError as exc:
        _fail(exc, "nothing was written")
    click.echo(f"Wrote {out}/datapackage.json: {summary.observations:,} observations from {len(exports)} exports.")
    if summary.early_left_out:
        click.echo(f"Left out {summary.early_left_out:,} answers to the 2-month contact: they stay with you "
                   "(ontrack's observation points start at 6 months).")


@main.group()
def catalogue() -> None:
    """Make and update the interface catalogues (gettext) that translate the site's words.

    A project may carry catalogues of its own in PROJECT/locale/ (a language
    ontrack does not ship, or other words for some messages): they are read
    before the built-in ones. Maintainers of ontrack use --builtin for the
    catalogues in generator/locale/.

    \b
    Example:
        ontrack catalogue init de my-site
        ontrack catalogue extract && ontrack catalogue update --builtin
    """


BUILTIN = click.option("--builtin", is_flag=True,
                       help="The catalogues that ship with ontrack (generator/locale/), not PROJECT's locale/.")


@catalogue.command("extract")
def catalogue_extract() -> None:
    """Write the message template, generator/locale/messages.pot, from ontrack's source tree.

    Run it in a clone of ontrack after changing words in the code or the
    templates, then `ontrack catalogue update --builtin`.

    \b
    Example:
        ontrack catalogue extract
    """
    from .catalogue import write_template

    try:
        click.echo(f"Wrote {write_template()}.")
    except OntrackError as exc:
        _fail(exc, "nothing was written")


@catalogue.command("init")
@click.argument("language")
@PROJECT
@BUILTIN
def catalogue_init(language: str, project: Path, builtin: bool) -> None:
    """Start the catalogue of LANGUAGE in PROJECT/locale/, every message still to translate.

    Translate its msgstr entries with any PO editor, add LANGUAGE to
    site.languages in content/site.toml, and build.

    \b
    Example:
        ontrack catalogue init de my-site
    """
    from .catalogue import catalogue_folder, init, untranslated

    folder = catalogue_folder(None if builtin else _existing_project(project))
    try:
        path = init(language, folder)
    except OntrackError as exc:
        _fail(exc, "nothing was written")
    click.echo(f"Wrote {path}: {count(len(untranslated(language, folder)), 'message')} to translate.")


@catalogue.command("update")
@PROJECT
@BUILTIN
def catalogue_update(project: Path, builtin: bool) -> None:
    """Merge the message template into every catalogue of PROJECT/locale/ (new messages, gone ones dropped).

    \b
    Example:
        ontrack catalogue update my-site
        ontrack catalogue update --builtin
    """
    from .catalogue import catalogue_folder, languages_in, untranslated, update

    folder = catalogue_folder(None if builtin else _existing_project(project))
    written = update(folder)
    if not written:
        click.echo(f"No catalogues in {folder}.")
    for path, code in zip(written, languages_in(folder)):
        click.echo(f"Wrote {path}: {count(len(untranslated(code, folder)), 'message')} to translate.")


@main.command("demo-data")
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write the input data package into.")
@click.option("--records", default=80_000, show_default=True, type=click.IntRange(1_000, 50_000_000),
              help="About how many observation rows to make.")
@click.option("--seed", default=2024, show_default=True, type=int, help="Random seed; the same seed gives the same files.")
@click.option("--programmes", type=click.IntRange(10, 100_000), default=None,
              help="Number of programmes (default: grows with --records, at least 96).")
@click.option("--countries", type=click.IntRange(1, 30), default=None,
              help="Number of countries (default: 14, or 30 above 200,000 records).")
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet"]), default="csv", show_default=True,
              help="File format of the resources.")
def demo_data(out: Path, records: int, seed: int, programmes: int | None, countries: int | None, fmt: str) -> None:
    """Write a synthetic input data package (no real person is in it).

    \b
    Example:
        ontrack demo-data --out datasets/demo
        ontrack demo-data --out /tmp/big --records 1000000 --seed 7
    """
    from .synthetic import write_demo_package

    descriptor = write_demo_package(out, records=records, seed=seed, programmes=programmes, countries=countries, fmt=fmt)
    click.echo(f"Wrote {out}/datapackage.json: {descriptor['description']}")


@main.command()
@click.argument("records", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.option("--pooled-cohorts", default=3, show_default=True, type=click.IntRange(1, 50),
              help="How many of the latest cohorts to pool; must equal [indicators] pooled_cohorts in site.toml.")
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet"]), default="csv", show_default=True,
              help="File format of the aggregated resources.")
@click.option("--engine", type=click.Choice(["duckdb", "spark"]), default="duckdb", show_default=True,
              help="Run the SQL with DuckDB in this process, or with Spark (pyspark and Java 17+ needed).")
@click.option("--spark-master", default="local[2]", show_default=True, metavar="URL",
              help="With --engine spark: the Spark master, e.g. local[*], spark://host:7077 or yarn.")
def aggregate(records: Path, out: Path, pooled_cohorts: int, fmt: str, engine: str, spark_master: str) -> None:
    """Turn a record-level input package into an aggregated one (counts per cell), with DuckDB or Spark.

    Runs generator/sql/aggregate.sql, the same SQL on either engine; both give
    the same cells. The site built from OUT is the one built from RECORDS.
    DuckDB needs `pip install duckdb`; Spark needs `pip install pyspark` and
    Java 17 or newer, and RECORDS must be readable where Spark runs.

    \b
    Example:
        ontrack aggregate datasets/demo datasets/demo-counts
        ontrack aggregate datasets/demo datasets/demo-counts --engine spark
        ontrack build --data datasets/demo-counts
    """
    from .upstream import write_aggregated_package

    from contextlib import nullcontext

    try:
        if engine == "spark":
            from .spark import spark_results, spark_session

            session = spark_session(spark_master)
        else:
            session = nullcontext()
        with session as spark:
            run = functools.partial(spark_results, spark) if engine == "spark" else None
            descriptor = write_aggregated_package(records, out, Path("."), pooled_cohorts=pooled_cohorts, fmt=fmt,
                                                  engine=engine, spark=run)
    except OntrackError as exc:
        _fail(exc)
    click.echo(f"Wrote {out}/datapackage.json: " + ", ".join(r["path"] for r in descriptor["resources"]) + ".")


if __name__ == "__main__":  # pragma: no cover
    main()
