"""Lighthouse scores of a built site: the home page, a programme page and a country page, with mobile settings.

    python bench/lighthouse.py                 the site in output/ (run `ontrack build` first)
    python bench/lighthouse.py path/to/site    another build
    python bench/lighthouse.py --runs 3        median of three runs per page

Lighthouse 12 (the last major version that runs on Node 20) is installed with npm under
``bench/work/lighthouse/`` on first use, and drives Debian's Chromium (``CHROME_PATH``, default
``/usr/bin/chromium``); it never downloads a browser. The site is served on 127.0.0.1 by a small
server that gzips text files, as any web server or CDN in front of the site would: without it the
chart bundle travels at 900 KB instead of 300 KB and the performance score measures the test server.
Lighthouse's default is a mobile phone on a throttled 4G link. Not part of the test suite: the scores
depend on the machine. The JSON reports go to ``bench/results/lighthouse-<page>.json``.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench" / "work" / "lighthouse"
RESULTS = ROOT / "bench" / "results"
LIGHTHOUSE = WORK / "node_modules" / ".bin" / "lighthouse"
VERSION = "12"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
#: The flags this workplace's machines need: no background traffic, no sandbox as root.
CHROME_FLAGS = ("--headless --no-sandbox --disable-gpu --disable-background-networking "
                "--disable-component-update --disable-sync --no-first-run")
COMPRESSIBLE = {".html", ".css", ".js", ".json", ".svg", ".xml", ".csv", ".txt"}


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, text gzipped when the browser accepts it (as a production server would)."""

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not urlsplit(self.path).path.endswith("/"):
                return super().send_head()  # the redirect to the folder's address
            path = path / "index.html"
        if ("gzip" not in self.headers.get("Accept-Encoding", "") or path.suffix not in COMPRESSIBLE
                or not path.is_file()):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def log_message(self, *args):  # keep the report readable
        pass


def install_lighthouse() -> Path:
    """Lighthouse 12 from npm under bench/work/lighthouse (once)."""
    if not LIGHTHOUSE.exists():
        WORK.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--prefix", str(WORK), "--no-audit", "--no-fund", "--ignore-scripts",
                        f"lighthouse@{VERSION}"], check=True)
    return LIGHTHOUSE


def pages_of(site: Path) -> dict[str, str]:
    """The three pages measured: home, the first programme page, a country page with a chart."""
    programme = sorted(site.glob("programmes/*/index.html"))[0].relative_to(site).as_posix()
    country = "countries/ee/index.html" if (site / "countries/ee/index.html").exists() else \
        sorted(site.glob("countries/*/index.html"))[0].relative_to(site).as_posix()
    return {"home": "index.html", "programme": programme, "country": country}


def measure(lighthouse: Path, url: str, report: Path) -> dict[str, int]:
    """One Lighthouse run: category id -> score out of 100."""
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    subprocess.run([str(lighthouse), url, "--quiet", "--output=json", f"--output-path={report}",
                    f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROME_FLAGS}"],
                   check=True, env=env)
    data = json.loads(report.read_text(encoding="utf-8"))
    return {c: round(100 * (data["categories"][c]["score"] or 0)) for c in CATEGORIES}


def failing_audits(report: Path) -> list[str]:
    """The audits that cost points, with their score, for the note under the table."""
    data = json.loads(report.read_text(encoding="utf-8"))
    out = []
    for category in CATEGORIES:
        for ref in data["categories"][category]["auditRefs"]:
            audit = data["audits"][ref["id"]]
            if ref["weight"] > 0 and audit["score"] is not None and audit["score"] < 1:
                out.append(f"{category}: {ref['id']} ({audit['score']:.2f}) {audit.get('displayValue', '')}".strip())
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", nargs="?", default=str(ROOT / "output"), help="the built site (default output/)")
    parser.add_argument("--runs", type=int, default=1, help="runs per page; the median score is shown")
    args = parser.parse_args()
    site = Path(args.site).resolve()
    if not (site / "index.html").exists():
        print(f"{site} holds no built site: run `ontrack build` first", file=sys.stderr)
        return 1
    if not shutil.which("npm"):
        print("npm is needed to install Lighthouse", file=sys.stderr)
        return 1
    lighthouse = install_lighthouse()
    RESULTS.mkdir(parents=True, exist_ok=True)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(GzipHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    rows, notes = [], []
    try:
        for name, path in pages_of(site).items():
            report = RESULTS / f"lighthouse-{name}.json"
            runs = [measure(lighthouse, base + path, report) for _ in range(args.runs)]
            rows.append((name, path, {c: int(statistics.median(r[c] for r in runs)) for c in CATEGORIES}))
            notes += [f"{name}: {line}" for line in failing_audits(report)]
    finally:
        server.shutdown()
        server.server_close()
    print(f"{'page':<10} {'performance':>11} {'accessibility':>13} {'best-practices':>14} {'seo':>4}  path")
    for name, path, score in rows:
        print(f"{name:<10} {score['performance']:>11} {score['accessibility']:>13} {score['best-practices']:>14} "
              f"{score['seo']:>4}  {path}")
    if notes:
        print("\nAudits that cost points (last run):")
        print("\n".join(f"  {line}" for line in notes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
