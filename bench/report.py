"""The benchmark's report: medians, ratios and the targets, from the raw runs of ``bench/run.py``.

    python bench/report.py [bench/results/latest.json]     remake latest.md (and the summary) from the runs

A run is ``{"wall", "cpu", "peak_mb", "result"}``: the process's wall and CPU
seconds and peak memory from ``os.wait4``, and what the probe reported about
its own steps. Runs are grouped by key (``data/1M``, ``duckdb/1M``,
``duckdb1/1M``, ``pages``, ``mkdocs``, ``build-cold/1M``, ``build-warm/1M`` ...).
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

#: The targets of issue 7.
TARGET_AGGREGATE = 1.5     # ontrack aggregate + disclose <= 1.5 x DuckDB
TARGET_PAGES = 0.5         # 5,000 programme pages <= 0.5 x MkDocs' time for 5,000 pages
TARGET_REBUILD = 0.10      # a rebuild with nothing changed <= 10% of a cold build
TARGET_MEMORY_MB = 2048    # peak memory at 10M records <= 2 GB


def label(records: int) -> str:
    """1000000 -> '1M', 100000 -> '100k'."""
    if records >= 1_000_000 and records % 1_000_000 == 0:
        return f"{records // 1_000_000}M"
    if records >= 1_000 and records % 1_000 == 0:
        return f"{records // 1_000}k"
    return str(records)


def med(values) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def ratio(a, b) -> float | None:
    return a / b if a is not None and b else None


def _step(runs: list[dict], name: str, kind: str = "steps") -> float | None:
    return med(run["result"].get(kind, {}).get(name) for run in runs)


def _steps_sum(runs: list[dict], names: tuple[str, ...], kind: str = "steps") -> float | None:
    return med(sum(run["result"][kind][n] for n in names) for run in runs)


def _process(runs: list[dict], prefix: str = "") -> dict:
    return {f"{prefix}wall": med(r["wall"] for r in runs), f"{prefix}cpu": med(r["cpu"] for r in runs),
            f"{prefix}peak MB": med(r["peak_mb"] for r in runs)}


def stage_names(runs: list[dict]) -> list[str]:
    """The build's stages in the order it reports them (BuildSummary.timings), whatever they are called today."""
    names: dict[str, None] = {}
    for run in runs:
        names.update(dict.fromkeys(run["result"].get("steps", {})))
    return list(names)


def summarise(runs: dict[str, list[dict]], options: dict) -> dict:
    """Medians of every step of every measurement, per size; then the targets."""
    out: dict = {"sizes": {}, "builds": {}, "pages": None, "targets": []}
    for records in options["sizes"]:
        size = label(records)
        ours = runs.get(f"data/{size}")
        if not ours:
            continue
        data = {"records": ours[0]["result"]["records"], "repetitions": len(ours), "ontrack": {
            "load and validate": _step(ours, "load and validate"),
            "aggregate": _step(ours, "aggregate"),
            "disclose": _step(ours, "disclose"),
            "aggregate and disclose": _steps_sum(ours, ("aggregate", "disclose")),
            "cpu load and validate": _step(ours, "load and validate", "cpu"),
            "cpu aggregate and disclose": _steps_sum(ours, ("aggregate", "disclose"), "cpu"),
            **_process(ours, "process "),
        }}
        for key, name in (("duckdb", f"duckdb/{size}"), ("duckdb 1 thread", f"duckdb1/{size}")):
            duck = runs.get(name, [])
            if duck:
                data[key] = {"threads": duck[0]["result"]["threads"], "load": _step(duck, "load"),
                             "aggregate": _step(duck, "aggregate"), "cpu load": _step(duck, "load", "cpu"),
                             "cpu aggregate": _step(duck, "aggregate", "cpu"), **_process(duck, "process ")}
        out["sizes"][size] = data
    for key in runs:
        if key.startswith("build-cold/"):
            size = key.split("/", 1)[1]
            cold, warm = runs[key], runs.get(f"build-warm/{size}", [])
            stages = stage_names(cold + warm)
            out["builds"][size] = {
                "repetitions": len(cold), "pages": cold[0]["result"]["pages"], "files": cold[0]["result"]["files"],
                "stages": {s: _step(cold, s) for s in stages},
                "stages cpu": {s: _step(cold, s, "cpu") for s in stages},
                "warm stages": {s: _step(warm, s) for s in stages},
                **_process(cold, "cold "), **_process(warm, "warm "),
            }
    out["reports"] = {}
    for key in runs:
        if key.startswith("reports-cold/"):
            size = key.split("/", 1)[1]
            cold, warm = runs[key], runs.get(f"reports-warm/{size}", [])
            made = cold[0]["result"]["reports"]["made"]
            wall, cpu = _step(cold, "quality reports"), _step(cold, "quality reports", "cpu")
            out["reports"][size] = {
                "repetitions": len(cold), "reports": made, "cold wall": wall, "cold cpu": cpu,
                "per report wall": wall / made if made and wall is not None else None,
                "per report cpu": cpu / made if made and cpu is not None else None,
                "warm wall": _step(warm, "quality reports"), "warm cpu": _step(warm, "quality reports", "cpu"),
                "warm cached": warm[0]["result"]["reports"]["cached"] if warm else None,
                "peak MB": _process(cold, "")["peak MB"],
            }
    pages, mkdocs = runs.get("pages"), runs.get("mkdocs")
    if pages and mkdocs:
        out["pages"] = {
            "pages": pages[0]["result"]["pages"], "mkdocs pages": options["pages"], "repetitions": len(pages),
            "render": _step(pages, "render"), "render cpu": _step(pages, "render", "cpu"),
            "write": _step(pages, "write"), "setup": _step(pages, "setup: load, disclose, publish, site model"),
            "skipped in setup": pages[0]["result"].get("skipped_in_setup", []),
            "bytes": pages[0]["result"]["bytes"], **_process(mkdocs, "mkdocs "),
        }
    out["targets"] = targets(out)
    return out


