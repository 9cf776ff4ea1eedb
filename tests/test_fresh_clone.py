"""The repository stands alone: a clone in an empty folder has everything its checks read.

The clone holds what is committed (not the working tree's edits), with nothing beside it: no reference
folder next to the repository, no installed node_modules, no build cache.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import REPO

#: The folder beside the repository that the tests once read, as a relative path, a path or a path component
#: (``REPO.parent / "..."``). The name is split so that this file does not match.
_BESIDE = "sha" + "red"
OUTSIDE = rf"\.\./{_BESIDE}\b|\b{_BESIDE}/reference|[\"']{_BESIDE}[\"']"


def _git(*args, cwd=REPO) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    try:
        top = _git("rev-parse", "--show-toplevel").strip()
    except subprocess.CalledProcessError:
        pytest.skip("not run from a git checkout")
    if os.path.realpath(top) != os.path.realpath(REPO):
        pytest.skip("the tests are not at the top of their git checkout")
    folder = tmp_path_factory.mktemp("fresh") / "ontrack"
    _git("clone", "--quiet", str(REPO), str(folder))
    yield folder
    shutil.rmtree(folder.parent, ignore_errors=True)


def _run(clone, *args):
    """Run Python in the clone, importing the clone's own ``generator``."""
    env = {**os.environ, "PYTHONPATH": str(clone), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([sys.executable, *args], cwd=clone, env=env, capture_output=True, text=True, timeout=300)


def test_no_tracked_file_names_a_folder_outside_the_repository(clone):
    found = subprocess.run(["git", "grep", "-n", "-I", "-E", OUTSIDE], cwd=clone, capture_output=True,
                           text=True)
    assert found.returncode == 1, found.stdout or found.stderr  # git grep: 1 is "no match"


def test_no_tracked_file_names_a_file_the_repository_does_not_have(clone):
    # A setup script (the package is described by pyproject.toml alone) and the design notes kept outside the
    # repository: a reader of a clone finds neither. (Names split so that this file does not match.)
    missing = ["setup" + ".py", "DESIGN" + ".md", "STYLE" + ".md"]
    for name in missing:
        assert not (clone / name).exists(), name
    found = subprocess.run(["git", "grep", "-n", "-I", "-w", "-F", *[arg for n in missing for arg in ("-e", n)]],
                           cwd=clone, capture_output=True, text=True)
    assert found.returncode == 1, found.stdout or found.stderr  # git grep: 1 is "no match"


def test_installed_packages_are_not_committed(clone):
    assert _git("ls-files", "tests/node_modules", cwd=clone) == ""
    assert (clone / "tests" / "package-lock.json").is_file()


def test_the_clone_imports_its_own_code(clone):
    found = _run(clone, "-c", "import generator; print(generator.__file__)")
    assert found.returncode == 0, found.stderr
    assert found.stdout.strip() == str(clone / "generator" / "__init__.py")


def test_ontrack_check_passes_in_the_clone(clone):
    result = _run(clone, "-m", "generator.cli", "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No problems found." in result.stdout


def test_tests_that_read_reference_facts_pass_in_the_clone(clone):
    result = _run(clone, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--basetemp={clone.parent / 'tmp'}",
                  "tests/test_country_content.py", "tests/test_config.py")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert re.search(r"\d+ passed", result.stdout)


def test_ci_runs_the_readme_test_command():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    quick_start = readme[readme.index("## Quick start"):readme.index("## Commands")]
    commands = re.findall(r"```sh\n(.*?)\n```", quick_start, re.DOTALL)
    assert commands == ["bash tests/install.sh && .venv/bin/ontrack build", "bash tests/run.sh"]
    ci = [line for line in (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
          if line and not line.startswith("#") and not line.startswith(("set ", "cd "))]
    assert ci == [commands[1]]
