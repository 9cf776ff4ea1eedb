"""Provider and field pages, "where can I study this", the cross-country page and the providers' quality reports.

Every figure a page shows is checked against the published cells of the disclosure stage (the SafeTable), read
here straight from its cells rather than through the pages' own lookup.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from collections import Counter

import pandas as pd
import pytest

from generator.build import CACHE_FOLDER, disclose, load_inputs
from generator.cache import BuildCache
from generator.i18n import ENGLISH
from generator.paths import slugify

OWN = ("EMP", "RELEVANT", "FT_SHARE", "EARN_MED", "COVERAGE")


def _text(fragment: str) -> str:
    """The words of an HTML fragment, as a reader sees them."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def _safe(project):
    """The project's SafeTable (from the build cache its build left), and its config."""
    inputs = load_inputs(project)
    safe, _report = disclose(inputs, BuildCache(project / CACHE_FOLDER))
    return safe, inputs


def _cell(safe, level, indicator, *, geo="", field="", programme="", provider="", cohort=None, months=None):
    cells = safe.cells
    pick = cells[(cells["level"] == level) & (cells["indicator"] == indicator) & (cells["geo"] == geo)
                 & (cells["field"] == field) & (cells["programme_code"] == programme)
                 & (cells["provider_code"] == provider) & (cells["cohort"] == (cohort or safe.pooled_label))
                 & (cells["months_after"] == (months or 12))]
    return pick.iloc[0] if len(pick) else None


def _expected(cell) -> str | None:
    """The value as a page writes it, or None when the cell is hidden (or absent)."""
    if cell is None or pd.isna(cell["value"]):
        return None
    if cell["kind"] == "rate":
        return ENGLISH.pct(float(cell["value"]) * 100)
    return ENGLISH.money(float(cell["value"]), cell["currency"])


def _assert_shows(text: str, cell, where: str) -> None:
    value = _expected(cell)
    if value is None:
        assert "not published" in text, f"{where}: a hidden cell must read 'not published': {text!r}"
        assert not re.search(r"\d%|\d EUR", text), f"{where}: a hidden cell shows a number: {text!r}"
    else:
        assert text.startswith(value), f"{where}: expected {value}, page says {text!r}"
        base = ENGLISH.count(int(cell["base_rounded"]))
        assert f"base {base} graduates" in text, f"{where}: base {base} missing from {text!r}"


@pytest.fixture(scope="module")
def demo(demo_project, demo_build):
    safe, inputs = _safe(demo_project)
    return safe, inputs, demo_build


def test_every_provider_and_field_of_the_demo_has_a_page_in_every_language(demo):
    _safe_table, inputs, site = demo
    providers = list(inputs.package.providers["provider_code"])
    fields = set(inputs.package.programmes["isced_f"]) | {c[:2] for c in inputs.package.programmes["isced_f"]}
    assert len(providers) > 50 and len(fields) > 10
    for prefix in ("", "nl/", "fr/"):
        for code in providers:
            assert (site / f"{prefix}providers/{slugify(code)}/index.html").is_file(), (prefix, code)
        for code in fields:
            assert (site / f"{prefix}fields/{code}/index.html").is_file(), (prefix, code)
    index = (site / "providers" / "index.html").read_text(encoding="utf-8")
    assert all(f'href="{slugify(c)}/index.html"' in index for c in providers)


def test_provider_pages_show_the_safe_tables_figures(demo):
    """The provider's own figures and, for each of its programmes, the programme, its field in the country and
    the country: each equal to the published cell, hidden ones as 'not published'."""
    safe, inputs, site = demo
    programmes = inputs.package.programmes.set_index("programme_code")
    offered = inputs.package.offered_by()
    checked = 0
    for p in inputs.package.providers.itertuples():
        page = (site / "providers" / slugify(p.provider_code) / "index.html").read_text(encoding="utf-8")
        for indicator in OWN:
            dd = re.search(rf'data-indicator="{indicator}"><dt>.*?</dt><dd>(.*?)</dd>', page, re.S).group(1)
            _assert_shows(_text(dd), _cell(safe, "provider", indicator, geo=p.geo, provider=p.provider_code),
                          f"{p.provider_code} {indicator}")
        mine = [code for code, by in offered.items() if p.provider_code in by]
        articles = re.findall(r'<article class="provider-programme".*?</article>', page, re.S)
        assert len(articles) == len(mine), p.provider_code
        for article in articles:
            code = re.search(r'<span class="code">([^<]+)</span>', article).group(1)
            geo, field = programmes.loc[code, "geo"], programmes.loc[code, "isced_f"][:2]
            for indicator in OWN:
                row = re.search(rf'<tr data-indicator="{indicator}">(.*?)</tr>', article, re.S).group(1)
                for unit, dims in (("programme", {"geo": geo, "field": field, "programme": code}),
                                   ("country_field", {"geo": geo, "field": field}), ("country", {"geo": geo})):
                    td = re.search(rf'data-unit="{unit}">(.*?)</td>', row, re.S).group(1)
                    _assert_shows(_text(td), _cell(safe, unit, indicator, **dims), f"{code} {unit} {indicator}")
                    checked += 1
    assert checked > 1000


