"""``ontrack serve``: build, serve the site on 127.0.0.1, rebuild on change, reload the browser.

Standard library only. The site is built into a temporary folder (the
project's ``output/`` is never touched) and served from there; a watcher polls
the modification times of the content, the templates and the input data, and
rebuilds once the files have been quiet for a moment. Each good build gets a
new version number. The server adds one small script to every HTML response
(never to the files on disk) that polls ``/__ontrack/version`` and reloads the
page when the number changes. A failed rebuild is reported and the last good
site stays up.
"""

from __future__ import annotations

import errno
import html
import json
import mimetypes
import os
import posixpath
import re
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

from .errors import OntrackError, report_lines
from .i18n import PROJECT_LOCALE, forget_catalogues

HOST = "127.0.0.1"
#: The server's own URLs; no built file can have this name (it is not a valid page path).
CONTROL = "/__ontrack/"
#: How often the watcher looks at the files, and how long they must stay unchanged before a rebuild.
POLL_SECONDS = 0.3
QUIET_SECONDS = 0.4

#: Media types by extension. Python's mimetypes table depends on the machine (/etc/mime.types) and lacks
#: Pagefind's files, so the types the site and its search index use are spelled out here.
MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json", ".jsonld": "application/ld+json", ".webmanifest": "application/manifest+json",
    ".csv": "text/csv; charset=utf-8", ".txt": "text/plain; charset=utf-8", ".md": "text/markdown; charset=utf-8",
    ".cff": "application/yaml", ".xml": "application/xml", ".ttl": "text/turtle; charset=utf-8",
    ".rdf": "application/rdf+xml", ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg",
    ".webp": "image/webp", ".ico": "image/x-icon", ".woff2": "font/woff2", ".woff": "font/woff",
    ".pdf": "application/pdf", ".zip": "application/zip", ".parquet": "application/vnd.apache.parquet",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".wasm": "application/wasm", ".pagefind": "application/octet-stream", ".pf_meta": "application/octet-stream",
    ".pf_index": "application/octet-stream", ".pf_fragment": "application/octet-stream",
}

#: Polls the server and reloads the page after a new build. The page's own version is in the script's URL.
RELOAD_SCRIPT = """\
(() => {
  const version = new URL(document.currentScript.src).searchParams.get("version");
  const poll = async () => {
    try {
      const response = await fetch("/__ontrack/version", {cache: "no-store"});
      if (String((await response.json()).version) !== version) {
        location.reload();
        return;
      }
    } catch (error) {
      // The server is restarting or gone: keep trying quietly.
    }
    setTimeout(poll, 1000);
  };
  setTimeout(poll, 1000);
})();
"""

_BODY_END = re.compile(rb"</body\s*>", re.I)
_HEAD_START = re.compile(rb"<head[^>]*>", re.I)


class ServeError(OntrackError):
    """The preview server cannot start."""

    code = "port"


class ServeEvents(Protocol):
    """What the server tells its user; the CLI prints it."""

    def serving(self, url: str, watched: list[str]) -> None: ...
    def rebuilding(self, changed: list[str]) -> None: ...
    def built(self, summary, seconds: float) -> None: ...
    def updated(self, update, seconds: float) -> None: ...
    def failed(self, error: Exception) -> None: ...


def media_type(path: str) -> str:
    """The Content-Type of a file by its name."""
    suffix = posixpath.splitext(path)[1].lower()
    if suffix in MEDIA_TYPES:
        return MEDIA_TYPES[suffix]
    if not suffix:
        return "text/plain; charset=utf-8"  # SHA256SUMS and the like
    return mimetypes.guess_type(path)[0] or "application/octet-stream"


def with_reload_script(page: bytes, version: int, *, base: bool = False) -> bytes:
    """An HTML page with the reload script before ``</body>`` (and ``<base href="/">`` when asked)."""
    tag = f'<script src="{CONTROL}reload.js?version={version}"></script>\n'.encode()
    ends = list(_BODY_END.finditer(page))
    page = page[:ends[-1].start()] + tag + page[ends[-1].start():] if ends else page + tag
    if base:
        head = _HEAD_START.search(page)
        if head:
            page = page[:head.end()] + b'\n<base href="/">' + page[head.end():]
    return page


