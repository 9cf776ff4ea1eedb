"""ontrack's benchmark: build stages, the data stages against DuckDB, programme pages against MkDocs.

    python bench/run.py                       1M and 10M records, 3 repetitions, 5,000 pages
    python bench/run.py --sizes 1000000 --repeat 5
    python bench/run.py --quick               100k records, 500 pages, 1 repetition (a few minutes)
    python bench/run.py --quick --build-repeat 1 --reports   ... and `ontrack reports`, cold and cached

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
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from inputs import SEED, bench_project, demo_data, mkdocs_project
from measure import REPO, Run, measure, say
from report import label, markdown, summarise

BENCH = Path(__file__).resolve().parent

#: Sizes above this many records are measured --large-repeat times (a 10M data run takes many minutes).
LARGE = 2_000_000


def probe(name: str, log: Path, **options) -> Run:
    """Run one of bench/probes.py's probes in a fresh process."""
    command = [sys.executable, str(BENCH / "probes.py"), name]
    for key, value in options.items():
        if value is True:
            command.append(f"--{key.replace('_', '-')}")
        elif value not in (None, False):
            command += [f"--{key.replace('_', '-')}", str(value)]
    return measure(command, log)


# -- the plan -----------------------------------------------------------------------------------------

@dataclass
class Plan:
    sizes: list[int]
    repeat: int
    large_repeat: int
    pages: int
    pages_records: int
    programmes: int | None
    build_repeat: int
    demo_rebuild: bool
    verify: bool
    profile: bool
    work: Path
    project: Path
    reports: bool = False
    runs: dict[str, list[Run]] = field(default_factory=dict)

    def add(self, key: str, run: Run) -> Run:
        self.runs.setdefault(key, []).append(run)
        return run


class Journal:
    """Every finished measurement, appended to ``work/journal.jsonl`` as it ends, so that ``--resume``
    carries on after an interruption (a run at 10M records takes hours) instead of starting again."""

    def __init__(self, path: Path, signature: dict, resume: bool):
        self.path, self.signature = path, signature
        self.done: dict[tuple[str, int], Run] = {}
        if resume and path.is_file():
            for line in path.read_text().splitlines():
                entry = json.loads(line)
                if entry["signature"] == signature:
                    self.done[(entry["key"], entry["rep"])] = Run(**entry["run"])
        elif path.exists():
            path.unlink()

    def measure(self, plan: Plan, key: str, rep: int, make) -> tuple[Run, bool]:
        """The journalled run of (key, rep), or a new one made by ``make()``; True when it is new."""
        if (key, rep) in self.done:
            return plan.add(key, self.done[(key, rep)]), False
        run = make()
        with self.path.open("a") as f:
            f.write(json.dumps({"key": key, "rep": rep, "signature": self.signature, "run": vars(run)}) + "\n")
        return plan.add(key, run), True


