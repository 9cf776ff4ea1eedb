"""Full-text search: a Pagefind index of every page, one per language, made at the end of the build.

Pagefind reads the rendered pages (only what is inside ``data-pagefind-body``,
so navigation and footers are not indexed) and splits its index by each page's
``<html lang>``. The binary comes with the ``pagefind[bin]`` pip package; it is
run on a scratch copy of the pages and its bundle joins the build's files, so
it goes through the same audit and atomic write as everything else.

Pagefind is run once per language, on that language's pages only: its index of a
language does not depend on the others, so the merged bundle is byte for byte the
one a single run over the whole site writes, while the run holds one language's
index in memory rather than all of them (at a million records: about 1.1 GB
instead of 2.2 GB).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .errors import BuildError

#: Where the search bundle is served from, relative to the site's root.
BUNDLE = "pagefind"
#: The bundle's list of languages and their index files.
ENTRY = f"{BUNDLE}/pagefind-entry.json"


def _executable() -> str:
    try:
        from pagefind_bin import get_executable
    except ImportError:
        raise BuildError("the search index needs Pagefind: pip install 'pagefind[bin]'", code="search-index") from None
    return str(get_executable())


def search_index(files, pages: Iterable[str], prefixes: Iterable[str] = ("",)) -> dict[str, bytes]:
    """The Pagefind bundle for the HTML ``pages`` (output paths) of ``files``, by output path.

    ``files`` is a dict of path to bytes, or the build's ``OutputFiles``, whose pages already written to its
    folder are linked into the scratch folder rather than read and copied. ``prefixes`` are the languages'
    folders (``""`` for the first language, ``"nl/"``...): Pagefind indexes each language's pages on their own.
    """
    folder = getattr(files, "folder", None)
    made: dict[str, bytes] = {}
    entries = []
    # Inside the build's folder, so that its pages can be hard-linked rather than copied (and a killed build's
    # scratch goes with its staging folder); gone before the folder is checked.
    with tempfile.TemporaryDirectory(prefix=".search-", dir=folder) as scratch:
        for number, paths in enumerate(_by_language(list(pages), tuple(prefixes))):
            site, bundle = Path(scratch) / f"site-{number}", Path(scratch) / f"bundle-{number}"
            for path in paths:
                _place(files, path, site / path)
            result = subprocess.run([_executable(), "--site", str(site), "--output-path", str(bundle),
                                     "--keep-index-url", "--silent"], capture_output=True, text=True)
            if result.returncode != 0:
                raise BuildError(f"Pagefind could not index the site: {(result.stderr or result.stdout).strip()}",
                                 code="search-index")
            shutil.rmtree(site)
            for path in sorted(bundle.rglob("*")):
                name = f"{BUNDLE}/{path.relative_to(bundle).as_posix()}"
                if not path.is_file() or name == ENTRY:
                    continue
                data = path.read_bytes()
                if made.setdefault(name, data) != data:  # the runtime's files are the same in every run
                    raise BuildError(f"Pagefind wrote two different {name} for two languages", code="search-index")
            entries.append(json.loads((bundle / ENTRY.removeprefix(f"{BUNDLE}/")).read_bytes()))
    if not entries:
        raise BuildError("Pagefind could not index the site: there are no pages", code="search-index")
    made[ENTRY] = _merged_entry(entries)
    return made



def _by_language(paths: list[str], prefixes: tuple[str, ...]) -> list[list[str]]:
    """The pages of each language (found by its folder; the first language has none), leaving out any empty one."""
    folders = [prefix for prefix in prefixes if prefix]
    groups = {prefix: [] for prefix in ("", *folders)}
    for path in sorted(paths):
        groups[next((prefix for prefix in folders if path.startswith(prefix)), "")].append(path)
    return [group for group in groups.values() if group]


def _place(files, path: str, target: Path) -> None:
    """Page ``path`` of ``files`` at ``target``: a hard link to the written file where there is one, else a copy."""
    target.parent.mkdir(parents=True, exist_ok=True)
    written = files.on_disk(path) if hasattr(files, "on_disk") else None
    if written is not None:
        try:
            os.link(written, target)
            return
        except OSError:  # another file system, or links not allowed: a copy does the same
            pass
    target.write_bytes(files[path])


def _merged_entry(entries: list[dict]) -> bytes:
    """One pagefind-entry.json from the runs' own: their languages together.

    Pagefind lists the languages in hash-map order, which changes from run to run: sorted, the same input
    gives the same bytes.
    """
    merged = dict(entries[0])
    merged["languages"] = {}
    for entry in entries:
        if {k: v for k, v in entry.items() if k != "languages"} != {k: v for k, v in entries[0].items()
                                                                     if k != "languages"}:
            raise BuildError("Pagefind's runs for two languages disagree on its version or settings",
                             code="search-index")
        merged["languages"].update(entry["languages"])
    return json.dumps(merged, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