class PreviewSite:
    """What the server shows: the folder of the last good build and its version, or the first build's error."""

    def __init__(self) -> None:
        self.root: Path | None = None
        self.version = 0
        self.error_lines: list[str] = []

    def publish(self, root: Path) -> None:
        self.root, self.error_lines = root, []
        self.version += 1

    def fail(self, lines: list[str]) -> None:
        if self.root is None:  # with a good build up, readers keep it; the terminal shows the error
            self.error_lines = lines
            self.version += 1


class PreviewHandler(BaseHTTPRequestHandler):
    """GET and HEAD for the built files, the 404 page and the server's control URLs."""

    server_version = "ontrack-serve"
    site: PreviewSite  # set on the subclass made by ``PreviewServer``

    def log_message(self, *args) -> None:  # one line per request would drown the build messages
        pass

    def do_HEAD(self) -> None:
        self._respond(head=True)

    def do_GET(self) -> None:
        self._respond(head=False)

    def _respond(self, head: bool) -> None:
        path = unquote(urlsplit(self.path).path)
        if path.startswith(CONTROL):
            return self._control(path[len(CONTROL):], head)
        site = self.site
        if site.root is None:
            return self._send(HTTPStatus.SERVICE_UNAVAILABLE, self._error_page(site), "text/html; charset=utf-8", head)
        relative = posixpath.normpath(path).lstrip("/")
        target = (site.root / relative).resolve() if relative not in ("", ".") else site.root
        if not target.is_relative_to(site.root.resolve()):
            return self._not_found(site, head)
        if target.is_dir():
            if not path.endswith("/"):
                return self._redirect(path + "/")
            target = target / "index.html"
        if not target.is_file():
            return self._not_found(site, head)
        body = target.read_bytes()
        if target.suffix == ".html":
            body = with_reload_script(body, site.version)
        self._send(HTTPStatus.OK, body, media_type(target.name), head)

    def _control(self, name: str, head: bool) -> None:
        if name == "version":
            body = json.dumps({"version": self.site.version}).encode()
            return self._send(HTTPStatus.OK, body, "application/json", head)
        if name == "reload.js":
            return self._send(HTTPStatus.OK, RELOAD_SCRIPT.encode(), MEDIA_TYPES[".js"], head)
        self._send(HTTPStatus.NOT_FOUND, b"not found\n", MEDIA_TYPES[".txt"], head)

    def _not_found(self, site: PreviewSite, head: bool) -> None:
        page = site.root / "404.html"
        if page.is_file():
            # The 404 page links relative to the site's root; at a deeper address those links would miss.
            body = with_reload_script(page.read_bytes(), site.version, base=True)
            return self._send(HTTPStatus.NOT_FOUND, body, MEDIA_TYPES[".html"], head)
        self._send(HTTPStatus.NOT_FOUND, b"not found\n", MEDIA_TYPES[".txt"], head)

    def _redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    @staticmethod
    def _error_page(site: PreviewSite) -> bytes:
        if site.error_lines:
            title = "The site could not be built"
            items = "\n".join(f"<li><code>{html.escape(line)}</code></li>" for line in site.error_lines)
            text = f"<ul>{items}</ul><p>Fix the files named above; this page reloads when the build succeeds.</p>"
        else:
            title, text = "The site is being built", "<p>This page reloads when it is ready.</p>"
        page = (f"<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title></head>"
                f"<body><h1>{title}</h1>{text}</body></html>\n")
        return with_reload_script(page.encode(), site.version)

    def _send(self, status: HTTPStatus, body: bytes, content_type: str, head: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")  # a reload must show the new build, never a cached page
        self.end_headers()
        if not head:
            self.wfile.write(body)


class PreviewServer:
    """An HTTP server on 127.0.0.1 for a ``PreviewSite``, in a background thread."""

    def __init__(self, site: PreviewSite, port: int):
        handler = type("Handler", (PreviewHandler,), {"site": site})
        try:
            self._http = ThreadingHTTPServer((HOST, port), handler)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ServeError(f"port {port} is in use on {HOST}: choose another with --port") from None
            raise ServeError(f"cannot listen on {HOST} port {port}: {exc.strerror}") from None
        self._http.daemon_threads = True
        self.url = f"http://{HOST}:{self._http.server_address[1]}/"
        self._thread = threading.Thread(target=self._http.serve_forever, name="ontrack-serve", daemon=True)

    def __enter__(self) -> PreviewServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._http.shutdown()
        self._http.server_close()


def _snapshot(folders: list[Path]) -> dict[str, tuple[int, int]]:
    """(mtime, size) of every file under the folders; editors' hidden and backup files are left out."""
    files = {}
    for folder in folders:
        if folder.is_file():
            stat = folder.stat()
            files[str(folder)] = (stat.st_mtime_ns, stat.st_size)
            continue
        for root, dirs, names in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if not d.startswith((".", "__")) and d != "output")
            for name in names:
                if name.startswith((".", "#")) or name.endswith("~"):
                    continue
                path = os.path.join(root, name)
                try:
                    stat = os.stat(path)
                except FileNotFoundError:  # removed between the listing and the stat
                    continue
                files[path] = (stat.st_mtime_ns, stat.st_size)
    return files


