"""``ontrack new``: a new publisher's project that builds at once.

The files under ``project/`` here are copied as they are: an example country
profile, a guide chapter, the site's pages, an empty ``templates/`` folder with
a README, a tiny invented input data package (136 observations of 91
graduates: enough for some figures to be published and some to be hidden) and
the real reference figures. Some files are made rather than copied, so that they
can never fall behind the code: ``content/site.toml`` (every option, from the
config schema), the example package's ``datapackage.json`` (the canonical
Table Schemas), and ``forms/``: the questionnaire of that site.toml (what
``ontrack questionnaire`` writes) and a tracking calendar of the example cohort
with the command of each step.
"""

from __future__ import annotations

import json
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from ..config import CONFIG_PATH, documented_options
from ..errors import OntrackError
from ..schemas import INPUT_RESOURCES, table_schema

#: Where the example input data package goes, relative to the project.
EXAMPLE_PACKAGE = "datasets/example"
#: Where the questionnaire and the tracking calendar go, and the cohort the calendar follows (the example's).
FORMS = "forms"
EXAMPLE_COHORT = 2024
#: Stored without its dot so that it does not act on the repository that holds ontrack itself.
_RENAMED = {"gitignore": ".gitignore"}

#: Options the example project sets; every other option is written commented out, at its default.
EXAMPLE_VALUES = {
    "site.title": "Graduate outcomes (example)",
    "site.publisher": "Example publisher: replace with your organisation",
    "site.release_date": "2026-01-15",
    "data.package": EXAMPLE_PACKAGE,
}


class ScaffoldError(OntrackError):
    """The new project cannot be made where it was asked for."""

    code = "project-folder"


def create_project(target: Path) -> list[Path]:
    """Write a new project into ``target`` (absent or empty); returns the files written, sorted."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ScaffoldError(f"{target} already exists and is not empty: choose a new folder "
                            "(ontrack new never overwrites anything)")
    written: list[Path] = []
    _copy_tree(resources.files(__name__) / "project", target, written)
    written.append(_write(target / CONFIG_PATH, site_toml()))
    written.append(_write(target / EXAMPLE_PACKAGE / "datapackage.json", example_descriptor()))
    written += _write_forms(target)
    return sorted(written)


def _write_forms(target: Path) -> list[Path]:
    """The project's questionnaire, from the site.toml just written, and the example cohort's calendar."""
    from ..config import load_config
    from ..questionnaire import questionnaire_files
    from ..questionnaire.calendar import calendar_csv

    config = load_config(target)
    files = questionnaire_files(target, config)
    files["tracking-calendar.csv"] = calendar_csv(EXAMPLE_COHORT, config.questionnaire).encode("utf-8")
    return [_write(target / FORMS / name, data) for name, data in sorted(files.items())]


def _copy_tree(source: Traversable, target: Path, written: list[Path]) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for entry in sorted(source.iterdir(), key=lambda e: e.name):
        if entry.name == "__pycache__":
            continue
        if entry.is_dir():
            _copy_tree(entry, target / entry.name, written)
        else:
            written.append(_write(target / _RENAMED.get(entry.name, entry.name), entry.read_bytes()))


def _write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)  # a TOML basic string is written like a JSON string


def site_toml() -> str:
    """``content/site.toml`` with every option and its help; options left at their default are commented out."""
    lines = ["# The site's configuration. Every option is listed with what it does; a line starting",
             "# with # is left at the default shown. Change a value by removing the # in front of it."]
    section = None
    for name, default, help_text in documented_options():
        current, key = name.split(".", 1)
        if current != section:
            section = current
            lines += ["", f"[{section}]"]
        lines.append(f"# {help_text}")
        if name in EXAMPLE_VALUES:
            value = EXAMPLE_VALUES[name]
            # Dates are TOML's own type: written bare, not quoted.
            lines.append(f"{key} = {value if name.endswith('_date') else _toml_value(value)}")
        elif default is None:
            lines.append(f"# {key} =")
        else:
            lines.append(f"# {key} = {_toml_value(default)}")
    return "\n".join(lines) + "\n"


def example_descriptor() -> str:
    """The example input package's ``datapackage.json``, with ontrack's canonical Table Schemas."""
    descriptor = {
        "name": "example",
        "title": "Example graduate tracking data (invented)",
        "description": "INVENTED DATA made by `ontrack new`: three programmes, two providers and 91 graduates "
                       "of the 2024 cohort. No row describes a real person, programme or provider. "
                       "Replace these files with your own data.",
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
                      "title": "Creative Commons Attribution 4.0"}],
        "resources": [{"name": name, "path": f"{name}.csv", "format": "csv", "mediatype": "text/csv",
                       "encoding": "utf-8", "schema": table_schema(name)} for name in INPUT_RESOURCES],
    }
    return json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n"
