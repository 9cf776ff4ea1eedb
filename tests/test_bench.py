"""The benchmark runs end to end: a smoke run of every probe of ``bench/run.py`` on a tiny input.

The figures are meaningless at this size; what is checked is that each probe
(ontrack's data stages, DuckDB's, the programme pages, MkDocs, a cold and a warm
whole build, the check that DuckDB computes ontrack's cells) still runs against
today's code, and that what it reports is sane. A benchmark nobody runs breaks
unseen (issue 18: the whole-build probe did, when the build's stage clock changed).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

from conftest import GOLDEN_PROJECT, REPO

RECORDS, PROGRAMMES, PAGES = 3_000, 12, 20


def _small_project(tmp_path):
    """The golden project's content (2 profiles, 3 languages), which keeps whole builds short, with its attacker
    off, as in the repository's demo: at 3,000 records its rounds do not settle (README, "Privacy")."""
    project = tmp_path / "project"
    shutil.copytree(GOLDEN_PROJECT / "content", project / "content")
    shutil.copytree(GOLDEN_PROJECT / "datasets" / "reference", project / "datasets" / "reference")
    config = project / "content" / "site.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("attack = true", "attack = false"), encoding="utf-8")
    return project


def test_every_probe_of_the_benchmark_runs_and_reports_sane_figures(tmp_path):
    project = _small_project(tmp_path)
    results = tmp_path / "results"
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "run.py"), "--sizes", str(RECORDS), "--programmes", str(PROGRAMMES),
         "--repeat", "1", "--build-repeat", "1", "--pages", str(PAGES), "--pages-records", str(RECORDS),
         "--no-demo-rebuild", "--reports", "--project", str(project), "--work", str(tmp_path / "work"), "--results", str(results)],
        cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    report = json.loads((results / "latest.json").read_text())
    runs = report["runs"]
    assert set(runs) == {"verify", "data/3k", "duckdb/3k", "duckdb1/3k", "pages", "mkdocs",
                         "build-cold/3k", "build-warm/3k", "reports-cold/3k", "reports-warm/3k"}
    for key, measured in runs.items():
        assert len(measured) == 1, key
        run = measured[0]
        assert 0 < run["wall"] < 1800 and run["cpu"] > 0 and 20 < run["peak_mb"] < 4096, (key, run)
    assert runs["verify"][0]["result"]["ok"] is True  # DuckDB's query computes ontrack's cells
    assert runs["verify"][0]["result"]["cells"] > 1_000
    data = runs["data/3k"][0]["result"]
    assert 0.8 * RECORDS < data["records"] <= RECORDS and data["cells"] > 1_000  # about as many as asked for
    assert set(data["steps"]) == {"load and validate", "aggregate", "disclose"}
    assert runs["duckdb/3k"][0]["result"]["rows"] > 100 and runs["duckdb1/3k"][0]["result"]["threads"] == 1
    pages = runs["pages"][0]["result"]
    assert pages["pages"] == PAGES and pages["bytes"] > PAGES * 5_000 and pages["steps"]["render"] > 0
    cold, warm = runs["build-cold/3k"][0], runs["build-warm/3k"][0]
    assert cold["result"]["pages"] == warm["result"]["pages"] > 3 * PROGRAMMES
    assert cold["result"]["files"] == warm["result"]["files"]
    # Every stage is timed, in wall and CPU seconds, and the whole build is their sum.
    assert set(cold["result"]["steps"]) == set(cold["result"]["cpu"])
    assert "render charts" in cold["result"]["steps"] and "write, validate and audit" in cold["result"]["steps"]
    assert sum(cold["result"]["steps"].values()) < cold["wall"]
    # The quality reports: every one laid out (one per provider and language), then every one from the cache.
    made, cached = runs["reports-cold/3k"][0]["result"], runs["reports-warm/3k"][0]["result"]
    assert made["reports"]["made"] >= 3 and made["reports"]["cached"] == 0, made["reports"]
    assert cached["reports"] == {"made": 0, "cached": made["reports"]["made"]}
    assert made["cpu"]["quality reports"] > 0 and made["steps"]["quality reports"] > cached["steps"]["quality reports"]
    assert report["summary"]["reports"]["3k"]["reports"] == made["reports"]["made"]
    assert "Quality reports" in (results / "latest.md").read_text()
    assert warm["cpu"] < cold["cpu"]  # the cold build draws every chart; the warm one finds them in the cache
    # The report: medians and the ratios against DuckDB and MkDocs.
    summary = report["summary"]
    assert summary["sizes"]["3k"]["ontrack"]["aggregate and disclose"] > 0
    assert (results / "latest.md").read_text().count("|") > 20


def test_the_stage_memory_probe_builds_and_reports_every_stage(tmp_path):
    """``bench/stage_memory.py``, which gave README's 1M whole-build figures, still runs against today's build."""
    project = _small_project(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    subprocess.run([sys.executable, "-m", "generator.cli", "demo-data", "--out", str(tmp_path / "data"), "--records",
                    str(RECORDS), "--programmes", str(PROGRAMMES)], cwd=REPO, env=env, check=True, capture_output=True)
    done = subprocess.run([sys.executable, str(REPO / "bench" / "stage_memory.py"), "--data", str(tmp_path / "data"),
                           "--output", str(tmp_path / "out"), "--project", str(project)],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    lines = done.stdout.splitlines()
    measured = [line for line in lines if " s   peak " in line]
    stages = [line.split("  ")[0] for line in measured]
    assert stages[0] == "load and validate" and stages[-1] == "write, validate and audit" and "render charts" in stages
    for line in measured:
        main_mb, tree_mb = (int(n) for n in re.findall(r"(\d+) MB", line))
        assert tree_mb >= main_mb >= 0, line
    assert lines[-1].startswith("wall ") and "peak RSS" in lines[-1] and (tmp_path / "out" / "index.html").exists()