def targets(out: dict) -> list[dict]:
    """Each target of issue 7: the measured value, and whether it is met or by how much it is missed."""
    found = []

    def add(name, limit, measured, how, unit="x"):
        if measured is None:
            verdict = "not measured"
        elif measured <= limit:
            verdict = "met"
        elif unit == "x":
            verdict = f"missed: {measured:.2f}x against {limit:g}x, {measured / limit:.1f} times the target"
        else:
            verdict = f"missed by {measured - limit:,.0f} MB ({measured / limit:.1f} times the target)"
        found.append({"target": name, "limit": limit, "measured": measured, "unit": unit,
                      "met": measured is not None and measured <= limit, "verdict": verdict, "how": how})

    for size, d in out["sizes"].items():
        ours, duck = d["ontrack"], d.get("duckdb")
        if not duck:
            continue
        add(f"aggregate and disclose <= {TARGET_AGGREGATE}x DuckDB ({size})", TARGET_AGGREGATE,
            ratio(ours["aggregate and disclose"], duck["aggregate"]),
            "compute_indicators + apply_disclosure on the loaded frame / DuckDB's query on the loaded table, wall")
        add(f"the same, CPU seconds ({size})", TARGET_AGGREGATE,
            ratio(ours["cpu aggregate and disclose"], duck["cpu aggregate"]), "CPU seconds of the same steps")
        add(f"CSV to figures: load + aggregate + disclose <= {TARGET_AGGREGATE}x DuckDB load + aggregate ({size})",
            TARGET_AGGREGATE, ratio(ours["load and validate"] + ours["aggregate and disclose"],
                                    duck["load"] + duck["aggregate"]), "wall")
    p = out["pages"]
    if p:
        add(f"{p['pages']:,} programme pages <= {TARGET_PAGES}x MkDocs building {p['mkdocs pages']:,} pages",
            TARGET_PAGES, ratio(p["render"], p["mkdocs wall"]),
            "render_page over the programme pages, charts off / the `mkdocs build` process, wall")
    for size, b in out["builds"].items():
        add(f"rebuild with nothing changed <= {TARGET_REBUILD:.0%} of a cold build ({size})", TARGET_REBUILD,
            ratio(b["warm wall"], b["cold wall"]), "whole build process, wall, warm / cold")
    sizes = list(out["sizes"])
    if sizes:
        big = max(sizes, key=lambda s: out["sizes"][s]["records"])
        peaks = [out["sizes"][big]["ontrack"]["process peak MB"], out["builds"].get(big, {}).get("cold peak MB")]
        add(f"peak memory <= {TARGET_MEMORY_MB:,} MB at {big} records", TARGET_MEMORY_MB,
            max(p for p in peaks if p is not None),
            "largest ru_maxrss of the data stages and of a cold build (one process)", unit="MB")
    return found


def fmt(value, digits: int = 1) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


class Table:
    """A Markdown table, a row at a time."""

    def __init__(self, head: list[str], align: str = ""):
        align = align or "l" + "r" * (len(head) - 1)
        self.lines = ["| " + " | ".join(head) + " |", "|" + "".join("---:|" if a == "r" else "---|" for a in align)]

    def row(self, *cells) -> None:
        self.lines.append("| " + " | ".join(str(c) for c in cells) + " |")


