"""Full-text search: a Pagefind index of every page, one per language, made at the end of the build.

Pagefind reads the rendered pages (only what is inside ``data-pagefind-body``,
so navigation and footers are not indexed) and splits its index by each page's
``<html lang>``. The binary comes with the ``pagefind[bin]`` pip package; it is
run on a scratch copy of the pages and its bundle joins the build's files, so
it goes through the same audit and atomic write as everything else.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

from .errors import BuildError

#: Where the search bundle is served from, relative to the site's root.
BUNDLE = "pagefind"


def _executable() -> str:
    try:
        from pagefind_bin import get_executable
    except ImportError:
        raise BuildError("the search index needs Pagefind: pip install 'pagefind[bin]'", code="search-index") from None
    return str(get_executable())


def search_index(pages: dict[str, bytes]) -> dict[str, bytes]:
    """The Pagefind bundle for these HTML pages (output path -> bytes), by output path."""
    with tempfile.TemporaryDirectory(prefix="ontrack-search-") as scratch:
        site = Path(scratch) / "site"
        for path, content in pages.items():
            target = site / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        result = subprocess.run([_executable(), "--site", str(site), "--output-subdir", BUNDLE, "--keep-index-url",
                                 "--silent"], capture_output=True, text=True)
        if result.returncode != 0:
            raise BuildError(f"Pagefind could not index the site: {(result.stderr or result.stdout).strip()}",
                             code="search-index")
        bundle = site / BUNDLE
        files = {f"{BUNDLE}/{path.relative_to(bundle).as_posix()}": path.read_bytes()
                 for path in sorted(bundle.rglob("*")) if path.is_file()}
    # Pagefind lists the languages in hash-map order, which changes from run to run: sorted, the same input
    # gives the same bytes.
    entry = f"{BUNDLE}/pagefind-entry.json"
    files[entry] = json.dumps(json.loads(files[entry]), sort_keys=True, ensure_ascii=False,
                              separators=(",", ":")).encode("utf-8")
    return files