def test_field_pages_show_the_safe_tables_figures(demo):
    safe, inputs, site = demo
    programmes = inputs.package.programmes
    for broad in sorted({c[:2] for c in programmes["isced_f"]}):
        page = (site / "fields" / broad / "index.html").read_text(encoding="utf-8")
        geos = sorted(set(programmes.loc[programmes["isced_f"].str[:2] == broad, "geo"]))
        rows = dict(re.findall(r'<tr data-unit="([^"]+)">(.*?)</tr>', page, re.S))
        assert set(rows) == {*geos, "all"}, broad
        for unit, row in rows.items():
            cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
            for indicator, td in zip(("EMP", "RELEVANT", "FT_SHARE", "COVERAGE"), cells, strict=True):
                cell = (_cell(safe, "field", indicator, field=broad) if unit == "all"
                        else _cell(safe, "country_field", indicator, geo=unit, field=broad))
                _assert_shows(_text(td), cell, f"field {broad} {unit} {indicator}")
        # Every programme of the field is in its list, and no other.
        listed = set(re.findall(r'name="p" value="([^"]+)"', page))
        assert listed == set(programmes.loc[programmes["isced_f"].str[:2] == broad, "programme_code"])


def test_a_provider_whose_programmes_are_all_hidden_reads_sensibly(demo):
    """Found from the SafeTable, not named: a provider none of whose programmes' headline figures is published."""
    safe, inputs, site = demo
    offered = inputs.package.offered_by()
    programmes = inputs.package.programmes.set_index("programme_code")
    found = []
    for p in inputs.package.providers.itertuples():
        mine = [code for code, by in offered.items() if p.provider_code in by]
        if mine and all(_expected(_cell(safe, "programme", i, geo=p.geo, field=programmes.loc[c, "isced_f"][:2],
                                        programme=c)) is None for c in mine for i in OWN):
            found.append(p.provider_code)
    assert found, "the demo should have a provider whose programmes are all hidden"
    for code in found:
        page = (site / "providers" / slugify(code) / "index.html").read_text(encoding="utf-8")
        text = _text(page)
        assert "None of the figures of this provider's own programmes can be published" in text
        assert "Not published on this page, and why:" in text
        # The field in the country is still shown beside each programme (where it is published).
        assert re.search(r'data-unit="country_field">\s*<span class="fig-value">', page), code
        assert not re.search(r'data-unit="programme">\s*<span class="fig-value">', page), code


def test_programme_pages_say_where_to_study_it_and_list_similar_programmes_by_the_stated_rule(demo):
    _safe_table, inputs, site = demo
    programmes = inputs.package.programmes.set_index("programme_code")
    offered = inputs.package.offered_by()
    checked = 0
    for code, p in programmes.iterrows():
        page = (site / "programmes" / slugify(code) / "index.html").read_text(encoding="utf-8")
        assert "Where can I study this?" in page
        assert re.findall(r'<li data-provider="([^"]+)">', page) == list(offered.get(code, ()))
        similar = re.findall(r'<li data-programme="([^"]+)">', page)
        same = programmes[(programmes["isced_f"] == p.isced_f) & (programmes["eqf_level"] == p.eqf_level)]
        expected = set(same.index) - {code}
        assert set(similar) <= expected and len(similar) == min(len(expected), 8), code
        # Same country first.
        countries = [programmes.loc[s, "geo"] == p.geo for s in similar]
        assert countries == sorted(countries, reverse=True), code
        checked += bool(similar)
    assert checked > 50


