"""Languages: complete catalogues, one folder per language, the right lang, switcher and hreflang, locale numbers."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from generator import catalogue, i18n
from generator.build import load_inputs
from generator.errors import InputError
from generator.i18n import Language

from conftest import GOLDEN_PROJECT

OTHER = ("nl", "fr")


def _ids(catalog) -> set:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}


def test_the_template_holds_every_message_the_code_and_templates_use():
    with i18n.POT.open("rb") as pot:
        committed = _ids(read_po(pot))
    extracted = _ids(catalogue.extract())
    assert extracted - committed == set(), "run: ontrack catalogue extract && ontrack catalogue update --builtin"
    assert committed - extracted == set(), "messages nobody uses any more: run extract and update"


@pytest.mark.parametrize("code", OTHER)
def test_every_message_is_translated(code):
    assert catalogue.untranslated(code) == []


@pytest.mark.parametrize("code", OTHER)
def test_translations_keep_their_placeholders_and_tags(code):
    with i18n.catalogue_path(code).open("rb") as po:
        catalog = read_po(po, locale=code)
    wrong = []
    for message in catalog:
        if not message.id:
            continue
        source = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        for text in strings:
            for pattern in (r"%\([a-z_]+\)s", r"\{[a-z_]+\}", r"</?[a-z]+"):
                if sorted(re.findall(pattern, source)) != sorted(re.findall(pattern, text)):
                    wrong.append((source, text))
    assert wrong == []


def test_numbers_follow_the_locale():
    assert Language("en", "").pct(81.23) == "81.2%"
    assert Language("nl", "nl/").pct(81.23) == "81,2%"
    assert Language("fr", "fr/").pct(81.23) == "81,2\u00a0%"
    assert Language("fr", "fr/").count(12500) == "12\u202f500"


def test_a_language_without_a_catalogue_is_refused(tmp_path):
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "site.toml").write_text('[site]\nlanguages = ["en", "xx"]\n', encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_inputs(tmp_path)
    message = "\n".join(err.value.lines())
    assert "site.languages" in message and "no catalogue for 'xx'" in message


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.lang, self.alternates, self.switcher, self.in_switcher = None, {}, {}, False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        elif tag == "link" and a.get("rel") == "alternate" and "hreflang" in a:
            self.alternates[a["hreflang"]] = a["href"]
        elif tag == "nav" and "languages" in (a.get("class") or ""):
            self.in_switcher = True
        elif tag == "a" and self.in_switcher:
            self.switcher[a["hreflang"]] = a["href"]

    def handle_endtag(self, tag):
        if tag == "nav":
            self.in_switcher = False


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def _language_of(relative: str) -> str:
    first = relative.split("/", 1)[0]
    return first if first in OTHER else "en"


def test_every_page_exists_in_every_language_with_the_right_lang_and_links(golden_build):
    pages = sorted(p.relative_to(golden_build).as_posix() for p in golden_build.rglob("*.html")
                   if not p.relative_to(golden_build).as_posix().startswith("pagefind/"))
    english = [p for p in pages if _language_of(p) == "en" and p != "404.html"]
    assert len(english) >= 20  # the golden site's 24, as a guard against a glob that finds nothing
    for code in OTHER:
        assert {p.removeprefix(f"{code}/") for p in pages if _language_of(p) == code} == set(english)
    for relative in pages:
        page = _parse(golden_build / relative)
        assert page.lang == _language_of(relative), relative
        if relative == "404.html":
            continue
        key = relative.split("/", 1)[1] if _language_of(relative) != "en" else relative
        expected = {"en": key, "nl": f"nl/{key}", "fr": f"fr/{key}"}
        for links in (page.switcher, {k: v for k, v in page.alternates.items() if k != "x-default"}):
            assert set(links) == set(expected), relative
            for code, href in links.items():
                target = (golden_build / relative).parent / href
                assert target.resolve() == (golden_build / expected[code]).resolve(), (relative, code, href)


def _text(path: Path) -> str:
    html = path.read_text(encoding="utf-8")
    # Only ASCII white space is collapsed: the no-break space before a French % must stay.
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html))


def _a_programme(site: Path) -> str:
    return sorted(p.parent.name for p in (site / "programmes").glob("*/index.html"))[0]


def test_french_and_dutch_pages_speak_their_language_and_format_numbers(golden_build):
    slug = _a_programme(golden_build)
    en = _text(golden_build / "programmes" / slug / "index.html")
    fr = _text(golden_build / "fr" / "programmes" / slug / "index.html")
    nl = _text(golden_build / "nl" / "programmes" / slug / "index.html")
    fr_lang, nl_lang = Language("fr", "fr/"), Language("nl", "nl/")
    assert "Where graduates went" in en
    assert fr_lang.gettext("Where graduates went") in fr and "Where graduates went" not in fr
    assert nl_lang.gettext("Where graduates went") in nl and "Where graduates went" not in nl
    # Programme figures on small bases are whole points: "81 %" in French, "81%" in Dutch.
    assert re.search(r"\d\u00a0%", fr), "French percentages such as 81 %"
    assert re.search(r"\d%", nl) and not re.search(r"\d\.\d%", nl), "Dutch percentages such as 81,2%"
    # Chart titles and descriptions are translated too.
    assert fr_lang.gettext("Is the job related to the training?") in fr


def test_untranslated_content_says_so_and_translated_content_is_used(golden_build):
    about_nl = (golden_build / "nl" / "about" / "index.html").read_text(encoding="utf-8")
    assert 'class="note untranslated"' not in about_nl
    methodology_fr = (golden_build / "fr" / "methodology" / "index.html").read_text(encoding="utf-8")
    assert 'class="note untranslated"' in methodology_fr and '<div class="prose" lang="en">' in methodology_fr
    assert Language("fr", "fr/").gettext("This page has not been translated yet: its text is shown in English.") \
        in methodology_fr


def test_adding_a_language_takes_only_a_catalogue(tmp_path, tiny_package):
    """The documented steps: init a catalogue in the project, translate it, list the language; the build then
    has /de/ pages, and ontrack's own catalogues are left as they were (an installed copy may not be written)."""
    from click.testing import CliRunner

    from generator.build import build
    from generator.cli import main

    project = tmp_path / "project"
    shutil.copytree(GOLDEN_PROJECT / "content", project / "content")
    built_in = sorted(p.relative_to(i18n.LOCALE_DIR) for p in i18n.LOCALE_DIR.rglob("*"))
    result = CliRunner().invoke(main, ["catalogue", "init", "de", str(project)])
    assert result.exit_code == 0, result.output
    assert sorted(p.relative_to(i18n.LOCALE_DIR) for p in i18n.LOCALE_DIR.rglob("*")) == built_in
    path = project / "locale" / "de" / "LC_MESSAGES" / "messages.po"
    assert f"Wrote {path}" in result.output
    # One message translated, so that the test can see the catalogue at work.
    text = path.read_text(encoding="utf-8")
    text = re.sub(r'msgid "(Where graduates went)"\nmsgstr ""', r'msgid "\1"\nmsgstr "Wohin die Absolventen gingen"',
                  text)
    path.write_text(text, encoding="utf-8")
    shutil.copytree(GOLDEN_PROJECT / "datasets" / "reference", project / "datasets" / "reference")
    toml = (project / "content" / "site.toml").read_text(encoding="utf-8")
    toml = re.sub(r"languages = \[.*\]", 'languages = ["en", "de"]', toml)
    (project / "content" / "site.toml").write_text(toml, encoding="utf-8")
    build(project, tmp_path / "out", data=tiny_package)
    page = (tmp_path / "out" / "de" / "programmes" / "at-071-4-001" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="de">' in page and "Wohin die Absolventen gingen" in page
    assert "80\u00a0%" in page  # 40 of 50 employed, in German notation


def test_a_project_catalogue_comes_first_and_the_built_in_one_fills_its_gaps(tmp_path):
    """A project's locale/nl may reword one message; every other Dutch message still comes from ontrack."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    catalog = Catalog(locale="nl")
    catalog.add("Where graduates went", "Waar de gediplomeerden terechtkwamen")
    path = i18n.catalogue_path("nl", tmp_path / "locale")
    path.parent.mkdir(parents=True)
    with path.open("wb") as po:
        write_po(po, catalog)
    dutch = i18n.site_languages(["en", "nl"], i18n.project_locale(tmp_path))[1]
    shipped = Language("nl", "nl/")
    assert dutch.gettext("Where graduates went") == "Waar de gediplomeerden terechtkwamen"
    assert shipped.gettext("Where graduates went") != "Waar de gediplomeerden terechtkwamen"
    assert dutch.gettext("not published") == shipped.gettext("not published") != "not published"


def test_catalogue_init_refuses_an_unknown_locale_and_an_existing_catalogue(tmp_path):
    from click.testing import CliRunner

    from generator.cli import main

    (tmp_path / "content").mkdir()
    assert CliRunner().invoke(main, ["catalogue", "init", "de", str(tmp_path)]).exit_code == 0
    again = CliRunner().invoke(main, ["catalogue", "init", "de", str(tmp_path)])
    assert again.exit_code == 1 and "exists already" in again.output
    unknown = CliRunner().invoke(main, ["catalogue", "init", "qq", str(tmp_path)])
    assert unknown.exit_code == 1 and "not a locale Babel knows" in unknown.output
    assert sorted(p.name for p in (tmp_path / "locale").iterdir()) == ["de"]


def test_money_is_written_one_way_as_each_locale_writes_it():
    assert Language("en", "").money(1850.4, "EUR") == "€1,850"
    assert Language("nl", "nl/").money(1850.4, "EUR") == "€\u00a01.850"
    assert Language("fr", "fr/").money(1850.4, "EUR") == "1\u202f850\u00a0€"
    assert Language("en", "").money(1850, "PLN") == "1,850 PLN"  # no symbol in English: the code, after
    assert Language("en", "").money(None, "EUR") == "not published"


def test_a_semicolon_has_a_non_breaking_space_before_it_in_french_only():
    en, nl, fr = (Language(code, "") for code in ("en", "nl", "fr"))
    assert en.semicolons(["a, b", "c"]) == nl.semicolons(["a, b", "c"]) == "a, b; c"
    assert fr.semicolons(["a, b", "c"]) == "a, b\u00a0; c"


def test_french_messages_keep_a_non_breaking_space_before_high_punctuation():
    # A plain space before ";", ":", "?" or "!" (or inside guillemets) lets a line break there: the page at 320 px
    # showed "pourcentage" at the end of one line and "; une cellule vide" at the start of the next.
    path = Path(i18n.__file__).parent / "locale" / "fr" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as f:
        catalogue = read_po(f)
    plain = [m.id for m in catalogue if m.id and any(re.search(r" [;:?!»]|« ", s)
                                                      for s in ([m.string] if isinstance(m.string, str) else m.string))]
    assert plain == []