def markdown(summary: dict, meta: dict) -> str:
    o = meta["options"]
    lines = [f"# ontrack benchmark, {meta['when']}", "",
             f"{meta['machine']}. Medians of {o['repeat']} repetition(s) (above 2M records: {o['large_repeat']}; "
             f"whole builds: {o['build_repeat']}). Seconds are wall-clock unless marked CPU; every measurement is "
             f"a fresh process. The whole run took {meta['seconds'] / 60:.0f} minutes.", ""]
    sizes = summary["sizes"]
    if sizes:
        names = list(sizes)
        t = Table(["data stages", *names])
        pick = lambda f, digits=1: [fmt(f(sizes[s]), digits) for s in names]  # noqa: E731
        both = lambda f, g: [f"{fmt(f(sizes[s]))} / {fmt(g(sizes[s]))}" for s in names]  # noqa: E731
        t.row("ontrack load and validate (wall / CPU s)",
              *both(lambda d: d["ontrack"]["load and validate"], lambda d: d["ontrack"]["cpu load and validate"]))
        t.row("ontrack aggregate: compute_indicators (s)", *pick(lambda d: d["ontrack"]["aggregate"]))
        t.row("ontrack disclose: apply_disclosure (s)", *pick(lambda d: d["ontrack"]["disclose"]))
        t.row("**ontrack aggregate and disclose (wall / CPU s)**", *both(
            lambda d: d["ontrack"]["aggregate and disclose"], lambda d: d["ontrack"]["cpu aggregate and disclose"]))
        t.row("DuckDB load the CSV into a table (wall / CPU s)",
              *both(lambda d: d["duckdb"]["load"], lambda d: d["duckdb"]["cpu load"]))
        t.row("**DuckDB aggregate (wall / CPU s)**",
              *both(lambda d: d["duckdb"]["aggregate"], lambda d: d["duckdb"]["cpu aggregate"]))
        t.row("DuckDB on one thread: load / aggregate (s)", *both(
            lambda d: d["duckdb 1 thread"]["load"], lambda d: d["duckdb 1 thread"]["aggregate"]))
        t.row("**ratio ontrack aggregate and disclose / DuckDB aggregate**", *pick(
            lambda d: ratio(d["ontrack"]["aggregate and disclose"], d["duckdb"]["aggregate"]), 2))
        t.row("the same ratio in CPU seconds", *pick(
            lambda d: ratio(d["ontrack"]["cpu aggregate and disclose"], d["duckdb"]["cpu aggregate"]), 2))
        t.row("the same ratio against DuckDB on one thread", *pick(
            lambda d: ratio(d["ontrack"]["aggregate and disclose"], d["duckdb 1 thread"]["aggregate"]), 2))
        t.row("ratio CSV to figures (load + aggregate + disclose / DuckDB load + aggregate)", *pick(
            lambda d: ratio(d["ontrack"]["load and validate"] + d["ontrack"]["aggregate and disclose"],
                            d["duckdb"]["load"] + d["duckdb"]["aggregate"]), 2))
        t.row("whole process, ontrack (wall / CPU s)",
              *both(lambda d: d["ontrack"]["process wall"], lambda d: d["ontrack"]["process cpu"]))
        t.row("whole process, DuckDB (wall / CPU s)",
              *both(lambda d: d["duckdb"]["process wall"], lambda d: d["duckdb"]["process cpu"]))
        t.row("peak memory, ontrack / DuckDB (MB)",
              *[f"{fmt(sizes[s]['ontrack']['process peak MB'], 0)} / {fmt(sizes[s]['duckdb']['process peak MB'], 0)}"
                for s in names])
        t.row("repetitions", *[sizes[s]["repetitions"] for s in names])
        lines += ["## Data stages: ontrack against DuckDB, same CSV file, same figures", "", *t.lines, ""]

    builds = summary["builds"]
    if builds:
        names = list(builds)
        stages = list(dict.fromkeys(s for n in names for s in builds[n]["stages"]))
        t = Table(["cold build, stage (wall s, CPU s)", *names])
        for stage in stages:
            t.row(stage, *[f"{fmt(builds[n]['stages'].get(stage))} ({fmt(builds[n]['stages cpu'].get(stage))})"
                           for n in names])
        t.row("**whole cold build, wall (CPU, workers included)**",
              *[f"{fmt(builds[n]['cold wall'])} ({fmt(builds[n]['cold cpu'])})" for n in names])
        t.row("cold build peak memory (MB)", *[fmt(builds[n]["cold peak MB"], 0) for n in names])
        t.row("**rebuild with nothing changed, wall (CPU)**",
              *[f"{fmt(builds[n]['warm wall'])} ({fmt(builds[n]['warm cpu'])})" for n in names])
        t.row("**rebuild / cold build**",
              *[fmt(ratio(builds[n]["warm wall"], builds[n]["cold wall"]), 2) for n in names])
        t.row("pages / files", *[f"{builds[n]['pages']:,} / {builds[n]['files']:,}" for n in names])
        warm_stages = Table(["rebuild, stage (wall s)", *names])
        for stage in stages:
            warm_stages.row(stage, *[fmt(builds[n]["warm stages"].get(stage)) for n in names])
        lines += ["## ontrack build: cold (chart cache emptied), then again with nothing changed", "",
                  "Stage times are the build's own clock (`BuildSummary.timings`); the CPU in brackets is the build "
                  "process's own, without the worker processes it spawns (chart and package-validation workers), "
                  "which only the whole-process line includes.", "", *t.lines, "", *warm_stages.lines, ""]

    reports = summary.get("reports")
    if reports:
        names = list(reports)
        t = Table(["`ontrack reports`, the quality-reports stage", *names])
        t.row("reports laid out (providers x languages)", *[str(reports[n]["reports"]) for n in names])
        t.row("**all laid out again, wall (CPU) s**",
              *[f"{fmt(reports[n]['cold wall'])} ({fmt(reports[n]['cold cpu'])})" for n in names])
        t.row("per report, wall (CPU) s",
              *[f"{fmt(reports[n]['per report wall'], 2)} ({fmt(reports[n]['per report cpu'], 2)})" for n in names])
        t.row("**all from the cache, wall (CPU) s**",
              *[f"{fmt(reports[n]['warm wall'])} ({fmt(reports[n]['warm cpu'])})" for n in names])
        t.row("peak memory of that build (MB)", *[fmt(reports[n]["peak MB"], 0) for n in names])
        lines += ["## Quality reports: every report laid out, then every one from the cache", "",
                  "After the warm build: the rest of the build comes from its cache, so the stage's own clock is the "
                  "reports' cost.", "", *t.lines, ""]

    p = summary["pages"]
    if p:
        t = Table(["", "seconds"])
        t.row("ontrack: render_page over the programme pages (wall / CPU)",
              f"{fmt(p['render'], 2)} / {fmt(p['render cpu'], 2)}")
        t.row("ontrack: writing those pages to disk", fmt(p["write"], 2))
        t.row("ontrack: set-up, not counted (the build up to the site model)", fmt(p["setup"]))
        t.row("MkDocs: the whole `mkdocs build` process (wall / CPU)",
              f"{fmt(p['mkdocs wall'], 2)} / {fmt(p['mkdocs cpu'], 2)}")
        t.row("**ratio ontrack render / MkDocs**", fmt(ratio(p["render"], p["mkdocs wall"]), 2))
        t.row("ratio ontrack render + write / MkDocs",
              fmt(ratio((p["render"] or 0) + (p["write"] or 0), p["mkdocs wall"]), 2))
        t.row("ratio in CPU seconds", fmt(ratio(p["render cpu"], p["mkdocs cpu"]), 2))
        t.row("MkDocs peak memory (MB)", fmt(p["mkdocs peak MB"], 0))
        lines += [f"## {p['pages']:,} programme pages, charts off, against MkDocs building {p['mkdocs pages']:,} "
                  "Markdown pages", "", *t.lines, ""]
        if p["skipped in setup"]:
            lines += ["Skipped in the set-up, as no programme page shows them: " +
                      ", ".join(f"`{s}`" for s in p["skipped in setup"]) + ".", ""]

    t = Table(["target", "measured", "verdict"], align="lrl")
    for target in summary["targets"]:
        measured = (f"{fmt(target['measured'], 0)} MB" if target["unit"] == "MB" else fmt(target["measured"], 2))
        t.row(target["target"], measured, target["verdict"])
    lines += ["## Targets", "", *t.lines]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> None:
    path = Path(argv[0]) if argv else Path(__file__).resolve().parent / "results" / "latest.json"
    saved = json.loads(path.read_text())
    saved["summary"] = summarise(saved["runs"], saved["meta"]["options"])
    path.write_text(json.dumps(saved, indent=2))
    report = markdown(saved["summary"], saved["meta"])
    path.with_suffix(".md").write_text(report)
    print(report)


if __name__ == "__main__":
    main(sys.argv[1:])
