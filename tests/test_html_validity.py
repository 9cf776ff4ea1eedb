"""Every page of the golden site (every page type, in every language) is valid HTML, by the Nu HTML Checker
(the W3C validator, from npm's vnu-jar)."""

from __future__ import annotations

import json
import shutil
import subprocess


def test_every_page_is_valid_html(golden_build, vnu_jar):
    java = shutil.which("java")
    assert java, "Java is needed for the Nu HTML Checker: apt-get install default-jre-headless (tests/run.sh does it)"
    # One run over the whole folder (one JVM start); --skip-non-html leaves the CSV, JSON, SVG and PDF alone.
    result = subprocess.run([java, "-jar", str(vnu_jar), "--skip-non-html", "--errors-only", "--format", "json",
                             str(golden_build)], capture_output=True, text=True, timeout=600)
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    errors = [f"{m.get('url', '').rsplit(str(golden_build), 1)[-1]}:{m.get('lastLine', '?')}: {m['message']}"
              f" [{m.get('extract', '').strip()[:80]}]" for m in messages if m.get("type") in ("error", "non-document-error")]
    assert not errors, f"{len(errors)} errors:\n" + "\n".join(errors[:40])
    assert result.returncode == 0, result.stderr[-2000:]