def test_the_cross_country_page_shows_the_reference_figures_and_only_them(demo):
    _safe_table, inputs, site = demo
    page = (site / "countries" / "eu-target" / "index.html").read_text(encoding="utf-8")
    assert "Real reference figures." in page and "82%" in _text(page)
    rows = dict(re.findall(r'<tr data-unit="([^"]+)">(.*?)</tr>', page, re.S))
    reference = inputs.benchmark
    assert set(rows) == set(reference["geo"])
    for r in reference.itertuples():
        assert f'<a href="{html.escape(r.source_url)}"' in rows[r.geo] or f'<a href="{r.source_url}"' in rows[r.geo]
        assert ENGLISH.pct(float(r.value)) in _text(rows[r.geo]), (r.geo, r.year)
    shown = re.findall(r"\d+\.\d%", _text("".join(rows.values())).replace(" points", ""))
    assert Counter(shown) <= Counter(ENGLISH.pct(float(v)) for v in reference["value"]) + Counter(
        ENGLISH.pct(abs(float(v) - 82.0)) for v in reference["value"])
    # Linked from the countries index.
    assert 'href="eu-target/index.html"' in (site / "countries" / "index.html").read_text(encoding="utf-8")


# -- the quality reports ---------------------------------------------------------------------------------


def run(*args: str) -> str:
    tool = shutil.which(args[0])
    assert tool, f"{args[0]} is needed: apt-get install poppler-utils (tests/install.sh does it)"
    return subprocess.run([tool, *args[1:]], capture_output=True, text=True, check=True).stdout


def test_the_default_build_makes_no_report_and_links_none(golden_build):
    assert not list(golden_build.rglob("*.pdf")) or all(p.name == "ontrack-guide.pdf" for p in golden_build.rglob("*.pdf"))
    for page in golden_build.glob("providers/*/index.html"):
        assert "quality-report" not in page.read_text(encoding="utf-8")


def _figure_tokens(text: str) -> Counter:
    """Every percentage, amount of money and base a text states (a table cell may wrap before "graduates")."""
    return Counter(re.findall(r"\d[\d,]*\.\d%|\d[\d,]* EUR|base \d[\d,]*", text))


def test_each_report_is_tagged_titled_and_states_the_provider_pages_figures(reports_build):
    pages = sorted(reports_build.glob("providers/*/index.html"))
    compared = 0
    for page_path in pages:
        page = page_path.read_text(encoding="utf-8")
        name = re.search(r'<a href="([^"]+\.pdf)" download>', page).group(1)
        pdf = page_path.parent / name
        assert name.endswith("-en.pdf") and pdf.is_file()
        info = run("pdfinfo", str(pdf))
        assert re.search(r"^Tagged:\s+yes$", info, re.M), pdf
        provider = _text(re.search(r"<h1>(.*?)</h1>", page).group(1))
        assert re.search(rf"^Title:\s+Quality report: {re.escape(provider)}$", info, re.M), info
        text = run("pdftotext", str(pdf), "-")
        # The page's own figures, each programme's table and the trend tables (not the chart's description).
        parts = [re.search(r'<section class="headline".*?</section>', page, re.S).group(0)]
        parts += re.findall(r'<article class="provider-programme".*?</article>', page, re.S)
        parts += re.findall(r'<table class="trend.*?</table>', page, re.S)
        on_page = _figure_tokens(_text(" ".join(parts)))
        in_pdf = _figure_tokens(re.sub(r"\s+", " ", text))
        compared += bool(on_page)
        missing = on_page - in_pdf
        assert not missing, f"{pdf.name}: on the page, not in the report: {dict(missing)}"
        # A hidden figure is as often "not published" in the report as on the page (words may wrap in a cell).
        assert re.sub(r"\s+", " ", text).count("not published") >= _text(" ".join(parts)).count("not published")
        assert provider in text and "Questions for the review team" in text
    assert compared >= 2, "the golden site should have providers with published figures"


def _lang_of(pdf) -> bytes | None:
    import zlib

    data = pdf.read_bytes()
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            data += zlib.decompress(stream)
        except zlib.error:
            pass
    found = re.search(rb"/Lang \((\w+)\)", data)
    return found.group(1) if found else None


def test_reports_in_every_language_name_their_language(reports_build):
    providers = {p.parent.name for p in reports_build.glob("providers/*/index.html")}
    for slug in providers:
        for code in ("en", "nl", "fr"):
            pdf = reports_build / "providers" / slug / f"quality-report-{slug}-{code}.pdf"
            assert pdf.is_file(), pdf
            assert _lang_of(pdf) == code.encode(), pdf
    nl = next(reports_build.glob("providers/*/quality-report-*-nl.pdf"))
    assert "Vragen voor het evaluatieteam" in run("pdftotext", str(nl), "-")


