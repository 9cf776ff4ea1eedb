"""A normal (non-editable) install works on its own: ``ontrack new`` then ``ontrack build`` from the wheel.

The wheel is built from a copy of the sources and installed into a fresh
virtual environment. Its dependencies are not downloaded again: a ``.pth``
file points the new environment at this interpreter's site-packages. Folders
named in a ``.pth`` file are not scanned for ``.pth`` files of their own, so an
editable install of ontrack there stays invisible, and ``generator`` can only
come from the wheel.
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import REPO

SOURCES = ("pyproject.toml", "README.md", "generator", "templates")


def run(command: list, cwd: Path, timeout: int = 600) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    result = subprocess.run([str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=timeout)
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    source = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(REPO / name, source / name)
    dist = tmp_path_factory.mktemp("dist")
    # pip fetches the build backend (setuptools) from the package index into an isolated environment.
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", dist, source], cwd=source)
    (built,) = dist.glob("ontrack-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("venv")
    run([sys.executable, "-m", "venv", root], cwd=root)
    python = root / "bin" / "python"
    purelib = Path(run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=root).strip())
    ours = [p for p in site.getsitepackages() + [site.getusersitepackages()] if Path(p).is_dir()]
    (purelib / "ontrack-test-dependencies.pth").write_text("\n".join(ours) + "\n")
    run([python, "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", wheel], cwd=root)
    return root


def test_pyproject_names_every_package():
    import tomllib

    from setuptools import find_packages

    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    assert listed == set(find_packages(where=str(REPO), include=["generator", "generator.*"])) | {"generator.templates"}


def test_wheel_holds_the_templates_and_the_scaffold(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "generator/locale/fr/LC_MESSAGES/messages.po" in names
    for template in (REPO / "templates").rglob("*"):
        if template.is_file():
            assert f"generator/templates/{template.relative_to(REPO / 'templates').as_posix()}" in names
    assert "generator/scaffold/project/datasets/example/graduates.csv" in names
    assert "generator/scaffold/project/gitignore" in names
    assert "generator/schemas/graduates.json" in names and "generator/maps/europe.json" in names
    assert not any(n.startswith(("tests/", "datasets/", "content/", "templates/")) for n in names)
    # Maintainers' tools (the map's maker among them) stay in the repository: a user's install has no use for them.
    assert not any(n.startswith("bench/") or n.endswith("make_europe.py") for n in names)


def test_installed_ontrack_makes_and_builds_a_new_site(venv, tmp_path):
    python, ontrack = venv / "bin" / "python", venv / "bin" / "ontrack"
    where = run([python, "-c", "import generator, generator.render as r; print(generator.__file__); "
                               "print(r.DEFAULT_TEMPLATES)"], cwd=tmp_path).split()
    assert all(Path(p).resolve().is_relative_to(venv.resolve()) for p in where), where
    assert Path(where[1]).name == "templates" and Path(where[1]).parent.name == "generator"

    run([ontrack, "new", "site"], cwd=tmp_path)
    summary = run([ontrack, "build", "site"], cwd=tmp_path)
    output = tmp_path / "site" / "output"
    pages = [p for p in output.rglob("*.html") if "pagefind" not in p.parts]
    assert f"Built {len(pages)} pages" in summary and len(pages) >= 17, summary
    for path in ("index.html", "programmes/mt-071-4-001/index.html", "countries/mt/index.html",
                 "guide/ontrack-guide.pdf", "assets/site.css", "data/datapackage.json",
                 "data/MT/datapackage.json", "data/indicators.csv"):
        assert (output / path).is_file(), path
    assert str(REPO) not in (output / "index.html").read_text()
