#!/usr/bin/env bash
# The test command (README.md; CI runs exactly this, .ci/run): install what the tests need into .venv and
# the system (tests/install.sh), lint with ruff, run the whole suite with pytest.
# Usage: bash tests/run.sh [pytest options]
# Exit status: pytest's when the tests fail; otherwise ruff's (1 when it found a problem), else 0.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tests/install.sh test

lint=0
.venv/bin/ruff check --quiet . || lint=$?
tests=0
.venv/bin/python -m pytest -q "$@" || tests=$?

if [ "$tests" -ne 0 ]; then
  exit "$tests"
fi
if [ "$lint" -ne 0 ]; then
  echo "tests/run.sh: the tests passed, but ruff found the problems listed above." >&2
fi
exit "$lint"
