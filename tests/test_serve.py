"""``ontrack serve``: the built site over HTTP, rebuilt on every edit, and the browser reloading by itself.

The server's own behaviour (media types, 404, redirects, the reload script) is
tested in-process on a hand-made folder; the whole command runs as a
subprocess on a free port with a project made by ``ontrack new``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import REPO
from generator.scaffold import create_project
from generator.serve import PreviewServer, PreviewSite, media_type, with_reload_script

#: A build of the example project takes 10-20 s on a busy 2-core machine.
BUILD_TIMEOUT = 180


def fetch(url: str) -> tuple[int, str, bytes]:
    """(status, Content-Type, body) of a GET, errors included."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.3)
    pytest.fail(f"timed out after {timeout} s waiting for {what}")


# The server in-process, on a hand-made folder.

@pytest.fixture
def small_site(tmp_path):
    root = tmp_path / "site"
    (root / "programmes").mkdir(parents=True)
    (root / "index.html").write_bytes(b"<!doctype html><html><head><title>Home</title></head><body><p>home</p></body></html>")
    (root / "programmes" / "index.html").write_bytes(b"<html><body>programmes</body></html>")
    (root / "404.html").write_bytes(b"<html><head><title>Not found</title></head><body>Page not found</body></html>")
    for name in ("data.csv", "search.wasm", "index.pf_meta", "style.css", "SHA256SUMS"):
        (root / name).write_bytes(b"x")
    site = PreviewSite()
    site.publish(root)
    with PreviewServer(site, free_port()) as server:
        yield server.url, root, site


def test_html_gets_the_reload_script_and_the_file_on_disk_does_not(small_site):
    base, root, _ = small_site
    status, kind, body = fetch(base)
    assert status == 200 and kind == "text/html; charset=utf-8"
    assert body.endswith(b'<script src="/__ontrack/reload.js?version=1"></script>\n</body></html>')
    assert b"__ontrack" not in (root / "index.html").read_bytes()
    status, kind, script = fetch(base + "__ontrack/reload.js")
    assert status == 200 and kind.startswith("text/javascript") and b"location.reload()" in script


def test_version_changes_with_each_good_build(small_site):
    base, root, site = small_site
    assert fetch(base + "__ontrack/version")[2] == b'{"version": 1}'
    site.publish(root)
    assert fetch(base + "__ontrack/version")[2] == b'{"version": 2}'
    site.fail(["content/pages/about.md:1: broken"])  # a failed rebuild keeps the good site and its version
    assert fetch(base + "__ontrack/version")[2] == b'{"version": 2}'
    assert fetch(base)[0] == 200


@pytest.mark.parametrize("name, expected", [
    ("data.csv", "text/csv; charset=utf-8"), ("search.wasm", "application/wasm"),
    ("index.pf_meta", "application/octet-stream"), ("style.css", "text/css; charset=utf-8"),
    ("SHA256SUMS", "text/plain; charset=utf-8"),
])
def test_media_types(small_site, name, expected):
    base, _, _ = small_site
    assert fetch(base + name)[:2] == (200, expected)
    assert media_type(name) == expected


def test_missing_pages_get_the_404_page_with_links_from_the_root(small_site):
    base, _, _ = small_site
    status, kind, body = fetch(base + "programmes/no-such-programme/")
    assert (status, kind) == (404, "text/html; charset=utf-8")
    assert b"Page not found" in body and b'<base href="/">' in body
    assert fetch(base + "../../etc/passwd")[0] == 404


def test_a_folder_without_its_slash_is_redirected(small_site):
    base, _, _ = small_site
    status, _, body = fetch(base + "programmes")  # urllib follows the redirect
    assert status == 200 and body.startswith(b"<html><body>programmes")


def test_reload_script_goes_before_the_last_body_end():
    page = b"<html><body><pre>&lt;/body&gt;</pre></body></html>"
    assert with_reload_script(page, 3) == (b'<html><body><pre>&lt;/body&gt;</pre>'
                                           b'<script src="/__ontrack/reload.js?version=3"></script>\n</body></html>')


