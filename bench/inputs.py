"""The benchmark's inputs, made once under ``bench/work/`` and reused: demo data, a project, an MkDocs site."""

from __future__ import annotations

import csv
import json
import shutil
import sys
from pathlib import Path

from measure import REPO, measure, say

SEED = 2024


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


def bench_project(work: Path, source: Path = REPO) -> Path:
    """A project folder of its own (``source``'s content and reference figures, the repository's by default), so
    that emptying its chart cache for a cold build never touches the cache of someone building that site."""
    project = work / "project"
    for name in ("content", "datasets/reference"):
        shutil.rmtree(project / name, ignore_errors=True)
        shutil.copytree(source / name, project / name)
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