def run_plan(plan: Plan, resume: bool = False) -> None:
    work, logs = plan.work, plan.work / "logs"
    project = bench_project(work, plan.project)
    data = {n: demo_data(work / f"data-{label(n)}", n, plan.programmes) for n in plan.sizes}
    pages_data = demo_data(work / f"pages-{plan.pages}", plan.pages_records, plan.pages)
    mkdocs = mkdocs_project(work / f"mkdocs-{plan.pages}", pages_data / "programmes.csv")
    mkdocs_command = [sys.executable, "-m", "mkdocs", "build", "--quiet", "--clean", "--config-file",
                      str(mkdocs / "mkdocs.yml"), "--site-dir", str(work / "mkdocs-site")]
    builds = [(label(n), data[n]) for n in plan.sizes]
    if plan.demo_rebuild:
        builds.append(("demo", REPO / "datasets" / "demo"))
    journal = Journal(work / "journal.jsonl", {"pages": plan.pages, "pages_records": plan.pages_records,
                                                "programmes": plan.programmes, "project": str(plan.project),
                                                "seed": SEED}, resume)

    def measured(key: str, rep: int, make, note) -> Run:
        run, new = journal.measure(plan, key, rep, make)
        say(f"  {note(run)}" + ("" if new else " (from the journal)"))
        return run

    if plan.verify:
        smallest = data[min(plan.sizes)]
        say(f"checking that the DuckDB query computes ontrack's cells ({smallest.name})")
        run = measured("verify", 0, lambda: probe("verify", logs / "verify.log", project=project, data=smallest),
                   lambda r: str(r.result))
        if not run.result.get("ok"):
            raise SystemExit("the DuckDB floor does not compute ontrack's figures; fix bench/duckdb_floor.py first")

    for rep in range(plan.repeat):
        say(f"repetition {rep + 1} of {plan.repeat}")
        for n in plan.sizes:
            if n > LARGE and rep >= plan.large_repeat:
                continue
            size = label(n)
            # Interleaved: ontrack, DuckDB (all cores), DuckDB (one core), so a busy spell hits all of them.
            measured(f"data/{size}", rep,
                 lambda: probe("data", logs / f"data-{size}-{rep}.log", project=project, data=data[n]),
                 lambda r: f"ontrack data stages {size}: {r.wall:.1f} s, {r.peak_mb:.0f} MB")
            measured(f"duckdb/{size}", rep, lambda: probe("duckdb", logs / f"duckdb-{size}-{rep}.log", data=data[n]),
                 lambda r: f"DuckDB {size}: {r.wall:.1f} s")
            measured(f"duckdb1/{size}", rep,
                 lambda: probe("duckdb", logs / f"duckdb1-{size}-{rep}.log", data=data[n], threads=1),
                 lambda r: f"DuckDB one thread {size}: {r.wall:.1f} s")
        measured("pages", rep, lambda: probe("pages", logs / f"pages-{rep}.log", project=project, data=pages_data,
                                         write=work / "pages-site"),
             lambda r: f"ontrack {r.result['pages']} programme pages: render {r.result['steps']['render']:.1f} s")
        measured("mkdocs", rep, lambda: measure(mkdocs_command, logs / f"mkdocs-{rep}.log"),
             lambda r: f"MkDocs {plan.pages} pages: {r.wall:.1f} s")
        if rep < plan.build_repeat:
            for size, folder in builds:
                output = work / f"site-{size}"
                measured(f"build-cold/{size}", rep,
                     lambda: probe("build", logs / f"build-cold-{size}-{rep}.log", project=project, data=folder,
                                   output=output, cold=True),
                     lambda r: f"ontrack build {size}, cold: {r.wall:.1f} s, {r.peak_mb:.0f} MB")
                measured(f"build-warm/{size}", rep,
                     lambda: probe("build", logs / f"build-warm-{size}-{rep}.log", project=project, data=folder,
                                   output=output),
                     lambda r: f"ontrack build {size}, nothing changed: {r.wall:.1f} s")
                if plan.reports:  # `ontrack reports` after that build: every report laid out, then none
                    for kind, flag in (("cold", "reports_cold"), ("warm", "reports")):
                        measured(f"reports-{kind}/{size}", rep,
                             lambda: probe("build", logs / f"reports-{kind}-{size}-{rep}.log", project=project,
                                           data=folder, output=output, **{flag: True}),
                             lambda r: f"ontrack reports {size}, {kind}: {r.result['reports']['made']} laid out, "
                                       f"{r.result['steps'].get('quality reports', 0):.1f} s for the reports")

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
    parser.add_argument("--reports", action="store_true",
                        help="after each whole build, `ontrack reports` with every quality report laid out, then cached")
    parser.add_argument("--profile", action="store_true",
                        help="also cProfile the data stages, a cold build and the pages (bench/results/*.prof)")
    parser.add_argument("--programmes", type=int,
                        help="programmes in the inputs of --sizes (default: as ontrack demo-data chooses)")
    parser.add_argument("--project", type=Path, default=BENCH.parent,
                        help="the project whose content and reference figures are built (default: this repository)")
    parser.add_argument("--work", type=Path, default=BENCH / "work", help="inputs and scratch output (reused)")
    parser.add_argument("--results", type=Path, default=BENCH / "results",
                        help="where latest.json and latest.md go")
    parser.add_argument("--resume", action="store_true",
                        help="reuse the measurements an interrupted run left in WORK/journal.jsonl")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.repeat, args.pages, args.pages_records = "100000", 1, 500, 100_000
        if args.build_repeat is None:
            args.build_repeat = 0
    plan = Plan(sizes=[int(s.replace("_", "")) for s in args.sizes.split(",")], repeat=args.repeat,
                large_repeat=min(args.repeat, args.large_repeat or args.repeat),
                pages=args.pages, pages_records=args.pages_records, programmes=args.programmes,
                build_repeat=min(args.repeat, args.repeat if args.build_repeat is None else args.build_repeat),
                demo_rebuild=not (args.no_demo_rebuild or args.quick), verify=not args.no_verify, reports=args.reports,
                profile=args.profile, work=args.work.resolve(), project=args.project.resolve())
    plan.work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    run_plan(plan, resume=args.resume)
    raw = {key: [vars(r) for r in runs] for key, runs in plan.runs.items()}
    meta = {"when": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
                       f"load average at the end {os.getloadavg()[0]:.1f}",
            "seconds": round(time.perf_counter() - started, 1),
            "options": {"sizes": plan.sizes, "repeat": plan.repeat, "large_repeat": plan.large_repeat,
                        "build_repeat": plan.build_repeat,
                        "pages": plan.pages, "pages_records": plan.pages_records}}
    summary = summarise(raw, meta["options"])
    report = markdown(summary, meta)
    results = args.results
    results.mkdir(parents=True, exist_ok=True)
    (results / "latest.json").write_text(json.dumps({"meta": meta, "summary": summary, "runs": raw}, indent=2))
    (results / "latest.md").write_text(report)
    print()
    print(report)
    say(f"done in {meta['seconds']:.0f} s; {results}/latest.json and latest.md written")


if __name__ == "__main__":
    main()
