"""Checks on the country profiles in content/countries/*.md.

Each profile is YAML front matter plus a Markdown body. The front matter must
carry exactly the agreed keys with the agreed types, and its facts (geo,
timeline, sources and the other copied fields) must match the reference file
tests/reference/countries.yaml. The body must be real prose: long enough,
no placeholder text, no raw HTML, and links only to the entry's own sources.

Uses only PyYAML and the standard library.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
COUNTRIES_DIR = REPO / "content" / "countries"
REFERENCE = Path(__file__).resolve().parent / "reference" / "countries.yaml"

REQUIRED_KEYS = [
    "geo",
    "name",
    "system_name",
    "national_system",
    "timeline",
    "bodies",
    "data_sources",
    "time_points_months",
    "coverage",
    "indicators",
    "figures",
    "cedefop_ids",
    "related_cedefop_entries",
    "sources",
    "confidence",
    "last_reviewed",
]
TIMELINE_STATUSES = {"Design", "Pilot", "Implementation", "Completed"}
# Related (non-tracking) Cedefop entries may also end as "Discontinued" (LT).
RELATED_STATUSES = TIMELINE_STATUSES | {"Discontinued"}
CONFIDENCE = {"high", "medium", "low"}
SPECIAL_NAMES = {
    "BE-VLG": "Belgium (Flemish Community)",
    "BE-FR": "Belgium (French Community)",
}
MIN_WORDS = 150
PLACEHOLDER = re.compile(r"\bTODO\b|\bTBD\b|lorem\s+ipsum|coming soon|\bxxx\b|\bFIXME\b", re.IGNORECASE)
RAW_HTML = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>")
MD_LINK = re.compile(r"\]\(([^)\s]+)\)")
FRONT_MATTER = re.compile(r"\A---\r?\n(.*?)\r?\n---\r?\n(.*)\Z", re.DOTALL)


def _load_reference() -> list[dict]:
    return yaml.safe_load(REFERENCE.read_text(encoding="utf-8"))


REFERENCE_ENTRIES = _load_reference()
REFERENCE_BY_GEO = {entry["geo"]: entry for entry in REFERENCE_ENTRIES}
GEOS = [entry["geo"] for entry in REFERENCE_ENTRIES]


def _split(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    match = FRONT_MATTER.match(text)
    assert match, f"{path.name}: no front matter between '---' lines at the top"
    meta = yaml.safe_load(match.group(1))
    assert isinstance(meta, dict), f"{path.name}: front matter is not a mapping"
    return meta, match.group(2)


@pytest.fixture(scope="module", params=GEOS)
def profile(request):
    geo = request.param
    path = COUNTRIES_DIR / f"{geo}.md"
    assert path.is_file(), f"missing country profile {path}"
    meta, body = _split(path)
    return geo, meta, body, REFERENCE_BY_GEO[geo]


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_str_list(value) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)


def _normalise_statuses(items) -> list[tuple[int, str, int]]:
    return [(int(s["year"]), s["status"], int(s["cedefop_id"])) for s in items or []]


def _check_statuses(items, allowed, where):
    assert isinstance(items, list), f"{where}: must be a list"
    for item in items:
        assert isinstance(item, dict), f"{where}: items must be mappings"
        assert list(item) == ["year", "status", "cedefop_id"], f"{where}: keys {list(item)}"
        assert _is_int(item["year"]) and 2000 <= item["year"] <= 2030, f"{where}: bad year {item['year']!r}"
        assert item["status"] in allowed, f"{where}: bad status {item['status']!r}"
        assert _is_int(item["cedefop_id"]), f"{where}: cedefop_id must be an int"


# ---------------------------------------------------------------- inventory


def test_reference_is_readable():
    assert REFERENCE.is_file(), REFERENCE
    assert len(GEOS) == len(set(GEOS)) == 30


def test_every_reference_geo_has_a_file():
    missing = [g for g in GEOS if not (COUNTRIES_DIR / f"{g}.md").is_file()]
    assert not missing, f"missing profiles: {missing}"


def test_no_stray_country_files():
    # A translation (NL.nl.md, BE-FR.fr.md) belongs to the profile named before its language.
    stray = sorted(p.name for p in COUNTRIES_DIR.glob("*.md") if p.stem.split(".")[0] not in REFERENCE_BY_GEO)
    assert not stray, f"profiles with no reference entry: {stray}"


# ------------------------------------------------------------- front matter


def test_keys_exact_and_ordered(profile):
    geo, meta, _, _ = profile
    assert list(meta) == REQUIRED_KEYS, f"{geo}: keys {list(meta)}"


def test_types(profile):
    geo, meta, _, _ = profile
    assert isinstance(meta["geo"], str)
    assert isinstance(meta["name"], str) and meta["name"].strip()
    assert meta["system_name"] is None or (isinstance(meta["system_name"], str) and meta["system_name"].strip())
    assert isinstance(meta["timeline"], list)
    assert _is_str_list(meta["bodies"]) and meta["bodies"], f"{geo}: bodies"
    ds = meta["data_sources"]
    assert isinstance(ds, dict) and list(ds) == ["type", "details"], f"{geo}: data_sources keys"
    assert isinstance(ds["type"], str) and ds["type"].strip()
    assert _is_str_list(ds["details"])
    assert isinstance(meta["time_points_months"], list)
    assert all(_is_int(m) and 0 < m <= 240 for m in meta["time_points_months"]), f"{geo}: time points"
    assert _is_str_list(meta["coverage"])
    assert _is_str_list(meta["indicators"])
    assert isinstance(meta["figures"], list)
    for fig in meta["figures"]:
        assert isinstance(fig, dict) and list(fig) == ["indicator", "cohort", "value"], f"{geo}: figure keys"
        assert isinstance(fig["indicator"], str) and fig["indicator"].strip()
        assert isinstance(fig["cohort"], str) and fig["cohort"].strip(), f"{geo}: cohort must be a string"
        assert _is_number(fig["value"]), f"{geo}: figure value must be a number"
    assert isinstance(meta["cedefop_ids"], list) and all(_is_int(i) for i in meta["cedefop_ids"])
    assert isinstance(meta["related_cedefop_entries"], list)
    for rel in meta["related_cedefop_entries"]:
        assert isinstance(rel, dict) and list(rel) == ["id", "topic", "statuses"], f"{geo}: related keys"
        assert _is_int(rel["id"]) and isinstance(rel["topic"], str)
    assert isinstance(meta["sources"], list) and meta["sources"], f"{geo}: sources"
    assert meta["confidence"] in CONFIDENCE, f"{geo}: confidence {meta['confidence']!r}"
    assert isinstance(meta["last_reviewed"], dt.date) and not isinstance(meta["last_reviewed"], dt.datetime), (
        f"{geo}: last_reviewed must be a YAML date"
    )


def test_statuses_and_years(profile):
    geo, meta, _, _ = profile
    _check_statuses(meta["timeline"], TIMELINE_STATUSES, f"{geo}: timeline")
    for rel in meta["related_cedefop_entries"]:
        _check_statuses(rel["statuses"], RELATED_STATUSES, f"{geo}: related {rel['id']}")


def _source_urls(meta) -> list[str]:
    return [s["url"] if isinstance(s, dict) else s for s in meta["sources"]]


def test_sources_are_urls(profile):
    geo, meta, _, _ = profile
    for url in _source_urls(meta):
        assert isinstance(url, str) and url == url.strip() and " " not in url, f"{geo}: {url!r}"
        parts = urlparse(url)
        assert parts.scheme in {"http", "https"} and parts.netloc, f"{geo}: not an http(s) URL: {url!r}"
    assert len(_source_urls(meta)) == len(set(_source_urls(meta))), f"{geo}: duplicate sources"


def test_every_source_can_be_cited(profile):
    """Each source names its publisher, its title (or, where none could be established, a description in
    its place), the day it was accessed (not after the profile's last review) and, where known, its date."""
    geo, meta, _, _ = profile
    for source in meta["sources"]:
        assert isinstance(source, dict), f"{geo}: {source!r} is a bare URL, with nothing to cite it by"
        assert source.get("publisher"), f"{geo}: {source['url']} has no publisher"
        assert bool(source.get("title")) != bool(source.get("description")), \
            f"{geo}: {source['url']} needs its title or, where none was established, a description"
        assert isinstance(source.get("accessed"), dt.date), f"{geo}: {source['url']} has no access date"
        assert source["accessed"] <= meta["last_reviewed"], f"{geo}: {source['url']} accessed after the review"
        if "published" in source:
            assert re.fullmatch(r"\d{4}(-\d\d(-\d\d)?)?", str(source["published"])), f"{geo}: {source['published']!r}"


# ------------------------------------------------------- facts vs reference


def test_geo_and_name_match_reference(profile):
    geo, meta, _, ref = profile
    assert meta["geo"] == ref["geo"] == geo
    assert meta["name"] == SPECIAL_NAMES.get(geo, ref["name"])


def test_timeline_matches_reference(profile):
    geo, meta, _, ref = profile
    assert _normalise_statuses(meta["timeline"]) == _normalise_statuses(ref["statuses"]), geo


def test_sources_match_reference(profile):
    geo, meta, _, ref = profile
    assert _source_urls(meta) == ref["sources"], geo


def test_other_facts_match_reference(profile):
    geo, meta, _, ref = profile
    assert meta["system_name"] == ref["system_name"], geo
    assert meta["bodies"] == ref["bodies"], geo
    assert meta["data_sources"] == ref["data_sources"], geo
    assert meta["time_points_months"] == ref["time_points_months"], geo
    assert meta["coverage"] == ref["coverage"], geo
    assert meta["indicators"] == ref["indicators"], geo
    assert meta["cedefop_ids"] == ref["cedefop_ids"], geo
    assert meta["confidence"] == ref["confidence"], geo
    ref_figures = [(f["indicator"], str(f["cohort"]), float(f["value"])) for f in ref["figures"]]
    got_figures = [(f["indicator"], f["cohort"], float(f["value"])) for f in meta["figures"]]
    assert got_figures == ref_figures, geo
    ref_related = [
        (r["id"], r["topic"], _normalise_statuses(r["statuses"])) for r in ref["related_cedefop_entries"]
    ]
    got_related = [
        (r["id"], r["topic"], _normalise_statuses(r["statuses"])) for r in meta["related_cedefop_entries"]
    ]
    assert got_related == ref_related, geo


# ---------------------------------------------------------------------- body


def test_body_is_substantial(profile):
    geo, _, body, _ = profile
    assert body.strip(), f"{geo}: empty body"
    words = re.findall(r"\w+", re.sub(MD_LINK, "]", body))
    assert len(words) >= MIN_WORDS, f"{geo}: body has {len(words)} words, need {MIN_WORDS}"


def test_body_has_no_placeholders_or_html(profile):
    geo, _, body, _ = profile
    hit = PLACEHOLDER.search(body)
    assert not hit, f"{geo}: placeholder text {hit.group(0)!r}"
    tag = RAW_HTML.search(body)
    assert not tag, f"{geo}: raw HTML {tag.group(0)!r}"


def test_body_headings_start_at_level_two(profile):
    geo, _, body, _ = profile
    headings = re.findall(r"^(#+)\s", body, flags=re.MULTILINE)
    assert headings, f"{geo}: no headings"
    assert all(len(h) >= 2 for h in headings), f"{geo}: level-1 heading in body"


def test_body_links_only_to_entry_sources(profile):
    geo, meta, body, _ = profile
    for url in MD_LINK.findall(body):
        assert url in _source_urls(meta), f"{geo}: body links to {url!r}, not one of the entry's sources"


NATIONAL_SYSTEMS = {"runs", "partial", "general", "none"}


def test_national_system_is_stated_and_fits_the_timeline(profile):
    """The maps colour by national_system: every profile states it, and it cannot contradict the Timeline."""
    geo, meta, _, _ = profile
    assert meta["national_system"] in NATIONAL_SYSTEMS, f"{geo}: national_system {meta['national_system']!r}"
    if meta["timeline"] and meta["timeline"][-1]["status"] == "Implementation":
        assert meta["national_system"] == "runs", f"{geo}: the Timeline says Implementation"
    if meta["national_system"] == "runs":
        assert meta["system_name"], f"{geo}: a running system has a name"


def test_no_profile_was_reviewed_after_the_release_it_appears_in(profile):
    """'Last reviewed' is the day the sources were checked: never later than the release date in site.toml."""
    import tomllib

    geo, meta, _, _ = profile
    release = tomllib.loads((REPO / "content" / "site.toml").read_text(encoding="utf-8"))["site"]["release_date"]
    assert meta["last_reviewed"] <= release, f"{geo}: reviewed {meta['last_reviewed']}, released {release}"
