"""The French guide and site pages: every translated file is shown in French, with French typography.

The repository's own guide chapters and pages are built into a copy of the golden project (its small
data keep the build quick), and each /fr/ page whose text has a ``*.fr.md`` translation is read back.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from test_guide_content import fact_skeleton, split_front_matter

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
GOLDEN_PROJECT = ROOT / "tests" / "golden" / "project"

#: What the French site must show in French: the guide's chapters 1 to 11 and the site's pages.
TRANSLATED = {
    "guide": ["01-why-track", "02-legal-basis-and-data-protection", "03-choosing-sources", "04-survey-protocol",
              "05-preparing-data", "06-indicators", "07-disclosure-control",
              "08-publishing-and-closing-the-loop", "09-template-core-questionnaire",
              "10-template-data-sharing-checklist", "11-template-tracking-calendar"],
    "pages": ["about", "accessibility", "changelog", "methodology", "privacy"],
}
CASES = [(kind, stem) for kind, stems in TRANSLATED.items() for stem in stems]
UNTRANSLATED_NOTE = 'class="note untranslated"'
NBSP = "\u00a0"


def _front_title(path: Path) -> str:
    match = re.search(r'^title:\s*"(.*)"\s*$', path.read_text(encoding="utf-8"), re.M)
    assert match, f"{path.relative_to(ROOT)} has no title"
    return match.group(1)


def _page(kind: str, stem: str) -> str:
    slug = re.sub(r"^\d+-", "", stem)
    return f"guide/{slug}/index.html" if kind == "guide" else f"{slug}/index.html"


@pytest.fixture(scope="module")
def french_site(tmp_path_factory):
    """The golden project with the repository's guide and pages (every language) in place of its own, built."""
    from generator.build import build

    root = tmp_path_factory.mktemp("french") / "project"
    shutil.copytree(GOLDEN_PROJECT, root)
    for kind in TRANSLATED:
        shutil.rmtree(root / "content" / kind)
        shutil.copytree(CONTENT / kind, root / "content" / kind)
    output = root.parent / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)
        build(root, output)
    return output


@pytest.mark.parametrize("kind, stem", CASES, ids=[f"{k}/{s}" for k, s in CASES])
def test_the_french_file_exists_beside_its_original(kind, stem):
    assert (CONTENT / kind / f"{stem}.md").is_file(), f"{kind}/{stem}.md: the English original is gone"
    assert (CONTENT / kind / f"{stem}.fr.md").is_file(), f"{kind}/{stem}.fr.md: no French translation"


def _grouped(text: str) -> str:
    """Digit groups as one number: French writes 2,000 as "2 000" (a non-breaking space), as in EN 301 549."""
    return re.sub(r"(?<=\d)[ \u00a0\u202f](?=\d{3}\b)", ",", text)


@pytest.mark.parametrize("kind, stem", CASES, ids=[f"{k}/{s}" for k, s in CASES])
def test_the_french_text_keeps_every_link_figure_code_heading_and_table(kind, stem):
    """The same skeleton check as the Dutch one (test_guide_content): only the sentences change."""
    meta, body = split_front_matter(CONTENT / kind / f"{stem}.fr.md")
    assert set(meta) == {"title", "summary"}, "a translation's front matter has its title and summary only"
    english = split_front_matter(CONTENT / kind / f"{stem}.md")[1]
    expected, found = fact_skeleton(_grouped(english)), fact_skeleton(_grouped(body))
    for part in expected:
        assert found[part] == expected[part], f"{kind}/{stem}.fr.md: its {part} differ from {stem}.md"


@pytest.mark.parametrize("kind, stem", CASES, ids=[f"{k}/{s}" for k, s in CASES])
def test_the_french_page_is_shown_in_french(french_site, kind, stem):
    """No "not translated" notice, no English-marked body, and the French title in the heading."""
    page = (french_site / "fr" / _page(kind, stem)).read_text(encoding="utf-8")
    assert UNTRANSLATED_NOTE not in page, f"/fr/{_page(kind, stem)} says it is not translated"
    assert '<div class="prose" lang="en">' not in page
    h1 = html.unescape(re.sub(r"<[^>]+>", "", re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1)))
    assert _front_title(CONTENT / kind / f"{stem}.fr.md") in h1
    assert _front_title(CONTENT / kind / f"{stem}.md") not in h1


def _prose_lines(path: Path):
    """(line number, text) of the prose: front matter values included, code, URLs and table rules left out."""
    fence = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("```"):
            fence = not fence
            continue
        if fence or line == "---" or re.fullmatch(r"\|[\s:|-]+\|", line):
            continue
        yield number, re.sub(r"`[^`]*`|\]\([^)]*\)|https?://\S+", " ", line)


#: Spacing French typography forbids: a plain space before ; : ! ? % », none at all, or none after «.
BAD_SPACING = re.compile(r" [;:!?%»]|«[^\u00a0]|[^\s\u00a0][;!?»]|\d%|[^\s\u00a0]:\s|[^\s\u00a0]:$|^[;:!?%»]")


@pytest.mark.parametrize("kind, stem", CASES, ids=[f"{k}/{s}" for k, s in CASES])
def test_french_typography(kind, stem):
    """A non-breaking space before ; : ! ? and %, and inside « guillemets » (a line break is not one)."""
    path = CONTENT / kind / f"{stem}.fr.md"
    bad = [number for number, line in _prose_lines(path) if BAD_SPACING.search(re.sub(r"^\w+: ", "", line))]
    assert not bad, f"{path.relative_to(ROOT)}: French spacing wrong on line(s) {bad}"


def _run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def test_the_french_guide_pdf_is_tagged_and_every_chapter_in_it_is_french(french_site):
    """Each chapter's French title is in the French PDF, and no chapter's English title is."""
    pdf = french_site / "fr" / "guide" / "ontrack-guide.pdf"
    assert re.search(r"^Tagged:\s+yes$", _run("pdfinfo", str(pdf)), re.M)
    text = " ".join(_run("pdftotext", "-enc", "UTF-8", str(pdf), "-").split())
    for stem in TRANSLATED["guide"]:
        french = " ".join(_front_title(CONTENT / "guide" / f"{stem}.fr.md").split())  # pdftotext: NBSP as space
        english = " ".join(_front_title(CONTENT / "guide" / f"{stem}.md").split())
        assert french in text, f"{french!r} is not in the French guide PDF"
        assert english not in text, f"the French guide PDF still has {english!r}"
