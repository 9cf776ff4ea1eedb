"""The privacy audit finds what must never be published, in what a build actually wrote."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from click.testing import CliRunner

from generator.audit import audit_output
from generator.build import build
from generator.cli import main
from generator.config import DisclosureOptions
from generator.errors import BuildError

from test_cli import tree_hash


@pytest.fixture
def site_copy(demo_build, tmp_path):
    copy = tmp_path / "site"
    shutil.copytree(demo_build, copy)
    return copy


def _record_ids(demo_project):
    return set(pd.read_csv(demo_project / "datasets" / "demo" / "graduates.csv", usecols=["record_id"], dtype=str)
               ["record_id"])


def test_the_demo_build_passes(demo_build, demo_project):
    assert audit_output(demo_build, DisclosureOptions(), _record_ids(demo_project)) == []


def test_a_record_identifier_anywhere_is_found(site_copy, demo_project):
    rid = sorted(_record_ids(demo_project))[0]
    page = site_copy / "about" / "index.html"
    page.write_text(page.read_text().replace("</main>", f"<p>{rid}</p></main>"))
    breaches = audit_output(site_copy, DisclosureOptions(), _record_ids(demo_project))
    assert [(b.file, b.code) for b in breaches] == [("about/index.html", "record-id")]


def _edit_indicators(site, change):
    path = site / "data" / "indicators.csv"
    cells = pd.read_csv(path, dtype=str, keep_default_na=False)
    change(cells)
    cells.to_csv(path, index=False, lineterminator="\n")


def test_a_hidden_cell_with_a_value_is_found(site_copy):
    def reveal(cells):
        i = cells.index[cells.flag == "c"][0]
        cells.loc[i, "value"] = "50.0"
    _edit_indicators(site_copy, reveal)
    rules = {b.code for b in audit_output(site_copy, DisclosureOptions())}
    assert "hidden-not-empty" in rules


def test_unrounded_and_small_bases_are_found(site_copy):
    def spoil(cells):
        shown = cells.index[(cells.flag == "") & (cells.unit == "percent")]
        cells.loc[shown[0], "base_rounded"] = "123"
        cells.loc[shown[1], "base_rounded"] = "10"
    _edit_indicators(site_copy, spoil)
    rules = sorted(b.code for b in audit_output(site_copy, DisclosureOptions()))
    assert rules == ["small-base", "unrounded"]


def test_a_lone_hidden_part_of_a_published_total_is_found(site_copy):
    def unhide_one_of_two(cells):
        # Find two secondary-suppressed programme cells under one published country_field total and publish one.
        hidden = cells[(cells.level == "programme") & (cells.suppression_reason == "SECONDARY")]
        i = hidden.index[0]
        cells.loc[i, ["value", "base_rounded", "flag", "suppression_reason"]] = ["50.0", "30", "", ""]
    _edit_indicators(site_copy, unhide_one_of_two)
    rules = {b.code for b in audit_output(site_copy, DisclosureOptions())}
    assert "recoverable" in rules


def test_a_build_that_would_leak_fails_and_keeps_the_previous_output(demo_project, demo_build, tmp_path):
    project = tmp_path / "proj"
    shutil.copytree(demo_project, project, ignore=shutil.ignore_patterns("output"))
    rid = sorted(_record_ids(demo_project))[1]
    (project / "templates").mkdir()
    (project / "templates" / "404.html").write_text(
        '{% extends "base.html" %}{% block main %}<p>' + rid + '</p>{% endblock %}')
    out = tmp_path / "out"
    shutil.copytree(demo_build, out)
    before = tree_hash(out)
    with pytest.raises(BuildError, match="privacy audit failed"):
        build(project, out)
    assert tree_hash(out) == before


def test_audit_command(demo_build, demo_project, site_copy):
    runner = CliRunner()
    ok = runner.invoke(main, ["audit", str(demo_build), "--project", str(demo_project),
                              "--data", str(demo_project / "datasets" / "demo")])
    assert ok.exit_code == 0 and "no breach found" in ok.output
    def reveal(cells):
        cells.loc[cells.index[cells.flag == "c"][0], "value"] = "7.0"
    _edit_indicators(site_copy, reveal)
    bad = runner.invoke(main, ["audit", str(site_copy), "--project", str(demo_project)])
    assert bad.exit_code == 1


def test_a_provider_published_beside_all_but_one_of_its_programmes_is_found(site_copy):
    # Publish one provider total that disclosure control hid for its programmes (its figures add up from
    # theirs, as data/programme_providers.csv says): the audit must read the offers and find it.
    offers = pd.read_csv(site_copy / "data" / "programme_providers.csv", dtype=str)
    cells = pd.read_csv(site_copy / "data" / "indicators.csv", dtype=str, keep_default_na=False)
    keys = ["cohort", "months_after", "indicator"]
    programmes = cells[cells.level == "programme"].merge(offers[["programme_code", "provider_code"]],
                                                         on="programme_code", suffixes=("_x", ""))
    lone = programmes.groupby(["provider_code", *keys])["flag"].apply(lambda f: (f == "c").sum() == 1)
    providers = cells[(cells.level == "provider") & (cells.suppression_reason == "SECONDARY")]
    chosen = providers[[lone.get((p, *k), False) for p, *k in providers[["provider_code", *keys]].itertuples(index=False)]]
    assert len(chosen), "the demo has a provider hidden to protect a lone hidden programme"
    rules = {b.code for b in audit_output(site_copy, DisclosureOptions())}
    assert "recoverable" not in rules
    i = chosen.index[0]

    def publish_it(frame):
        frame.loc[i, ["value", "base_rounded", "flag", "suppression_reason"]] = ["50", "100", "", ""]
    _edit_indicators(site_copy, publish_it)
    found = [b for b in audit_output(site_copy, DisclosureOptions()) if b.code == "recoverable"]
    assert any("offers" in b.message for b in found)
    # Without the offers table the same file passes: the table is what the audit reads them from.
    (site_copy / "data" / "programme_providers.csv").unlink()
    assert not [b for b in audit_output(site_copy, DisclosureOptions()) if "offers" in b.message]
