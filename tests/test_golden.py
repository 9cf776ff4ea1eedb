"""The golden site: the golden project builds to exactly the site committed in tests/golden/expected/.

Any change to the output (a template, a message, a chart, a hidden cell, a data
file) shows up here as a diff to review, as in pelican's functional tests. After
an intended change, write the new expected site and commit it with the change:

    ONTRACK_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py

tests/golden/README.md says what the golden project holds.
"""

from __future__ import annotations

import difflib
import os
import shutil
from fnmatch import fnmatch
from pathlib import Path

import pytest

from conftest import REPO

GOLDEN = REPO / "tests" / "golden"
EXPECTED = GOLDEN / "expected"
#: Every file of the built site, one path a line: the files below that are not compared are checked by name here.
FILES = GOLDEN / "files.txt"
UPDATE = os.environ.get("ONTRACK_UPDATE_GOLDEN") == "1"

#: Built files whose bytes are not kept: large generated bundles and binaries (their checksums and sizes are, in
#: data/SHA256SUMS and the catalogue), and the output's .gitignore, whose "*" would hide expected/ from git.
NOT_COMPARED = (".gitignore", "assets/vega.js", "pagefind/*", "*.pdf", "*.xlsx", "*.zip")

#: vl-convert lays out chart text with the fonts it finds on the machine, so chart SVGs (and pages that inline
#: them) depend on them; a failure that touches charts says so.
FONTS = ("Chart SVGs differ: if no chart design changed, compare the fonts. The expected charts were drawn with "
         "DejaVu Sans as the only sans-serif font (Debian's fonts-dejavu-core, which tests/run.sh installs); "
         "`fc-list : family` lists this machine's.")

#: How much of the diff a failure shows: this many files, this many lines each, lines cut at this width.
SHOWN_FILES, SHOWN_LINES, LINE_WIDTH = 3, 40, 160


def compared(path: str) -> bool:
    return not any(fnmatch(path, pattern) for pattern in NOT_COMPARED)


def site_files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def file_diff(path: str, expected: bytes, built: bytes) -> str:
    """A unified diff of one file, short enough to read in a test report."""
    lines = list(difflib.unified_diff(expected.decode("utf-8", "replace").splitlines(),
                                      built.decode("utf-8", "replace").splitlines(),
                                      f"expected/{path}", f"built/{path}", n=2, lineterm=""))
    shown = [line if len(line) <= LINE_WIDTH else line[:LINE_WIDTH] + " …" for line in lines[:SHOWN_LINES]]
    if len(lines) > SHOWN_LINES:
        shown.append(f"… {len(lines) - SHOWN_LINES} more diff lines")
    return "\n".join(shown)


def differences(built: Path) -> list[str]:
    """What differs between the built site and the expected one, worded for a reader; [] when nothing does."""
    listed = FILES.read_text(encoding="utf-8").splitlines()
    files = site_files(built)
    report = []
    missing, extra = sorted(set(listed) - set(files)), sorted(set(files) - set(listed))
    if missing:
        report.append(f"{len(missing)} expected file(s) not built: " + ", ".join(missing[:10]))
    if extra:
        report.append(f"{len(extra)} built file(s) not expected: " + ", ".join(extra[:10]))
    changed = [path for path in files if compared(path) and (EXPECTED / path).is_file()
               and (EXPECTED / path).read_bytes() != (built / path).read_bytes()]
    if changed:
        report.append(f"{len(changed)} file(s) differ: " + ", ".join(changed[:10]) + (" …" if len(changed) > 10 else ""))
        if any(path.endswith(".svg") for path in changed):
            report.append(FONTS)
        report += [file_diff(path, (EXPECTED / path).read_bytes(), (built / path).read_bytes())
                   for path in changed[:SHOWN_FILES]]
    return report


def update_expected(built: Path) -> None:
    """Replace the expected site with the built one."""
    shutil.rmtree(EXPECTED, ignore_errors=True)
    files = site_files(built)
    for path in filter(compared, files):
        (EXPECTED / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built / path, EXPECTED / path)
    FILES.write_text("".join(f"{path}\n" for path in files), encoding="utf-8")


def test_the_golden_project_builds_the_expected_site(golden_build):
    if UPDATE:
        update_expected(golden_build)
        pytest.skip(f"wrote {EXPECTED.relative_to(REPO)}: review `git diff --stat tests/golden` and commit it")
    report = differences(golden_build)
    if report:  # pytest.fail, not assert: the report is the message, not repeated by assertion rewriting
        pytest.fail("the built golden site differs from tests/golden/expected/; if the change is intended, run\n"
                    "  ONTRACK_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py\n\n"
                    + "\n\n".join(report), pytrace=False)


def test_the_expected_site_keeps_only_what_is_compared():
    """Nothing stale or binary in expected/: exactly the listed files that are compared."""
    assert site_files(EXPECTED) == [path for path in FILES.read_text(encoding="utf-8").splitlines() if compared(path)]