def test_report_pdfs_are_audited_and_hold_no_record_identifier(reports_build, golden_project):
    from generator.build import audit

    breaches, _findings = audit(reports_build, golden_project, golden_project / "datasets" / "graduates")
    assert not breaches, breaches[:5]


def test_the_new_pages_link_to_files_that_exist(demo):
    """Downloads (data packages) and links from provider, field and cross-country pages all resolve."""
    _safe_table, _inputs, site = demo
    pages = [next(site.glob("providers/*/index.html")), site / "fields" / "07" / "index.html",
             site / "countries" / "eu-target" / "index.html", site / "providers" / "index.html",
             site / "fields" / "index.html"]
    for page in pages:
        for target in re.findall(r'href="([^"#?:]+)"', page.read_text(encoding="utf-8")):
            assert (page.parent / target).resolve().exists(), (page, target)


def test_a_provider_without_graduates_in_the_release_says_so_instead_of_showing_empty_figures(golden_build):
    """The golden code list has providers that no graduate record names (found, not named, here)."""
    empty = [p for p in golden_build.glob("providers/*/index.html")
             if 'class="provider-programme"' not in p.read_text(encoding="utf-8")]
    assert empty
    for path in empty:
        page = path.read_text(encoding="utf-8")
        assert "No graduates of this provider are in this release, so it has no figures here." in page
        assert "not published" not in _text(re.search(r'<section class="headline".*?</section>', page, re.S).group(0))
        assert 'class="chart' not in page and 'class="trend' not in page


# -- the new pages in search and compare (in Chromium, over HTTP) ----------------------------------------------


def _chosen(page) -> list[str]:
    """The programme pages (absolute URLs) of the programmes the compare page shows."""
    page.wait_for_selector("#compare-table table", timeout=15000)
    return page.eval_on_selector_all("#compare-table .compare-chosen li .compare-name a", "els => els.map(a => a.href)")


def test_compare_takes_the_programmes_of_a_provider_page(browser, demo_site, demo_build):
    from browser import PageWatch

    pages = sorted(demo_build.glob("providers/*/index.html"))
    path = max(pages, key=lambda p: (p.read_text(encoding="utf-8").count('class="provider-programme"'), p.name))
    page = browser.new_page()
    watch = PageWatch(page, demo_site)
    try:
        page.goto(demo_site + path.relative_to(demo_build).as_posix())
        offered = page.eval_on_selector_all("article.provider-programme h3 a", "els => els.map(a => a.href)")
        assert len(offered) >= 2
        page.get_by_role("link", name="Compare these programmes").click()
        assert _chosen(page) == offered[:6]
        watch.assert_clean()
    finally:
        page.close()


def test_compare_takes_programmes_ticked_in_a_field_pages_list(browser, demo_site, demo_build):
    from browser import PageWatch

    page = browser.new_page()
    watch = PageWatch(page, demo_site)
    try:
        page.goto(demo_site + "fr/fields/07/index.html")
        rows = page.locator("#programme-table tbody tr")
        assert rows.count() >= 2
        ticked = [rows.nth(i).locator("th a").evaluate("a => a.href") for i in (0, 1)]
        for i in (0, 1):
            rows.nth(i).locator("input[name=p]").check()
        page.locator(".compare-tray button[type=submit]").click()
        page.wait_for_url(re.compile(r"/fr/compare/index\.html\?p="))
        assert _chosen(page) == ticked
        watch.assert_clean()
    finally:
        page.close()


@pytest.mark.parametrize("kind", ["provider", "field", "eu target"])
def test_search_finds_the_provider_field_and_cross_country_pages(browser, demo_site, demo_build, kind):
    """Each new kind of page is in the search index and comes up for its own name."""
    from browser import PageWatch

    target = {"provider": sorted(demo_build.glob("providers/*/index.html"))[0],
              "field": demo_build / "fields" / "071" / "index.html",
              "eu target": demo_build / "countries" / "eu-target" / "index.html"}[kind]
    query = _text(re.search(r"<h1>(.*?)</h1>", target.read_text(encoding="utf-8"), re.S).group(1))
    page = browser.new_page()
    watch = PageWatch(page, demo_site)
    try:
        page.goto(demo_site + "search/index.html?q=" + query.replace(" ", "+"))
        page.wait_for_selector("#search-results li a", timeout=15000)
        links = page.eval_on_selector_all("#search-results li a", "els => els.map(a => a.getAttribute('href'))")
        wanted = "/" + target.parent.relative_to(demo_build).as_posix() + "/"
        assert any(wanted in link for link in links), (query, links)
        watch.assert_clean()
    finally:
        page.close()
