"""The build cache: a rebuild from the cache makes the same bytes as a build from scratch, and never a stale one."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from generator.audit import audit_output
from generator.build import CACHE_FOLDER, build, disclose, load_inputs
from generator.cache import MISSING, BuildCache, active, cache_key, memoised
from generator.cli import main
from generator.config import DisclosureOptions
from generator.publish.packages import csv_bytes
from generator.publish.tables import indicator_tables

from conftest import GOLDEN_PROJECT, graduate, write_package
from test_cli import tree_hash


def _graduates() -> list[dict]:
    """Two cohorts of electricians at 12 months: 60 and 40 observed, enough for published rates."""
    rows = [graduate(i, status="EMP" if i % 4 else "UNE") for i in range(60)]
    rows += [graduate(1000 + i, cohort=2022, status="EMP" if i % 3 else "INA") for i in range(40)]
    return rows


@pytest.fixture(scope="module")
def small_project(tmp_path_factory):
    """The golden project's content and reference figures with a smaller input package (few charts, quick builds)."""
    root = tmp_path_factory.mktemp("cached-project")
    shutil.copytree(GOLDEN_PROJECT / "content", root / "content")
    shutil.copytree(GOLDEN_PROJECT / "datasets" / "reference", root / "datasets" / "reference")
    write_package(root / "data", _graduates())
    return root


@pytest.fixture(scope="module")
def cold_build(small_project, tmp_path_factory):
    """The small project built with no cache at all: the reference every cached build must equal."""
    output = tmp_path_factory.mktemp("cold") / "site"
    build(small_project, output, small_project / "data", use_cache=False)
    assert not (small_project / CACHE_FOLDER).exists()
    return output


def test_a_rebuild_from_the_cache_gives_the_same_bytes_as_a_cold_build(small_project, cold_build, tmp_path):
    first = build(small_project, tmp_path / "first", small_project / "data")
    again = build(small_project, tmp_path / "again", small_project / "data")
    assert tree_hash(tmp_path / "first") == tree_hash(cold_build) == tree_hash(tmp_path / "again")
    assert first.charts_rendered > 0 and again.charts_rendered == 0
    assert sum(again.cache_misses.values()) == 0
    # (Chart designs are kept in this process too, so the test process does not read them back.)
    for kind in ("disclosure", "publish", "validation", "audit", "charts", "markdown", "search-index",
                 "vega-bundle", "guide-pdf"):
        assert again.cache_hits.get(kind, 0) > 0, kind


def _entries(cache_folder) -> set[str]:
    return {p.relative_to(cache_folder).as_posix() for p in cache_folder.rglob("*") if p.is_file()}


def test_after_a_change_the_cache_holds_only_what_the_new_input_needs(small_project, tmp_path):
    # The same project twice: one builds the old data then the changed data, the other the changed data only.
    changed, fresh = tmp_path / "changed", tmp_path / "fresh"
    for project in (changed, fresh):
        shutil.copytree(small_project, project, ignore=shutil.ignore_patterns(CACHE_FOLDER))
    build(changed, tmp_path / "old-site", changed / "data")
    rows = _graduates()
    rows[1] = graduate(1, status="UNE")
    for project in (changed, fresh):
        write_package(project / "data", rows)
    build(changed, tmp_path / "new-site", changed / "data")
    build(fresh, tmp_path / "fresh-site", fresh / "data")
    # Every kind (the chart SVGs, the PDFs and the bundle among them) keeps no entry of the old data. (Chart
    # designs are left out: this process keeps them once made, so only its first build reads the cache for them.)
    assert ({e for e in _entries(changed / CACHE_FOLDER) if not e.startswith("chart-design/")}
            == {e for e in _entries(fresh / CACHE_FOLDER) if not e.startswith("chart-design/")})
    assert any(entry.startswith("charts/") for entry in _entries(fresh / CACHE_FOLDER))


def test_the_cache_is_reached_one_way_only():
    """Only generator/cache.py reads and writes the cache's files; every other step is handed a BuildCache."""
    import ast
    from pathlib import Path

    import generator

    for path in Path(generator.__file__).parent.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.arg):
                assert node.arg != "cache_dir", f"{path}: a cache folder passed as a path"
            if isinstance(node, ast.ImportFrom) and node.module and node.module.endswith("cache") and node.level:
                names = {alias.name for alias in node.names}
                assert not names & {"read_checked", "write_checked", "_read_checked", "_write_checked"}, path


def test_prune_keeps_the_used_entries_and_the_kinds_not_used(tmp_path):
    earlier = BuildCache(tmp_path)
    for kind, key in (("charts", "a"), ("charts", "b"), ("reports", "r")):
        earlier.store(kind, key, b"x")
    (tmp_path / "charts" / "old-layout.svg").write_bytes(b"<svg/>")  # a file of an older cache layout
    (tmp_path / "charts" / ".b.123.tmp").write_bytes(b"")  # another build's entry, still being written
    latest = BuildCache(tmp_path)
    assert latest.load("charts", "b") == b"x"
    latest.prune()
    assert _entries(tmp_path) == {"charts/b.pickle", "charts/.b.123.tmp", "reports/r.pickle"}


