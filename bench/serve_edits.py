"""One edit in ``ontrack serve``: the seconds from saving a file to the open page showing the change.

    python bench/serve_edits.py                 3 edits each of a profile, a guide chapter and a template
    python bench/serve_edits.py --repeat 5 --whole 1

On a copy of the repository's project (content, datasets and its templates as
a project override) under ``bench/work/serve/``, ``ontrack serve`` runs in a
fresh process; after its first build, each edit appends a new sentence to a
text (or a new element to a template), and the clock runs from the write until
an HTTP GET of the edited page returns the new words: the watcher's polling
and quiet time, the rebuild, and the served file, all as a publisher sees
them. ``--whole N`` also times N whole ``ontrack build``s after such an edit,
as the preview rebuilt before (every page, the search index, the audit).
Results: ``bench/results/serve-edits.json`` and a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
WORK = BENCH / "work" / "serve"

#: (what is edited, the file, the page that shows it, the text after which the edit goes)
EDITS = {
    "country profile": ("content/countries/EE.md", "countries/ee/", None),
    "guide chapter": ("content/guide/03-choosing-sources.md", "guide/choosing-sources/", None),
    "template": ("templates/page.html", "about/", "{{ body | safe }}"),
}


def _project() -> Path:
    project = WORK / "project"
    for name in ("content", "datasets", "templates"):
        shutil.rmtree(project / name, ignore_errors=True)
        shutil.copytree(REPO / name, project / name)
    return project


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read()


def _edit(path: Path, marker: str, after: str | None) -> None:
    """Put ``marker`` into the file: after ``after`` in a template, else as a sentence closing the first paragraph."""
    text = path.read_text(encoding="utf-8")
    if after is not None:
        text = text.replace(after, f"<p>{marker}</p>{after}", 1)
    else:
        head, sep, body = text.partition("\n---\n")
        line = next(line for line in body.splitlines() if re.match(r"[A-Za-z]", line))
        text = head + sep + body.replace(line, f"{line} {marker}.", 1)
    path.write_text(text, encoding="utf-8")


def _settle(log: Path, seen: int, timeout: float = 600) -> int:
    """Wait until the server has reported a build or update beyond ``seen`` and its follow-up is done."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = [line for line in log.read_text().splitlines() if line.startswith(("Built ", "Redid "))]
        if len(lines) > seen:
            return len(lines)
        time.sleep(0.2)
    raise SystemExit(f"the server did not finish; see {log}")


def serve_edits(project: Path, repeat: int) -> dict[str, list[dict]]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = WORK / "serve.log"
    base = f"http://127.0.0.1:{port}/"
    with log.open("w") as out:
        server = subprocess.Popen([sys.executable, "-m", "generator.cli", "serve", str(project), "--port", str(port)],
                                  cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, stdout=out,
                                  stderr=subprocess.STDOUT)
    results: dict[str, list[dict]] = {}
    try:
        started = time.perf_counter()
        seen = _settle(log, 0, timeout=3600)
        print(f"first build: {time.perf_counter() - started:.0f} s", flush=True)
        for rep in range(repeat):
            for kind, (file, page, after) in EDITS.items():
                marker = f"Edit {rep + 1} of the {kind.replace(' ', '-')} {time.time_ns()}"
                load = os.getloadavg()[0]
                _edit(project / file, marker, after)
                t0 = time.perf_counter()
                while marker.encode() not in _get(base + page):
                    time.sleep(0.05)
                seconds = time.perf_counter() - t0
                seen = _settle(log, seen)
                said = [line for line in log.read_text().splitlines() if line.startswith(("Built ", "Redid "))][-1]
                results.setdefault(kind, []).append({"seconds": seconds, "load": load, "server": said})
                print(f"{kind}: {seconds:.2f} s on the page (load {load:.1f}); server: {said}", flush=True)
                time.sleep(1.0)  # let the follow-up (search index) start, as a publisher's next edit would
    finally:
        server.terminate()  # as Ctrl+C: the server removes its temporary folder of thousands of files
        try:
            server.wait(timeout=300)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    return results


def whole_builds(project: Path, count: int) -> list[dict]:
    """What the preview did before: a whole build after each edit."""
    runs = []
    for rep in range(count):
        _edit(project / EDITS["country profile"][0], f"Whole build {rep} {time.time_ns()}", None)
        load = os.getloadavg()[0]
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "generator.cli", "build", str(project), "--output",
                        str(WORK / "site")], cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, check=True,
                       capture_output=True)
        runs.append({"seconds": time.perf_counter() - started, "load": load})
        print(f"whole build after a profile edit: {runs[-1]['seconds']:.1f} s (load {load:.1f})", flush=True)
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="edits of each kind (the median is reported)")
    parser.add_argument("--whole", type=int, default=1, help="whole builds after an edit, for comparison")
    args = parser.parse_args()
    project = _project()
    results = {"serve": serve_edits(project, args.repeat), "whole": whole_builds(project, args.whole)}
    out = BENCH / "results"
    out.mkdir(exist_ok=True)
    (out / "serve-edits.json").write_text(json.dumps(results, indent=2))
    print("\n| edit | seconds to the open page (median) | runs | load average |\n|---|---:|---|---|")
    rows = [(kind, runs) for kind, runs in results["serve"].items()]
    rows += [("whole build after a profile edit (before)", results["whole"])] if results["whole"] else []
    for kind, runs in rows:
        seconds = [r["seconds"] for r in runs]
        loads = ", ".join(f"{r['load']:.1f}" for r in runs)
        print(f"| {kind} | {statistics.median(seconds):.2f} | {', '.join(f'{s:.2f}' for s in seconds)} | {loads} |")

if __name__ == "__main__":
    main()
