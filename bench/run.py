"""ontrack's benchmark: build stages, the data stages against DuckDB, programme pages against MkDocs.

    python bench/run.py                       1M and 10M records, 3 repetitions, 5,000 pages
    python bench/run.py --sizes 1000000 --repeat 5
    python bench/run.py --quick               100k records, 500 pages, 1 repetition (a few minutes)

Every measurement runs in a fresh process; its wall time, CPU time (user +
system, its worker processes included) and peak memory (the largest
``ru_maxrss`` of the process and the workers it waited for) come from
``os.wait4``. Steps inside a process are timed by the process itself
(``bench/probes.py``). Repetitions are interleaved (ontrack, DuckDB, ontrack,
DuckDB ...) so that a busy spell on a shared machine falls on both sides, and
the report gives medians and ratios. Results go to ``bench/results/latest.json``
and ``latest.md``; inputs are made once with ``ontrack demo-data`` under
``bench/work/`` and reused.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
SEED = 2024


#: Sizes above this many records are measured --large-repeat times (a 10M data run takes many minutes).
LARGE = 2_000_000

#: The targets of issue 7.
TARGET_AGGREGATE = 1.5     # ontrack aggregate + disclose <= 1.5 x DuckDB
TARGET_PAGES = 0.5         # 5,000 programme pages <= 0.5 x MkDocs' time for 5,000 pages
TARGET_REBUILD = 0.10      # a rebuild with nothing changed <= 10% of a cold build
TARGET_MEMORY_MB = 2048    # peak memory at 10M records <= 2 GB


# -- running one measured process -------------------------------------------------------------------

@dataclass
class Run:
    """One process: what it said about its own steps, and what the kernel says about it."""

    wall: float
    cpu: float
    peak_mb: float
    result: dict


class ProbeFailed(RuntimeError):
    pass


def measure(command: list[str], log: Path, env: dict | None = None) -> Run:
    """Run ``command`` in a fresh process; wall time, CPU and peak memory from ``wait4``."""
    log.parent.mkdir(parents=True, exist_ok=True)
    out_path = log.with_suffix(".out")
    with out_path.open("w") as out, log.open("w") as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, cwd=REPO, env=env)
        # wait4 and not Popen.wait: it also gives this child's resource usage, children included.
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
    text = out_path.read_text()
    if process.returncode != 0:
        raise ProbeFailed(f"{' '.join(command)} exited {process.returncode}; see {log}\n{log.read_text()[-3000:]}")
    lines = [line for line in text.splitlines() if line.startswith("{")]
    result = json.loads(lines[-1]) if lines else {}
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, result)


def probe(name: str, log: Path, **options) -> Run:
    command = [sys.executable, str(BENCH / "probes.py"), name]
    for key, value in options.items():
        if value is True:
            command.append(f"--{key}")
        elif value not in (None, False):
            command += [f"--{key}", str(value)]
    return measure(command, log)


# -- inputs -------------------------------------------------------------------------------------------

def say(message: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S}] {message}", flush=True)


def demo_data(folder: Path, records: int, programmes: int | None = None) -> Path:
    """``ontrack demo-data`` into ``folder``, unless a finished earlier run made the same one."""
    stamp = {"records": records, "programmes": programmes, "seed": SEED, "format": "csv"}
    stamp_file = folder / "bench-stamp.json"
    if stamp_file.is_file() and json.loads(stamp_file.read_text()) == stamp:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    say(f"making {folder.name}: ontrack demo-data --records {records:,}"
        + (f" --programmes {programmes:,}" if programmes else ""))
    command = [sys.executable, "-m", "generator.cli", "demo-data", "--out", str(folder), "--records", str(records),
               "--seed", str(SEED)] + (["--programmes", str(programmes)] if programmes else [])
    run = measure(command, folder.parent / "logs" / f"demo-data-{folder.name}.log")
    say(f"  made in {run.wall:.0f} s")
    stamp_file.write_text(json.dumps(stamp))
    return folder


def bench_project(work: Path) -> Path:
    """A project folder of its own (the repository's content and reference figures), so that emptying its
    chart cache for a cold build never touches the cache of someone building the repository's site."""
    project = work / "project"
    for name in ("content", "datasets/reference"):
        shutil.rmtree(project / name, ignore_errors=True)
        shutil.copytree(REPO / name, project / name)
    return project


MKDOCS_PAGE = """# {name}

[Programmes](../../index.md) › {country}

{country} · field {isced_f} · EQF level {eqf} · {duration} months · code `{code}`

## In short

**8 in 10 graduates** were working a year after finishing.

That is 78.4% of 1,245 graduates whose situation is known (95% interval 76.0% to 80.6%), graduates of 2021-2023 together.

!!! note "What this means"
    These are graduates of past years; your own path may differ. A programme with a small base has a wide
    interval: the true rate could be anywhere in it. Compare with the field and the country before drawing
    conclusions, and see the methodology for the definitions.

## Key figures, a year after graduation

| figure | value | graduates |
|---|---|---|
| Employment rate | 78.4% | 1,245 |
| In work or in education | 88.1% | 1,230 |
| Job related to the training | 64.2% | 610 |
| Working full time | 81.9% | 975 |
| Months in work since graduation (mean) | 9.1 | 1,245 |
| Coverage (response or match rate) | 61.0% | 2,040 |
| Median gross monthly earnings, full time | 2,150 | 540 |

## Coverage and hidden figures

Figures are based on graduates who could be observed, through a survey answer or a match in administrative
records. Coverage is the share of all graduates observed: 61.0% of 2,040.

- Months in work since graduation (mean): not published — fewer than 30 values.

Counts are rounded to the nearest 5. Figures based on fewer than 25 graduates are not published.

## Download

- [This programme's figures (all cohorts and time points)]({code}.csv) (CSV)

> {name}, {country}: graduate outcomes. ontrack, data version 2026.1.

{description}
"""


def mkdocs_project(folder: Path, programmes_csv: Path) -> Path:
    """An MkDocs project with one plain Markdown page per programme of ``programmes_csv``."""
    import csv

    with programmes_csv.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    stamp = folder / "bench-stamp.json"
    if stamp.is_file() and json.loads(stamp.read_text()) == {"pages": len(rows), "source": str(programmes_csv)}:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    docs = folder / "docs"
    docs.mkdir(parents=True)
    (docs / "index.md").write_text("# Programmes\n\nOne page per programme, in a folder per country.\n")
    for row in rows:
        page = docs / row["geo"].lower() / f"{row['programme_code'].lower()}.md"
        page.parent.mkdir(exist_ok=True)
        page.write_text(MKDOCS_PAGE.format(name=row["name"], country=row["geo"], isced_f=row["isced_f"],
                                           eqf=row["eqf_level"], duration=row["duration_months"],
                                           code=row["programme_code"], description=row["description"]),
                        encoding="utf-8")
    # The built-in theme, no plugins (no search index), and a navigation of the home page only: like
    # ontrack's programme pages, no page links every other page. admonition renders the note.
    (folder / "mkdocs.yml").write_text(
        "site_name: MkDocs programmes\n"
        "theme:\n  name: mkdocs\n"
        "plugins: []\n"
        "markdown_extensions: [tables, admonition]\n"
        "nav:\n  - Programmes: index.md\n"
        "validation:\n  omitted_files: ignore\n  absolute_links: ignore\n  unrecognized_links: ignore\n",
        encoding="utf-8")
    stamp.write_text(json.dumps({"pages": len(rows), "source": str(programmes_csv)}))
    return folder


# -- the plan -----------------------------------------------------------------------------------------

@dataclass
class Plan:
    sizes: list[int]
    repeat: int
    large_repeat: int
    pages: int
    pages_records: int
    build_repeat: int
    demo_rebuild: bool
    verify: bool
    profile: bool
    work: Path
    runs: dict[str, list[Run]] = field(default_factory=dict)

    def add(self, key: str, run: Run) -> Run:
        self.runs.setdefault(key, []).append(run)
        return run


def label(records: int) -> str:
    if records >= 1_000_000 and records % 1_000_000 == 0:
        return f"{records // 1_000_000}M"
    if records >= 1_000 and records % 1_000 == 0:
        return f"{records // 1_000}k"
    return str(records)


def run_plan(plan: Plan) -> None:
    work, logs = plan.work, plan.work / "logs"
    project = bench_project(work)
    data = {n: demo_data(work / f"data-{label(n)}", n) for n in plan.sizes}
    pages_data = demo_data(work / f"pages-{plan.pages}", plan.pages_records, plan.pages)
    mkdocs = mkdocs_project(work / f"mkdocs-{plan.pages}", pages_data / "programmes.csv")
    mkdocs_command = [sys.executable, "-m", "mkdocs", "build", "--quiet", "--clean", "--config-file",
                      str(mkdocs / "mkdocs.yml"), "--site-dir", str(work / "mkdocs-site")]
    builds = [(label(n), data[n]) for n in plan.sizes]
    if plan.demo_rebuild:
        builds.append(("demo", REPO / "datasets" / "demo"))

    if plan.verify:
        smallest = data[min(plan.sizes)]
        say(f"checking that the DuckDB query computes ontrack's cells ({smallest.name})")
        run = plan.add("verify", probe("verify", logs / "verify.log", project=project, data=smallest))
        say(f"  {run.result}")
        if not run.result.get("ok"):
            raise SystemExit("the DuckDB floor does not compute ontrack's figures; fix bench/duckdb_floor.py first")

    for rep in range(plan.repeat):
        say(f"repetition {rep + 1} of {plan.repeat}")
        for n in plan.sizes:
            if n > LARGE and rep >= plan.large_repeat:
                continue
            size = label(n)
            # Interleaved: ontrack, DuckDB (all cores), DuckDB (one core), so a busy spell hits all of them.
            run = plan.add(f"data/{size}", probe("data", logs / f"data-{size}-{rep}.log", project=project, data=data[n]))
            say(f"  ontrack data stages {size}: {run.wall:.1f} s, {run.peak_mb:.0f} MB")
            run = plan.add(f"duckdb/{size}", probe("duckdb", logs / f"duckdb-{size}-{rep}.log", data=data[n]))
            say(f"  DuckDB {size}: {run.wall:.1f} s")
            run = plan.add(f"duckdb1/{size}", probe("duckdb", logs / f"duckdb1-{size}-{rep}.log", data=data[n], threads=1))
            say(f"  DuckDB one thread {size}: {run.wall:.1f} s")
        run = plan.add("pages", probe("pages", logs / f"pages-{rep}.log", project=project, data=pages_data,
                                      write=work / "pages-site"))
        say(f"  ontrack {run.result['pages']} programme pages: render {run.result['steps']['render']:.1f} s")
        run = plan.add("mkdocs", measure(mkdocs_command, logs / f"mkdocs-{rep}.log"))
        say(f"  MkDocs {plan.pages} pages: {run.wall:.1f} s")
        if rep < plan.build_repeat:
            for size, folder in builds:
                output = work / f"site-{size}"
                run = plan.add(f"build-cold/{size}", probe("build", logs / f"build-cold-{size}-{rep}.log",
                                                           project=project, data=folder, output=output, cold=True))
                say(f"  ontrack build {size}, cold: {run.wall:.1f} s, {run.peak_mb:.0f} MB")
                run = plan.add(f"build-warm/{size}", probe("build", logs / f"build-warm-{size}-{rep}.log",
                                                           project=project, data=folder, output=output))
                say(f"  ontrack build {size}, nothing changed: {run.wall:.1f} s")

    if plan.profile:
        profiles = plan.work.parent / "results"
        profiles.mkdir(exist_ok=True)
        biggest = label(max(plan.sizes))
        say(f"profiling the data stages and a cold build at {biggest} (cProfile, into bench/results/)")
        probe("data", logs / "profile-data.log", project=project, data=data[max(plan.sizes)],
              profile=profiles / f"profile-data-{biggest}.prof")
        probe("build", logs / "profile-build.log", project=project, data=data[max(plan.sizes)],
              output=work / f"site-{biggest}", cold=True, profile=profiles / f"profile-build-{biggest}.prof")
        probe("pages", logs / "profile-pages.log", project=project, data=pages_data,
              profile=profiles / f"profile-pages-{plan.pages}.prof")


# -- the report ---------------------------------------------------------------------------------------

def med(values) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def step(runs: list[Run], name: str, kind: str = "steps") -> float | None:
    return med(r.result.get(kind, {}).get(name) for r in runs)


def stage_names(runs: list[Run]) -> list[str]:
    """The build's stages in the order it reports them (BuildSummary.timings), whatever they are called today."""
    names: dict[str, None] = {}
    for run in runs:
        names.update(dict.fromkeys(run.result.get("steps", {})))
    return list(names)


def ratio(a, b) -> float | None:
    return a / b if a is not None and b else None


def summarise(plan: Plan) -> dict:
    runs = plan.runs
    out: dict = {"sizes": {}, "pages": {}, "targets": []}
    for n in plan.sizes:
        size = label(n)
        ours, duck, duck1 = runs[f"data/{size}"], runs[f"duckdb/{size}"], runs[f"duckdb1/{size}"]
        data = {
            "records": ours[0].result["records"],
            "repetitions": len(ours),
            "ontrack": {
                "load and validate": step(ours, "load and validate"),
                "aggregate": step(ours, "aggregate"),
                "disclose": step(ours, "disclose"),
                "aggregate and disclose": med(r.result["steps"]["aggregate"] + r.result["steps"]["disclose"] for r in ours),
                "cpu aggregate and disclose": med(r.result["cpu"]["aggregate"] + r.result["cpu"]["disclose"] for r in ours),
                "cpu load and validate": step(ours, "load and validate", "cpu"),
                "process wall": med(r.wall for r in ours), "process cpu": med(r.cpu for r in ours),
                "peak MB": med(r.peak_mb for r in ours),
            },
        }
        for key, dr in (("duckdb", duck), ("duckdb 1 thread", duck1)):
            data[key] = {"threads": dr[0].result["threads"], "load": step(dr, "load"), "aggregate": step(dr, "aggregate"),
                         "cpu load": step(dr, "load", "cpu"), "cpu aggregate": step(dr, "aggregate", "cpu"),
                         "process wall": med(r.wall for r in dr), "process cpu": med(r.cpu for r in dr),
                         "peak MB": med(r.peak_mb for r in dr)}
        out["sizes"][size] = data
    for size in [label(n) for n in plan.sizes] + (["demo"] if plan.demo_rebuild else []):
        cold, warm = runs.get(f"build-cold/{size}"), runs.get(f"build-warm/{size}")
        if not cold:
            continue
        stages = stage_names(cold + warm)
        out.setdefault("builds", {})[size] = {
            "repetitions": len(cold),
            "pages": cold[0].result["pages"], "files": cold[0].result["files"],
            "stages": {s: step(cold, s) for s in stages},
            "stages cpu": {s: step(cold, s, "cpu") for s in stages},
            "cold process wall": med(r.wall for r in cold), "cold process cpu": med(r.cpu for r in cold),
            "cold peak MB": med(r.peak_mb for r in cold),
            "warm stages": {s: step(warm, s) for s in stages},
            "warm process wall": med(r.wall for r in warm), "warm process cpu": med(r.cpu for r in warm),
            "warm peak MB": med(r.peak_mb for r in warm),
        }
    pages, mk = runs["pages"], runs["mkdocs"]
    out["pages"] = {
        "pages": pages[0].result["pages"], "mkdocs pages": plan.pages, "repetitions": len(pages),
        "ontrack render": step(pages, "render"), "ontrack render cpu": step(pages, "render", "cpu"),
        "ontrack write": step(pages, "write"),
        "ontrack setup (load, disclose, publish, site model)": step(pages, "setup: load, disclose, publish, site model"),
        "ontrack bytes": pages[0].result["bytes"],
        "mkdocs process wall": med(r.wall for r in mk), "mkdocs process cpu": med(r.cpu for r in mk),
        "mkdocs peak MB": med(r.peak_mb for r in mk),
    }
    out["targets"] = targets(plan, out)
    return out


def targets(plan: Plan, out: dict) -> list[dict]:
    found = []

    def add(name, limit, measured, how, kind="ratio"):
        met = measured is not None and measured <= limit
        if measured is None:
            verdict = "not measured"
        elif kind == "ratio":
            verdict = "met" if met else f"missed: {measured:.2f}x against {limit:g}x ({measured / limit:.1f} times the target)"
        else:
            verdict = "met" if met else f"missed by {measured - limit:.0f} MB"
        found.append({"target": name, "limit": limit, "measured": measured, "met": met, "verdict": verdict, "how": how})

    for size, d in out["sizes"].items():
        ours, duck = d["ontrack"], d["duckdb"]
        add(f"aggregate and disclose <= {TARGET_AGGREGATE}x DuckDB, {size}", TARGET_AGGREGATE,
            ratio(ours["aggregate and disclose"], duck["aggregate"]),
            "ontrack compute_indicators + apply_disclosure on the loaded frame / DuckDB's query on the loaded table (wall)")
        add(f"load + aggregate + disclose <= {TARGET_AGGREGATE}x DuckDB load + aggregate, {size}", TARGET_AGGREGATE,
            ratio((ours["load and validate"] or 0) + (ours["aggregate and disclose"] or 0),
                  (duck["load"] or 0) + (duck["aggregate"] or 0)),
            "from the same CSV file to the figures (wall)")
    p = out["pages"]
    add(f"{p['pages']:,} programme pages <= {TARGET_PAGES}x MkDocs' time for {p['mkdocs pages']:,} pages", TARGET_PAGES,
        ratio(p["ontrack render"], p["mkdocs process wall"]),
        "render_page over the programme pages, charts off / `mkdocs build` process (wall)")
    for size, b in out.get("builds", {}).items():
        add(f"rebuild with nothing changed <= {TARGET_REBUILD:.0%} of a cold build, {size}", TARGET_REBUILD,
            ratio(b["warm process wall"], b["cold process wall"]), "`build` process wall time, warm / cold")
    big = label(max(plan.sizes))
    peaks = [out["sizes"][big]["ontrack"]["peak MB"]]
    if big in out.get("builds", {}):
        peaks.append(out["builds"][big]["cold peak MB"])
    add(f"peak memory <= {TARGET_MEMORY_MB} MB at {big} records", TARGET_MEMORY_MB, max(p for p in peaks if p is not None),
        "largest ru_maxrss of the data stages and of a cold build (one process)", kind="MB")
    return found


def fmt(value, digits=1) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def markdown(plan: Plan, summary: dict, meta: dict) -> str:
    sizes = list(summary["sizes"])
    lines = [f"# ontrack benchmark, {meta['when']}", "",
             f"{meta['machine']}. Medians of {plan.repeat} repetition(s) (sizes above {label(LARGE)}: "
             f"{plan.large_repeat}; whole builds: {plan.build_repeat}); "
             "seconds are wall-clock unless marked CPU. Each measurement is a fresh process.", ""]

    lines += ["## Data stages: ontrack against DuckDB on the same CSV file", "",
              "| | " + " | ".join(sizes) + " |", "|---|" + "---:|" * len(sizes)]

    def row(name, get, digits=1):
        lines.append(f"| {name} | " + " | ".join(fmt(get(summary["sizes"][s]), digits) for s in sizes) + " |")

    row("ontrack load and validate (s)", lambda d: d["ontrack"]["load and validate"])
    row("ontrack aggregate, compute_indicators (s)", lambda d: d["ontrack"]["aggregate"])
    row("ontrack disclose, apply_disclosure (s)", lambda d: d["ontrack"]["disclose"])
    row("**ontrack aggregate and disclose (s)**", lambda d: d["ontrack"]["aggregate and disclose"])
    row("DuckDB load CSV into a table (s)", lambda d: d["duckdb"]["load"])
    row("**DuckDB aggregate (s)**", lambda d: d["duckdb"]["aggregate"])
    row("DuckDB one thread: load / aggregate (s)", lambda d: None)
    lines[-1] = "| DuckDB one thread: load / aggregate (s) | " + " | ".join(
        f"{fmt(summary['sizes'][s]['duckdb 1 thread']['load'])} / {fmt(summary['sizes'][s]['duckdb 1 thread']['aggregate'])}"
        for s in sizes) + " |"
    row("**ratio aggregate and disclose / DuckDB aggregate**", lambda d: ratio(d["ontrack"]["aggregate and disclose"], d["duckdb"]["aggregate"]), 2)
    row("ratio, same, CPU seconds", lambda d: ratio(d["ontrack"]["cpu aggregate and disclose"], d["duckdb"]["cpu aggregate"]), 2)
    row("ratio against DuckDB on one thread", lambda d: ratio(d["ontrack"]["aggregate and disclose"], d["duckdb 1 thread"]["aggregate"]), 2)
    row("ratio load + aggregate + disclose / DuckDB load + aggregate", lambda d: ratio(
        d["ontrack"]["load and validate"] + d["ontrack"]["aggregate and disclose"], d["duckdb"]["load"] + d["duckdb"]["aggregate"]), 2)
    row("ontrack process: wall / CPU (s)", lambda d: None)
    lines[-1] = "| ontrack process: wall / CPU (s) | " + " | ".join(
        f"{fmt(summary['sizes'][s]['ontrack']['process wall'])} / {fmt(summary['sizes'][s]['ontrack']['process cpu'])}" for s in sizes) + " |"
    row("DuckDB process: wall / CPU (s)", lambda d: None)
    lines[-1] = "| DuckDB process: wall / CPU (s) | " + " | ".join(
        f"{fmt(summary['sizes'][s]['duckdb']['process wall'])} / {fmt(summary['sizes'][s]['duckdb']['process cpu'])}" for s in sizes) + " |"
    row("ontrack peak memory (MB)", lambda d: d["ontrack"]["peak MB"], 0)
    row("DuckDB peak memory (MB)", lambda d: d["duckdb"]["peak MB"], 0)

    builds = summary.get("builds", {})
    if builds:
        names = list(builds)
        lines += ["", "## ontrack build, cold (chart cache emptied) and again with nothing changed", "",
                  "Stage seconds are the build's own clock (`BuildSummary.timings`), wall (CPU of the build process "
                  "itself; spawned workers' CPU is only in the whole-process line).", "",
                  "| stage (s) | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
        stages = list(dict.fromkeys(s for n in names for s in builds[n]["stages"]))
        for stage in stages:
            lines.append(f"| {stage} | " + " | ".join(
                f"{fmt(builds[n]['stages'].get(stage))} ({fmt(builds[n]['stages cpu'].get(stage))} CPU)"
                for n in names) + " |")
        lines.append("| **cold build, whole process** | " + " | ".join(fmt(builds[n]["cold process wall"]) for n in names) + " |")
        lines.append("| cold build, CPU (workers included) | " + " | ".join(fmt(builds[n]["cold process cpu"]) for n in names) + " |")
        lines.append("| cold build, peak memory (MB) | " + " | ".join(fmt(builds[n]["cold peak MB"], 0) for n in names) + " |")
        lines.append("| **rebuild, nothing changed** | " + " | ".join(fmt(builds[n]["warm process wall"]) for n in names) + " |")
        lines.append("| **rebuild / cold** | " + " | ".join(
            fmt(ratio(builds[n]["warm process wall"], builds[n]["cold process wall"]), 2) for n in names) + " |")
        lines.append("| pages / files | " + " | ".join(f"{builds[n]['pages']:,} / {builds[n]['files']:,}" for n in names) + " |")

    p = summary["pages"]
    lines += ["", f"## {p['pages']:,} programme pages (charts off) against MkDocs building {p['mkdocs pages']:,} Markdown pages", "",
              "| | seconds |", "|---|---:|",
              f"| ontrack: render_page over the programme pages | {fmt(p['ontrack render'], 2)} |",
              f"| ontrack: same, CPU | {fmt(p['ontrack render cpu'], 2)} |",
              f"| ontrack: writing them to disk as well | {fmt(p['ontrack write'], 2)} |",
              f"| ontrack: setup, not counted (load, disclose, publish, site model) | {fmt(p['ontrack setup (load, disclose, publish, site model)'])} |",
              f"| MkDocs: `mkdocs build` process | {fmt(p['mkdocs process wall'], 2)} |",
              f"| MkDocs: same, CPU | {fmt(p['mkdocs process cpu'], 2)} |",
              f"| **ratio ontrack render / MkDocs** | {fmt(ratio(p['ontrack render'], p['mkdocs process wall']), 2)} |",
              f"| ratio ontrack render + write / MkDocs | {fmt(ratio((p['ontrack render'] or 0) + (p['ontrack write'] or 0), p['mkdocs process wall']), 2)} |",
              f"| ratio, CPU | {fmt(ratio(p['ontrack render cpu'], p['mkdocs process cpu']), 2)} |",
              f"| MkDocs peak memory (MB) | {fmt(p['mkdocs peak MB'], 0)} |"]

    lines += ["", "## Targets", "", "| target | measured | verdict |", "|---|---:|---|"]
    for t in summary["targets"]:
        measured = fmt(t["measured"], 0) + " MB" if t["target"].startswith("peak") else fmt(t["measured"], 2)
        lines.append(f"| {t['target']} | {measured} | {t['verdict']} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000000,10000000", help="comma-separated record counts")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions of each measurement (median reported)")
    parser.add_argument("--large-repeat", type=int,
                        help=f"repetitions for sizes above {LARGE:,} records (default: --repeat)")
    parser.add_argument("--build-repeat", type=int,
                        help="repetitions of the cold and warm builds (default: --repeat; 0 with --quick)")
    parser.add_argument("--pages", type=int, default=5000, help="programme pages against as many MkDocs pages")
    parser.add_argument("--pages-records", type=int, default=1_000_000, help="records of the input for the pages")
    parser.add_argument("--quick", action="store_true",
                        help="100k records, 500 pages, 1 repetition, no whole builds unless --build-repeat 1")
    parser.add_argument("--no-demo-rebuild", action="store_true",
                        help="skip the cold and warm build of the committed demo (datasets/demo)")
    parser.add_argument("--no-verify", action="store_true", help="skip checking DuckDB's figures against ontrack's")
    parser.add_argument("--profile", action="store_true", help="also cProfile the data stages, a cold build and the pages")
    parser.add_argument("--work", type=Path, default=BENCH / "work", help="inputs and scratch output (reused)")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.repeat, args.pages, args.pages_records = "100000", 1, 500, 100_000
        if args.build_repeat is None:
            args.build_repeat = 0
    plan = Plan(sizes=[int(s.replace("_", "")) for s in args.sizes.split(",")], repeat=args.repeat,
                large_repeat=min(args.repeat, args.large_repeat or args.repeat),
                pages=args.pages, pages_records=args.pages_records,
                build_repeat=min(args.repeat, args.repeat if args.build_repeat is None else args.build_repeat),
                demo_rebuild=not (args.no_demo_rebuild or args.quick), verify=not args.no_verify,
                profile=args.profile, work=args.work.resolve())
    plan.work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    run_plan(plan)
    summary = summarise(plan)
    meta = {"when": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
                       f"load average at the end {os.getloadavg()[0]:.1f}",
            "seconds": round(time.perf_counter() - started, 1),
            "options": {"sizes": plan.sizes, "repeat": plan.repeat, "large_repeat": plan.large_repeat,
                        "build_repeat": plan.build_repeat,
                        "pages": plan.pages, "pages_records": plan.pages_records}}
    report = markdown(plan, summary, meta)
    results = BENCH / "results"
    results.mkdir(exist_ok=True)
    raw = {key: [vars(r) for r in runs] for key, runs in plan.runs.items()}
    (results / "latest.json").write_text(json.dumps({"meta": meta, "summary": summary, "runs": raw}, indent=2))
    (results / "latest.md").write_text(report)
    print()
    print(report)
    say(f"done in {meta['seconds']:.0f} s; bench/results/latest.json and latest.md written")


if __name__ == "__main__":
    main()
