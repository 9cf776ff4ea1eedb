"""Shared fixtures: tiny hand-made input packages whose figures a reader can check by hand."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from generator.schemas import INPUT_RESOURCES, field_names, table_schema

REPO = Path(__file__).resolve().parents[1]
#: The address the tests' copy of the demo project is served from (the repository's demo has none).
DEMO_BASE_URL = "https://example.org/ontrack/"
#: The golden project: two countries, six programmes, three languages; its built site is tests/golden/expected/.
GOLDEN_PROJECT = REPO / "tests" / "golden" / "project"

PROGRAMMES = [
    {"programme_code": "AT-071-4-001", "geo": "AT", "name": "Electrician", "isced_f": "071", "eqf_level": "4",
     "isced_level": "354", "work_based": "true", "duration_months": "36", "description": ""},
    {"programme_code": "AT-101-3-002", "geo": "AT", "name": "Cook", "isced_f": "101", "eqf_level": "3",
     "isced_level": "353", "work_based": "false", "duration_months": "24", "description": ""},
]
PROVIDERS = [{"provider_code": "AT-P001", "geo": "AT", "name": "Riverside Vocational School", "kind": "SCHOOL"}]


def graduate(i: int, *, programme="AT-071-4-001", cohort=2023, months=12, source="ADMIN", contact="MATCHED",
             status="EMP", in_education="false", **extra) -> dict:
    """One observation row with sensible defaults for an employed, matched graduate."""
    row = {name: "" for name in field_names("graduates")}
    row.update(record_id=f"g{i:07d}x", geo="AT", programme_code=programme, provider_code="AT-P001",
               cohort_year=str(cohort), months_after=str(months), source=source, contact=contact, sex="F",
               lm_status=status, in_education=in_education)
    if status == "EMP":
        row.update(employment_type="EMPLOYEE", work_regime="FT", nace_section="F", months_employed="10")
    if status == "UNK":
        row["in_education"] = ""
    row.update({k: str(v) for k, v in extra.items()})
    return row


def write_package(folder: Path, graduates: list[dict], programmes=None, providers=None,
                  extra_columns: dict | None = None) -> Path:
    """Write an input data package with the canonical schemas; ``extra_columns`` adds columns to graduates."""
    folder.mkdir(parents=True, exist_ok=True)
    tables = {"programmes": programmes or PROGRAMMES, "providers": providers or PROVIDERS, "graduates": graduates}
    resources = []
    for name in INPUT_RESOURCES:
        rows = tables[name]
        columns = field_names(name) + (list(extra_columns) if name == "graduates" and extra_columns else [])
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            for row in rows:
                writer.writerow({**row, **(extra_columns or {})} if name == "graduates" else row)
        resources.append({"name": name, "path": f"{name}.csv", "format": "csv", "schema": table_schema(name)})
    (folder / "datapackage.json").write_text(json.dumps({"name": "test", "resources": resources}), encoding="utf-8")
    return folder


@pytest.fixture
def tiny_package(tmp_path):
    """Forty employed and ten unemployed electricians, cohort 2023, observed at 12 months."""
    rows = [graduate(i) for i in range(40)] + [graduate(100 + i, status="UNE") for i in range(10)]
    return write_package(tmp_path / "pkg", rows)


@pytest.fixture(scope="session")
def demo_project(tmp_path_factory):
    """A copy of the repository's demo project (content, datasets, site.toml) to build in.

    Its build is 643 pages (a minute or more): for tests that need its size or its thirty countries; the golden
    project (``golden_project``) is the small one.
    """
    root = tmp_path_factory.mktemp("project")
    for name in ("content", "datasets"):
        shutil.copytree(REPO / name, root / name)
    # The repository's demo has no address (its build names no placeholder); the sitemap and DCAT-AP tests need
    # one, so this copy is given the address the tests check against.
    config = root / "content" / "site.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('base_url = ""', f'base_url = "{DEMO_BASE_URL}"', 1),
                      encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def demo_build(demo_project, tmp_path_factory):
    """The demo site, built once for the whole session."""
    from generator.build import build

    output = tmp_path_factory.mktemp("built") / "site"
    build(demo_project, output)
    return output


@pytest.fixture(scope="session")
def golden_project(tmp_path_factory):
    """A copy of the golden project to build in (a build keeps its cache beside the content)."""
    root = tmp_path_factory.mktemp("golden") / "project"
    shutil.copytree(GOLDEN_PROJECT, root)
    return root


@pytest.fixture(scope="session")
def golden_build(golden_project, tmp_path_factory):
    """The golden site, built once for the whole session; dated by its site.toml, whatever the environment says."""
    from generator.build import build

    output = tmp_path_factory.mktemp("golden-built") / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)
        build(golden_project, output)
    return output


#: npm packages the tests use (tests/package.json): `npm ci --prefix tests` installs them; tests/run.sh does.
NODE_MODULES = REPO / "tests" / "node_modules"


def _node_file(relative: str) -> Path:
    path = NODE_MODULES / relative
    if not path.is_file():
        pytest.fail(f"{path} is missing: run `npm ci --prefix tests --ignore-scripts` (bash tests/run.sh does it)")
    return path


@pytest.fixture(scope="session")
def axe_script() -> Path:
    """axe-core's browser script, to inject into a page."""
    return _node_file("axe-core/axe.min.js")


@pytest.fixture(scope="session")
def vnu_jar() -> Path:
    """The Nu HTML Checker (vnu-jar), run with Java."""
    return _node_file("vnu-jar/build/dist/vnu.jar")


@pytest.fixture(scope="session")
def reports_build(golden_project, golden_build, tmp_path_factory):
    """The golden site built by `ontrack reports` (the default build leaves the reports out)."""
    from click.testing import CliRunner

    from generator.cli import main

    output = tmp_path_factory.mktemp("reports") / "site"
    result = CliRunner().invoke(main, ["reports", str(golden_project), "--output", str(output)])
    assert result.exit_code == 0, result.output
    return output


@pytest.fixture(scope="session")
def demo_site(demo_build):
    """The demo site served over HTTP on 127.0.0.1; yields its base URL (ending in /)."""
    from browser import serve

    with serve(demo_build) as base:
        yield base


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright, one for the whole session (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    from browser import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
