"""Rebuild times: a cold build, a rebuild with nothing changed, a rebuild after editing one country's text,
and the charts' drawing throughput in one process and in parallel workers.

    python bench/rebuild.py                     3 repetitions of each build, 200 charts
    python bench/rebuild.py --repeat 1 --charts 100
    python bench/rebuild.py --skip-builds       only the chart throughput

Each build runs as ``python -m generator.cli build`` in a fresh process on a copy
of the repository's project (content and datasets) under ``bench/work/rebuild/``;
"cold" empties its ``.ontrack-cache`` first. Wall and CPU time (the build's
workers included) are measured around the process; the load average of the
machine is noted before each run, since a shared machine slows the figures down.
Results go to ``bench/results/rebuild.json`` and are printed as a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))  # this checkout's generator, not another installed one
WORK = BENCH / "work" / "rebuild"
#: The country whose profile text is edited between two rebuilds.
EDITED = "content/countries/EE.md"


def _project() -> Path:
    project = WORK / "project"
    for name in ("content", "datasets"):
        shutil.rmtree(project / name, ignore_errors=True)
        shutil.copytree(REPO / name, project / name)
    return project


def _build(project: Path, *extra: str) -> dict:
    """One ``ontrack build`` in a fresh process: wall and CPU seconds, load average before it."""
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "generator.cli", "build", str(project),
                           "--output", str(WORK / "site"), *extra],
                          cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"the build failed:\n{done.stdout}\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    summary = [line for line in done.stdout.splitlines() if line.startswith(("Built ", "Cache hits"))]
    return {"wall": wall, "cpu": cpu, "load": load, "summary": summary}


def _edit(project: Path, n: int) -> None:
    path = project / EDITED
    path.write_text(path.read_text(encoding="utf-8") + f"\nBenchmark edit number {n}.\n", encoding="utf-8")


def measure_builds(repeat: int) -> dict[str, list[dict]]:
    project = _project()
    runs: dict[str, list[dict]] = {"cold": [], "warm": [], "edit one country": []}
    for rep in range(repeat):
        shutil.rmtree(project / ".ontrack-cache", ignore_errors=True)
        for name, before in (("cold", None), ("warm", None), ("edit one country", lambda: _edit(project, rep))):
            if before:
                before()
            run = _build(project)
            runs[name].append(run)
            print(f"  {name:<17} {run['wall']:7.1f} s wall  {run['cpu']:7.1f} s CPU  (load {run['load']:.1f})",
                  flush=True)
    return runs


def _charts(count: int) -> list:
    """The first ``count`` distinct charts of the demo site's model."""
    import generator.build as build_module
    from generator.charts.rendering import _canonical

    charts, seen = [], set()

    class Captured(Exception):
        pass

    def capture(site, *args, **kwargs):
        for page in site.pages:
            for chart in page.charts:
                key = _canonical(chart.spec)
                if key not in seen and len(charts) < count:
                    seen.add(key)
                    charts.append(chart)
        raise Captured

    import generator.render as render_module

    render_module.render_site = capture
    try:
        build_module.build(_project(), WORK / "unused", use_cache=False)
    except Captured:
        pass
    return charts


def measure_charts(count: int, repeat: int) -> dict:
    """Charts a second drawn by vl-convert in this process, and with one worker per core (spawned)."""
    from generator.charts import rendering

    charts = _charts(count)
    result = {"charts": len(charts), "cores": os.cpu_count()}
    for label, workers in (("serial", 1), ("parallel", os.cpu_count() or 1)):
        rates, outputs = [], []
        for _ in range(repeat):
            load = os.getloadavg()[0]
            rendering._compiled.clear()  # each run compiles its designs, as the workers do
            started = time.perf_counter()
            outputs.append(rendering.render_svgs(charts, workers=workers))
            rates.append(len(charts) / (time.perf_counter() - started))
            print(f"  {label:<9} {rates[-1]:6.1f} charts/s (load {load:.1f})", flush=True)
        result[label] = statistics.median(rates)
        result[f"{label} svgs"] = outputs[0]
    result["same svgs"] = result.pop("serial svgs") == result.pop("parallel svgs")
    result["ratio"] = result["parallel"] / result["serial"]
    return result


def report(runs: dict[str, list[dict]], charts: dict | None) -> str:
    lines = []
    if runs:
        cold = statistics.median(r["wall"] for r in runs["cold"])
        cold_cpu = statistics.median(r["cpu"] for r in runs["cold"])
        lines += ["| build | median wall (s) | ratio to cold | median CPU (s) | ratio to cold | load before |",
                  "|---|---|---|---|---|---|"]
        for name, measured in runs.items():
            wall = statistics.median(r["wall"] for r in measured)
            cpu = statistics.median(r["cpu"] for r in measured)
            loads = ", ".join(f"{r['load']:.1f}" for r in measured)
            lines.append(f"| {name} | {wall:.1f} | {wall / cold:.1%} | {cpu:.1f} | {cpu / cold_cpu:.1%} | {loads} |")
        lines += ["", *runs["warm"][-1]["summary"]]
    if charts:
        lines += ["", f"Charts drawn from scratch, {charts['charts']} distinct ones, {charts['cores']} cores: "
                      f"{charts['serial']:.1f} charts/s in one process, {charts['parallel']:.1f} charts/s in "
                      f"parallel workers ({charts['ratio']:.2f}x); identical SVG bytes: {charts['same svgs']}."]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="repetitions of each build (default 3)")
    parser.add_argument("--charts", type=int, default=200, help="distinct charts drawn for the throughput (0: skip)")
    parser.add_argument("--chart-repeat", type=int, default=3)
    parser.add_argument("--skip-builds", action="store_true")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    runs = {} if args.skip_builds else measure_builds(args.repeat)
    charts = measure_charts(args.charts, args.chart_repeat) if args.charts else None
    results = BENCH / "results"
    results.mkdir(exist_ok=True)
    (results / "rebuild.json").write_text(json.dumps({"builds": runs, "charts": charts}, indent=2))
    print(report(runs, charts))


if __name__ == "__main__":
    main()
