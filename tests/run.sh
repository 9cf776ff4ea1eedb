#!/usr/bin/env bash
# Install everything the tests need on a fresh Debian machine, then run the whole suite.
# Usage: bash tests/run.sh [pytest options]
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# System packages: Debian's Chromium for the browser tests (never a browser downloaded by a test tool),
# poppler to read the guide PDF back, Pango for WeasyPrint, a font for the PDF, Java for the HTML checker.
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
command -v npm >/dev/null 2>&1 || missing+=(npm)
dpkg -s libpango-1.0-0 >/dev/null 2>&1 || missing+=(libpango-1.0-0)
dpkg -s libpangoft2-1.0-0 >/dev/null 2>&1 || missing+=(libpangoft2-1.0-0)
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || missing+=(fonts-dejavu-core)
if [ "${#missing[@]}" -gt 0 ]; then
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

python3 -m pip install -q --disable-pip-version-check -e ".[test]"

# axe-core (accessibility rules) and vnu-jar (the Nu HTML Checker), at the versions in tests/package-lock.json.
# --ignore-scripts: vnu-jar's install script would fetch a Java runtime; Debian's JRE above is used instead.
if [ ! tests/node_modules/.package-lock.json -nt tests/package-lock.json ]; then
  npm ci --prefix tests --no-audit --no-fund --ignore-scripts --loglevel=error
fi

python3 -m pytest -q "$@"