# The whole command, as a subprocess.

def serve_command(project: Path, port: int) -> list[str]:
    return [sys.executable, "-m", "generator.cli", "serve", str(project), "--port", str(port)]


def command_env() -> dict:
    return {**os.environ, "PYTHONPATH": str(REPO)}  # this checkout, not whatever ontrack is installed


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    """``ontrack serve`` on a new project; yields (base URL, project, log file)."""
    project = tmp_path_factory.mktemp("serve") / "site"
    create_project(project)
    log = project.parent / "serve.log"
    port = free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(serve_command(project, port), cwd=project.parent, env=command_env(),
                                   stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/"
    try:
        wait_for(lambda: process.poll() is None and b"Built " in log.read_bytes(), BUILD_TIMEOUT, "the first build")
        yield base, project, log
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert "Stopped." in log.read_text()
    assert not (project / "output").exists()  # serve builds elsewhere and never touches output/


def test_serve_shows_the_built_site(preview):
    base, _, _ = preview
    status, kind, body = fetch(base)
    assert status == 200 and kind == "text/html; charset=utf-8" and b"Graduate outcomes (example)" in body
    assert fetch(base + "programmes/mt-071-4-001/")[0] == 200
    assert fetch(base + "data/indicators.csv")[:2] == (200, "text/csv; charset=utf-8")
    assert fetch(base + "guide/ontrack-guide.pdf")[:2] == (200, "application/pdf")
    assert fetch(base + "no/such/page")[0] == 404


def test_an_edit_is_served_after_the_rebuild(preview):
    base, project, _ = preview
    about = project / "content" / "pages" / "about.md"
    about.write_text(about.read_text().replace("## How it is made", "## How this edited site is made"))
    wait_for(lambda: b"How this edited site is made" in fetch(base + "about/")[2], BUILD_TIMEOUT, "the edit")


def _settled_version(base: str, quiet: float = 2.0) -> bytes:
    """The preview's version once it has not changed for ``quiet`` seconds: a rebuild that an earlier test's
    edit started may still be finishing, and would move the version under this test."""
    version = fetch(base + "__ontrack/version")[2]
    deadline = time.monotonic() + BUILD_TIMEOUT
    while time.monotonic() < deadline:
        time.sleep(quiet)
        now = fetch(base + "__ontrack/version")[2]
        if now == version:
            return version
        version = now
    raise AssertionError("the preview kept rebuilding")


def test_a_failed_rebuild_is_reported_and_the_last_good_site_stays(preview):
    base, project, log = preview
    version = _settled_version(base)
    broken = project / "content" / "pages" / "broken.md"
    broken.write_text("no front matter here\n")
    try:
        wait_for(lambda: "The build failed" in log.read_text(), BUILD_TIMEOUT, "the failed build")
        assert "content/pages/broken.md:1: must start with YAML front matter" in log.read_text()
        assert fetch(base + "__ontrack/version")[2] == version
        assert fetch(base + "about/")[0] == 200
    finally:
        broken.unlink()
    wait_for(lambda: fetch(base + "__ontrack/version")[2] != version, BUILD_TIMEOUT, "the repaired build")


def test_the_page_reloads_by_itself_after_an_edit(preview, browser):
    base, project, _ = preview
    page = browser.new_page()
    try:
        page.goto(base + "guide/getting-started/")
        page.evaluate("window.notReloadedYet = true")
        chapter = project / "content" / "guide" / "01-getting-started.md"
        chapter.write_text(chapter.read_text().replace("## What to write here", "## What a reloaded page shows"))
        page.wait_for_function("document.body.textContent.includes('What a reloaded page shows')",
                               timeout=BUILD_TIMEOUT * 1000)
        assert page.evaluate("window.notReloadedYet") is None  # a fresh page, not an edited one
    finally:
        page.close()


def test_a_port_in_use_is_refused_with_a_clear_message(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(serve_command(tmp_path, port), cwd=tmp_path, env=command_env(),
                                capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert f"port {port} is in use on 127.0.0.1: choose another with --port" in result.stderr
