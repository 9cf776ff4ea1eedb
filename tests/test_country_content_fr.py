"""The French country profiles (content/countries/*.fr.md) against their English originals.

A translation is written anew, so its sentences are not compared. What must carry over is checked:
every profile has one; the same sections in the same order; the same links in the same order; every
number of the English text, in French form (87.0 -> 87,0; 75,000 -> 75 000); French spacing before
% : ; and no decimal points; and the "at a glance" lists, translated item for item.

Uses only PyYAML and the standard library.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

COUNTRIES = Path(__file__).resolve().parents[1] / "content" / "countries"
FRONT = re.compile(r"\A---\r?\n(.*?)\r?\n---\r?\n(.*)\Z", re.S)
HEADING = re.compile(r"^(#+)\s+(.*?)\s*$", re.M)
LINK = re.compile(r"\]\(([^)\s]+)\)")
#: A number as the English writes it: 1,415 or 87.0 or 2019.
NUMBER = re.compile(r"(?<![\w.,])\d{1,3}(?:,\d{3})+(?![\d])|(?<![\w.,])\d+(?:\.\d+)?(?![\d])")
#: The English sections and how the French ones are called (the two profiles translated first set the words).
SECTIONS = {
    "How graduates are tracked": "Comment les diplômés sont suivis",
    "Who is responsible": "Qui en est responsable",
    "Data and time points": "Données et moments d’observation",
    "What is published": "Ce qui est publié",
    "Gaps and uncertainties": "Lacunes et incertitudes",
}
NBSP, NNBSP = "\u00a0", "\u202f"
#: A number that labels a part of a document or programme keeps its dots in French too: section 7.5,
#: component 5.1 (composante 5.1), GINOP-6.2.4.
LABEL = re.compile(r"(?:\b(?:section|component|composante)\s|GINOP-)(\d+(?:\.\d+)+)")
#: A century: 21st-century is XXIe siècle in French.
CENTURY = re.compile(r"(\d+)(?:st|nd|rd|th)[- ]century")
ROMAN = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
ORIGINALS = sorted(p for p in COUNTRIES.glob("*.md") if "." not in p.stem)


def _split(path: Path) -> tuple[dict, str]:
    match = FRONT.match(path.read_text(encoding="utf-8"))
    assert match, f"{path.name}: no front matter"
    return yaml.safe_load(match.group(1)) or {}, match.group(2)


def _prose(body: str) -> str:
    """The body without link targets, which are addresses, not text."""
    return LINK.sub("]()", body)


def _in_french(number: str) -> str:
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+", number):
        return number.replace(",", NNBSP)
    return number.replace(".", ",")


def _roman(n: int) -> str:
    out = ""
    for value, letters in ROMAN:
        while n >= value:
            out, n = out + letters, n - value
    return out


def _missing_numbers(english: str, french: str) -> list[str]:
    """Numbers of the English text that the French text does not write anywhere."""
    missing = [label for label in LABEL.findall(english) if label not in LABEL.findall(french)]
    english, french = LABEL.sub("", english), LABEL.sub("", french)
    for century in CENTURY.findall(english):
        if not re.search(rf"\b{_roman(int(century))}e siècle", french):
            missing.append(f"{century} (century)")
    english = CENTURY.sub("", english)
    for number in sorted(set(NUMBER.findall(english))):
        if not re.search(rf"(?<![\d,{NNBSP}]){re.escape(_in_french(number))}(?!\d|,\d)", french):
            missing.append(number)
    return missing


@pytest.fixture(params=ORIGINALS, ids=lambda p: p.stem)
def pair(request):
    original = request.param
    translation = original.with_name(f"{original.stem}.fr.md")
    assert translation.is_file(), f"{original.name} has no French translation {translation.name}"
    return original, _split(original), translation, _split(translation)


def test_every_profile_is_in_french():
    missing = [p.name for p in ORIGINALS if not p.with_name(f"{p.stem}.fr.md").is_file()]
    assert not missing, f"no .fr.md for {missing}"


def test_same_sections_in_the_same_order(pair):
    _, (_, english), translation, (meta, french) = pair
    expected = [(level, SECTIONS.get(title, title)) for level, title in HEADING.findall(english)]
    assert HEADING.findall(french) == expected, translation.name
    assert meta.get("title"), f"{translation.name}: no French title"


def test_same_links_in_the_same_order(pair):
    _, (_, english), translation, (_, french) = pair
    assert LINK.findall(french) == LINK.findall(english), translation.name


def test_every_number_carries_over_in_french_form(pair):
    _, (_, english), translation, (_, french) = pair
    missing = _missing_numbers(_prose(english), _prose(french))
    assert not missing, f"{translation.name}: numbers of the English not written in the French: {missing}"


def test_french_typography(pair):
    _, _, translation, (_, french) = pair
    prose = LABEL.sub("", _prose(french))
    problems = []
    for pattern, what in [(r"\d\.\d", "a decimal point (French writes 87,0)"),
                          (r"\d ?%", "a % not preceded by a non-breaking space"),
                          (r"\S[;:](?=\s)", "a ; or : without the space before it"),
                          (r" [;:%?!]", "an ordinary space before ; : % ? or ! (French uses a non-breaking one)"),
                          (r"'", "a straight apostrophe (the French profiles use ’)")]:
        for match in re.finditer(pattern, prose):
            line = prose.count("\n", 0, match.start()) + 1
            problems.append(f"body line {line}: {what}: {prose[max(0, match.start() - 20):match.end() + 20]!r}")
    assert not problems, f"{translation.name}:\n" + "\n".join(problems)


LISTS = [("bodies", lambda m: m.get("bodies")),
         ("data_sources.details", lambda m: (m.get("data_sources") or {}).get("details")),
         ("coverage", lambda m: m.get("coverage")),
         ("indicators", lambda m: m.get("indicators")),
         ("figures", lambda m: [f["indicator"] for f in m["figures"]] if m.get("figures") else None)]


def test_at_a_glance_lists_are_translated_item_for_item(pair):
    original, (english_meta, _), translation, (meta, _) = pair
    problems = []
    if english_meta.get("system_name"):
        if not meta.get("system_name"):
            problems.append("system_name is not translated")
    elif "system_name" in meta:
        problems.append("system_name is given, but the original has none")
    for key, get in LISTS:
        english, french = get(english_meta) or [], get(meta) or []
        if len(english) != len(french):
            problems.append(f"{key}: {len(french)} items, the original has {len(english)}")
            continue
        for n, (e, f) in enumerate(zip(english, french)):
            missing = _missing_numbers(str(e), str(f))
            if missing:
                problems.append(f"{key}[{n}]: numbers {missing} of {e!r} are not in {f!r}")
    assert not problems, f"{translation.name} against {original.name}:\n" + "\n".join(problems)
