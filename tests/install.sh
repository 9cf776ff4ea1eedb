#!/usr/bin/env bash
# Make or reuse the virtual environment .venv with ontrack in it, and install the system packages it needs,
# on a Debian or Ubuntu machine. A venv because Debian and Ubuntu refuse `pip install` into the system
# Python (PEP 668, "externally-managed-environment").
# Usage: bash tests/install.sh         what `ontrack build` needs (the README's quick start)
#        bash tests/install.sh test    also what the tests need (tests/run.sh calls this)
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-}"
python="${PYTHON:-python3}"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Debian's packages: Pango for WeasyPrint and a font (the guide PDF); for the tests, Debian's Chromium (never a
# browser downloaded by a test tool), poppler to read the PDF back, Java (17 or newer) for the HTML checker and
# for Spark in tests/test_spark.py, npm for the browser tests' helpers.
missing=()
has_package() { dpkg -s "$1" >/dev/null 2>&1; }
"$python" -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)  # Debian ships ensurepip apart
has_package libpango-1.0-0 || missing+=(libpango-1.0-0)
has_package libpangoft2-1.0-0 || missing+=(libpangoft2-1.0-0)
has_package fonts-dejavu-core || missing+=(fonts-dejavu-core)
if [ "$mode" = test ]; then
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
  command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "tests/install.sh: install these first (Debian names): ${missing[*]}" >&2
    exit 1
  fi
  # Another apt (unattended upgrades, a second job) may hold the lock: wait up to ten minutes for it.
  as_root apt-get -o DPkg::Lock::Timeout=600 update -qq
  as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "tests/install.sh: ontrack needs Python 3.11 or newer; $python is $("$python" -V 2>&1)." \
       "Set PYTHON=/path/to/python3.11 (or newer) and run this again." >&2
  exit 1
fi

# A venv whose Python is gone (an upgrade) or that has no pip (made without ensurepip) is made again.
if ! .venv/bin/python -m pip --version >/dev/null 2>&1; then
  rm -rf .venv
  "$python" -m venv .venv
fi

# pip runs again only when pyproject.toml changed since the last install of the same extra.
extra="${mode:+[$mode]}"
stamp=".venv/.ontrack-installed${mode:+-$mode}"
if [ ! "$stamp" -nt pyproject.toml ]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check -e ".$extra"
  touch "$stamp"
fi

# axe-core (accessibility rules) and vnu-jar (the Nu HTML Checker), at the versions in tests/package-lock.json.
# --ignore-scripts: vnu-jar's install script would fetch a Java runtime; Debian's JRE above is used instead.
if [ "$mode" = test ] && [ ! tests/node_modules/.package-lock.json -nt tests/package-lock.json ]; then
  npm ci --prefix tests --no-audit --no-fund --ignore-scripts --loglevel=error
fi
