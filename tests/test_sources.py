"""A country profile's sources: the front-matter forms content.py accepts, the problems it names, and how a
profile page cites each source in English, Dutch and French."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from generator.errors import InputError
from generator.i18n import Language
from generator.inputs.content import Source, parse_country
from generator.render import partial_date, template_environment

FRONT = """---
geo: AT
name: Austria
timeline: []
bodies: [Statistics Austria]
data_sources: {{type: administrative, details: [registers]}}
time_points_months: [18]
coverage: [IVET]
indicators: [labour market status]
figures: []
cedefop_ids: []
sources:
{sources}
confidence: high
last_reviewed: 2026-11-22
---

## How graduates are tracked

Text.
"""


def _profile(sources: str):
    return parse_country(FRONT.format(sources=sources), "content/countries/AT.md")


def _problems(sources: str) -> list[tuple]:
    with pytest.raises(InputError) as caught:
        _profile(sources)
    return [(p.file, p.row, p.field, p.code) for p in caught.value.problems]


def test_a_bare_url_is_still_accepted_and_has_nothing_to_cite_it_by():
    (source,) = _profile("- https://www.statistik.at/en/").sources
    assert source == Source(url="https://www.statistik.at/en/") and source.bare


def test_a_cited_source_keeps_what_is_known_and_leaves_the_rest_empty():
    sources = _profile("""- url: https://example.org/report
  title: Monitoring report
  language: de
  publisher: Statistics Austria
  published: 2024-01
  accessed: 2026-11-22
- url: https://example.org/page
  description: page on the register
  publisher: Statistics Austria
  accessed: 2026-11-20""").sources
    assert sources[0] == Source("https://example.org/report", "Monitoring report", "", "de", "Statistics Austria",
                                "2024-01", "", dt.date(2026, 11, 22))
    assert (sources[1].title, sources[1].description, sources[1].published) == ("", "page on the register", "")


@pytest.mark.parametrize("item, expected", [
    ("- url: https://example.org/\n  title: T\n  accessed: 2026-11-22", (13, "sources[0].publisher", "missing-key")),
    ("- url: https://example.org/\n  publisher: P\n  accessed: 2026-11-22", (13, "sources[0].title", "missing-key")),
    ("- url: https://example.org/\n  title: T\n  publisher: P", (13, "sources[0].accessed", "missing-key")),
    ("- url: https://example.org/\n  title: T\n  publisher: P\n  published: last spring\n  accessed: 2026-11-22",
     (13, "sources[0].published", "front-matter")),
    ("- url: https://example.org/\n  title: T\n  publisher: P\n  published: 2027\n  accessed: 2026-11-22",
     (13, "sources[0].published", "front-matter")),
    ("- url: https://example.org/\n  title: T\n  publisher: P\n  accessed: 2026-12-01",
     (13, "sources[0].accessed", "accessed-after-review")),
    ("- url: https://example.org/\n  title: T\n  publisher: P\n  accessed: 2026-11-22\n  author: X",
     (13, "sources[0].author", "unknown-key")),
    ("- https://example.org/\n- url: https://example.org/\n  title: T\n  publisher: P\n  accessed: 2026-11-22",
     (14, "sources[1].url", "duplicate-source")),
    ("- ftp://example.org/", (13, "sources[0]", "front-matter")),
    ("- 42", (13, "sources[0]", "front-matter")),
])
def test_a_bad_source_is_named_by_file_line_and_item(item, expected):
    assert ("content/countries/AT.md", *expected) in _problems(item)


@pytest.mark.parametrize("code, month, day", [("en", "May 2023", "10 May 2023"), ("nl", "mei 2023", "10 mei 2023"),
                                              ("fr", "mai 2023", "10 mai 2023")])
def test_a_date_is_written_out_only_as_far_as_it_is_known(code, month, day):
    language = Language(code, "")
    assert [partial_date(v, language) for v in ("2023", "2023-05", "2023-05-10")] == ["2023", month, day]


def _citation(source: Source, code: str) -> str:
    env = template_environment(None, Language(code, ""))
    html = env.from_string('{% from "_source.html" import citation with context %}{{ citation(s) }}').render(s=source)
    return re.sub(r"\s+", " ", html).strip()


@pytest.mark.parametrize("code, undated, accessed", [("en", "(n.d.)", "Accessed 22 November 2026."),
                                                     ("nl", "(z.d.)", "Geraadpleegd op 22 november 2026."),
                                                     ("fr", "(s.d.)", "Consulté le 22 novembre 2026.")])
def test_a_profile_page_cites_publisher_date_title_address_and_access(code, undated, accessed):
    titled = Source("https://example.org/r", title="Monitoring report", language="de", publisher="Statistik Austria",
                    published="2024-01", edition="Tables compiled on 18 January 2024", accessed=dt.date(2026, 11, 22))
    text = _citation(titled, code)
    assert text.startswith('<span class="source-publisher">Statistik Austria</span> (')
    assert '<cite lang="de">Monitoring report</cite>' in text and "Tables compiled on 18 January 2024" in text
    assert '<a href="https://example.org/r">https://example.org/r</a>' in text and text.endswith(accessed)
    described = _citation(Source("https://example.org/p", description="page on the register", publisher="P",
                                 accessed=dt.date(2026, 11, 22)), code)
    assert undated in described and "page on the register</span>]" in described and "<cite" not in described
    # Our own words are English: marked so on a page in another language.
    assert ('lang="en"' in described) == (code != "en")
    assert _citation(Source("https://example.org/b"), code) == '<a href="https://example.org/b">https://example.org/b</a>'
