"""Fuzzing: random and mutated inputs never make the loaders raise anything but the project's own errors."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.config import load_config, parse_config
from generator.errors import InputError
from generator.inputs.content import parse_country, parse_document
from generator.inputs.package import load_input_package

from conftest import REPO, graduate, write_package

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
COUNTRY = (REPO / "content" / "countries" / "EE.md").read_text(encoding="utf-8")


@FUZZ
@given(st.binary(max_size=400))
def test_any_site_toml_bytes(tmp_path_factory, data):
    project = tmp_path_factory.mktemp("cfg")
    (project / "content").mkdir()
    (project / "content" / "site.toml").write_bytes(data)
    try:
        load_config(project)
    except InputError:
        pass


toml_values = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=10),
                                     st.dates()),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                           max_leaves=8)


@FUZZ
@given(st.dictionaries(st.sampled_from(["site", "data", "disclosure", "indicators", "other"]),
                       st.dictionaries(st.sampled_from(["title", "min_base", "secondary", "languages", "release_date",
                                                        "package", "pooled_cohorts", "x"]), toml_values, max_size=4)
                       | toml_values, max_size=4))
def test_any_config_structure(raw):
    try:
        parse_config(raw, "content/site.toml")
    except InputError:
        pass


def _mutations():
    """A valid country profile with bytes flipped, inserted, deleted or cut."""
    return st.tuples(st.lists(st.tuples(st.integers(0, len(COUNTRY) - 1), st.sampled_from(["flip", "insert", "delete"]),
                                        st.characters()), max_size=6), st.integers(0, len(COUNTRY)))


@FUZZ
@given(_mutations())
def test_mutated_country_profiles(mutation):
    edits, cut = mutation
    text = list(COUNTRY[:max(cut, 1)])
    for position, kind, char in edits:
        position = min(position, len(text) - 1)
        if kind == "flip":
            text[position] = char
        elif kind == "insert":
            text.insert(position, char)
        elif len(text) > 1:
            del text[position]
    try:
        parse_country("".join(text), "content/countries/EE.md")
    except InputError:
        pass


@FUZZ
@given(st.text(max_size=300))
def test_any_page_text(text):
    try:
        parse_document(text, "content/pages/about.md", needs_order=False)
    except InputError:
        pass


@FUZZ
@given(st.lists(st.tuples(st.integers(0, 10_000), st.binary(min_size=0, max_size=3)), max_size=5), st.integers(0, 10_000))
def test_mutated_graduate_files(tmp_path_factory, edits, cut):
    folder = write_package(tmp_path_factory.mktemp("pkg"), [graduate(i) for i in range(5)])
    path = folder / "graduates.csv"
    data = bytearray(path.read_bytes())
    for position, replacement in edits:
        position %= max(len(data), 1)
        data[position:position + 1] = replacement
    path.write_bytes(bytes(data[:max(cut, 0)]) if cut < len(data) else bytes(data))
    try:
        load_input_package(folder, folder.parent)
    except InputError:
        pass