def watched_folders(project: Path, data: Path | None) -> list[Path]:
    """Content (with site.toml), templates, the project's catalogues and the input and reference data the config names."""
    from .config import Config, load_config

    try:
        config = load_config(project)
    except OntrackError:  # a broken site.toml is still watched (it is in content/), so its fix is seen
        config = Config()
    folders = [project / "content", project / "templates", project / PROJECT_LOCALE, data or project / config.data.package,
               project / config.data.reference]
    return [f for f in dict.fromkeys(f.absolute() for f in folders)]


@dataclass
class ChangeWatcher:
    """Polls the watched files; ``wait`` returns the changed paths once they have been quiet a moment."""

    folders: Callable[[], list[Path]]

    def __post_init__(self) -> None:
        self.last = _snapshot(self.folders())

    def wait(self) -> list[str]:
        while True:
            time.sleep(POLL_SECONDS)
            current = _snapshot(self.folders())
            if current == self.last:
                continue
            # Debounce: an editor saving, or a data export writing, touches files for a while.
            while True:
                time.sleep(QUIET_SECONDS)
                settled = _snapshot(self.folders())
                if settled == current:
                    break
                current = settled
            changed = sorted(k for k in set(current) | set(self.last) if current.get(k) != self.last.get(k))
            self.last = current
            return changed


def _error_lines(error: Exception) -> list[str]:
    """What the preview page says of a failed build: the problems as ``ontrack build`` prints them, or the bug."""
    if isinstance(error, OntrackError):
        return report_lines(error)
    return [f"{type(error).__name__}: {error}"]


def serve(project: Path, port: int, data: Path | None, events: ServeEvents) -> None:
    """Serve, build, and rebuild on every change until interrupted (KeyboardInterrupt).

    The port is taken before the first build, so a busy port is reported at once; until the first
    build is done, every page says so and reloads when it is ready.
    """
    from .build import build
    from .incremental import QuickRebuild

    project = project.resolve()
    site = PreviewSite()
    with PreviewServer(site, port) as server, tempfile.TemporaryDirectory(prefix="ontrack-serve-") as scratch:
        output = Path(scratch) / "site"
        watcher = ChangeWatcher(lambda: watched_folders(project, data))

        quick = QuickRebuild(project, output)

        def rebuild(changed: list[str]) -> None:
            started = time.perf_counter()
            try:
                update = quick.update(changed)
                if update is not None:  # only the pages the edit touches, redone in the served folder
                    site.publish(output)
                    events.updated(update, time.perf_counter() - started)
                    return
                quick.forget()
                forget_catalogues()  # a project's catalogue may have changed: read it again
                summary = build(project, output, data, on_made=quick.keep)
            except Exception as exc:  # noqa: BLE001 - a bug is shown with its traceback, and the server stays up
                site.fail(_error_lines(exc))
                events.failed(exc)
                return
            site.publish(output)
            events.built(summary, time.perf_counter() - started)

        events.serving(server.url, [_shown(f, project) for f in watcher.folders()])
        rebuild([])
        while True:
            changed = watcher.wait()
            events.rebuilding([_shown(Path(p), project) for p in changed])
            rebuild(changed)


def _shown(path: Path, project: Path) -> str:
    return str(path.relative_to(project)) if path.is_relative_to(project) else str(path)

