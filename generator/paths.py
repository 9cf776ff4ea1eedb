"""Links between output files, the addresses of pages that more than one stage names, and data embedded in pages."""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from markupsafe import Markup

from .errors import BuildError


def relative_url(from_path: str, to_path: str) -> str:
    """A link from one output file to another that works from file:// and any sub-folder."""
    if to_path.startswith(("#", "http://", "https://", "mailto:")):
        return to_path
    target, _, anchor = to_path.partition("#")
    rel = posixpath.relpath(target, posixpath.dirname(from_path) or ".")
    return rel + (f"#{anchor}" if anchor else "")


def slugify(text: str) -> str:
    """A URL slug of ASCII letters, digits and hyphens only: it can never leave its folder."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "item"



def programme_slugs(programmes) -> dict[str, str]:
    """Each programme's folder name under ``programmes/``, by code: its code as a slug, with "-2", "-3" … added
    when two codes give the same slug (in the order of the programmes list: country, name, code)."""
    ordered = programmes.sort_values(["geo", "name", "programme_code"])["programme_code"]
    slugs, taken = {}, set()
    for code in ordered:
        slug, n = slugify(code), 2
        while slug in taken:
            slug, n = f"{slugify(code)}-{n}", n + 1
        taken.add(slug)
        slugs[code] = slug
    return slugs


def programme_url(slug: str) -> str:
    """A programme's page, from its slug (``programme_slugs``)."""
    return f"programmes/{slug}/index.html"


def country_url(geo: str) -> str:
    """A country's profile page (the landing page of its data package too)."""
    return f"countries/{slugify(geo)}/index.html"


def programme_csv_path(slug: str) -> str:
    """A programme's figures as CSV, beside its page."""
    return f"programmes/{slug}/{slug}.csv"


def compare_data_path(lang_code: str) -> str:
    """The compare page's programme figures in one language, as a script the page loads."""
    return f"assets/programmes-data-{lang_code}.js"

# The directory's pages. The site model makes them; the open-data catalogue, published before it, points at
# them (a portal's reader finds the pages that present a dataset), so their addresses are defined here, once.

#: The policymaker's cross-country page (``crosscountry.py``).
CROSS_COUNTRY_PAGE = "countries/eu-target/index.html"
PROVIDERS_PAGE = "providers/index.html"
FIELDS_PAGE = "fields/index.html"


def provider_url(code: str) -> str:
    return f"providers/{slugify(code)}/index.html"


def field_url(code: str) -> str:
    return f"fields/{code}/index.html"


def report_path(code: str, lang_code: str) -> str:
    """Where a provider's quality report is written: beside its page, one file per language."""
    return f"providers/{slugify(code)}/quality-report-{slugify(code)}-{lang_code}.pdf"


def field_page_codes(isced_codes: Iterable[str]) -> list[str]:
    """The fields that have a page: each broad field with programmes, and each narrow field programmes are
    coded to (a programme coded to a broad field adds no narrow page)."""
    codes = set()
    for code in isced_codes:
        codes.add(code[:2])
        if len(code) > 2:
            codes.add(code)
    return sorted(codes)


def script_json(value) -> Markup:
    """JSON safe to place inside a <script> element."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


class OutputFiles:
    """The files of one build, by relative POSIX path; refuses duplicates and escapes.

    Held in memory, or, given a ``folder`` (the build's staging folder), written there as they are added and read
    back on demand: a national site (1.7 GB at a million records) is then never held whole.
    """

    def __init__(self, folder: Path | None = None) -> None:
        self._files: dict[str, bytes | None] = {}
        self._folder = folder
        self._made: set[Path] = set()

    def add(self, path: str, data: bytes | str) -> None:
        pure = PurePosixPath(path)
        if pure.is_absolute() or ".." in pure.parts or not pure.parts or "\\" in path or "\x00" in path:
            raise BuildError(f"refusing to write {path!r}: it would land outside the output folder", code="output-path")
        key = str(pure)
        if key in self._files:
            raise BuildError(f"two parts of the build both write {key}", code="output-path")
        data = data.encode("utf-8") if isinstance(data, str) else data
        if self._folder is None:
            self._files[key] = data
            return
        target = self._folder / key
        if target.parent not in self._made:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._made.add(target.parent)
        target.write_bytes(data)
        self._files[key] = None

    def update(self, files) -> None:
        """Add every file of ``files`` (a dict of path to bytes, or another ``OutputFiles``)."""
        for path in sorted(files):
            self.add(path, files[path])

    @property
    def folder(self) -> Path | None:
        """Where the files are written as they are added; None when they are held in memory."""
        return self._folder

    def moved_to(self, folder: Path) -> None:
        """The folder holding the files was renamed to ``folder`` (the staging folder became the output)."""
        self._folder = folder

    def on_disk(self, path: str) -> Path | None:
        """Where file ``path`` was written, or None if it is held in memory."""
        return self._folder / path if self._files[path] is None else None

    def __contains__(self, path: str) -> bool:
        return path in self._files

    def __getitem__(self, path: str) -> bytes:
        data = self._files[path]
        return (self._folder / path).read_bytes() if data is None else data

    def __iter__(self):
        return iter(sorted(self._files))

    def __len__(self) -> int:
        return len(self._files)

    def items(self):
        """(path, bytes) in path order, read one at a time."""
        return ((path, self[path]) for path in self)