def test_a_damaged_cache_is_computed_again_and_changes_nothing(small_project, cold_build, tmp_path):
    build(small_project, tmp_path / "fill", small_project / "data")
    entries = [p for p in (small_project / CACHE_FOLDER).rglob("*") if p.is_file()]
    for n, path in enumerate(entries):
        data = bytearray(path.read_bytes())
        if n % 2:
            data[-1] ^= 0xFF          # one flipped bit pattern at the end
            path.write_bytes(bytes(data))
        else:
            path.write_bytes(bytes(data[: len(data) // 2]))  # cut short, as by a full disk
    summary = build(small_project, tmp_path / "site", small_project / "data")
    assert tree_hash(tmp_path / "site") == tree_hash(cold_build)
    assert summary.charts_rendered == summary.charts
    assert summary.cache_misses["disclosure"] == summary.cache_misses["publish"] == 1


def test_a_changed_graduate_changes_the_published_figures(small_project, cold_build, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(small_project, project)  # with its cache, filled by the builds above
    rows = _graduates()
    rows[1] = graduate(1, status="UNE")  # one employed graduate fewer
    write_package(project / "data", rows)
    summary = build(project, tmp_path / "site", project / "data")
    assert summary.cache_misses["disclosure"] == 1 and summary.cache_misses["publish"] == 1
    published = (tmp_path / "site" / "data" / "indicators.csv").read_bytes()
    assert published != (cold_build / "data" / "indicators.csv").read_bytes()
    # ... and are the figures of the changed records, computed without any cache.
    safe, _ = disclose(load_inputs(project, project / "data"))
    assert published == csv_bytes(indicator_tables(safe)["indicators"].frame)


def test_build_prints_plain_progress_and_a_summary_when_not_on_a_terminal(small_project, tmp_path):
    result = CliRunner().invoke(main, ["build", str(small_project), "--output", str(tmp_path / "site"),
                                       "--data", str(small_project / "data"), "--workers", "1"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any(line.strip().startswith("aggregate and disclose") and line.endswith(" s") for line in lines)
    audit_lines = [line.strip() for line in lines if line.strip().startswith("privacy audit:")]
    assert audit_lines and audit_lines[-1].split(": ")[1].split("/")[0] == audit_lines[-1].split("/")[1]
    assert "\r" not in result.output and "\x1b" not in result.output  # no bar, no terminal codes
    assert any(line.startswith("Built ") and " charts (" in line and "from the cache)" in line for line in lines)
    assert any(line.startswith("Cache hits: ") for line in lines)


# -- the cache itself ------------------------------------------------------------------------------------

def test_an_entry_reads_back_only_when_intact(tmp_path):
    cache = BuildCache(tmp_path)
    key = cache_key("test", b"input bytes", 3)
    cache.store("kind", key, {"value": [1, 2]})
    assert cache.load("kind", key) == {"value": [1, 2]}
    entry = tmp_path / "kind" / f"{key}.pickle"
    entry.write_bytes(entry.read_bytes()[:-1] + b"\x00")
    assert cache.load("kind", key) is MISSING
    assert cache.hits["kind"] == 1 and cache.misses["kind"] == 1


def test_every_part_of_a_key_counts():
    assert cache_key("a", b"1") != cache_key("a", b"2")
    assert cache_key("ab", "c") != cache_key("a", "bc")
    assert cache_key(DisclosureOptions()) != cache_key(DisclosureOptions(min_base=30))


def test_memoised_values_are_kept_only_within_an_active_cache(tmp_path):
    calls = []

    def compute():
        calls.append(1)
        return "value"

    assert memoised("kind", ("x",), compute) == "value"
    with active(BuildCache(tmp_path)):
        assert memoised("kind", ("x",), compute) == memoised("kind", ("x",), compute) == "value"
    assert len(calls) == 2


def test_the_audit_reports_a_breach_on_every_run_and_rechecks_what_changed(tmp_path):
    site, cache = tmp_path / "site", BuildCache(tmp_path / "cache")
    site.mkdir()
    (site / "index.html").write_text("<p>g0000001x</p>")
    (site / "about.html").write_text("<p>g0000002x</p>")
    for _ in range(2):  # a breach is never remembered as a pass
        assert [b.file for b in audit_output(site, DisclosureOptions(), {"g0000001x"}, cache=cache)] == ["index.html"]
    (site / "index.html").write_text("<p>fixed</p>")
    assert audit_output(site, DisclosureOptions(), {"g0000001x"}, cache=cache) == []
    # about.html passed with those record identifiers; with others, its same bytes are read again.
    assert [b.file for b in audit_output(site, DisclosureOptions(), {"g0000002x"}, cache=cache)] == ["about.html"]
