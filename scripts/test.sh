#!/usr/bin/env bash
# One command: set up (Python packages, Debian's Chromium), run the gate (ruff, then mypy: a few
# seconds, and any finding fails the run), then the whole test suite. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
.venv/bin/python -m ruff check --quiet cafe tests bench scripts
.venv/bin/python -m mypy
exec .venv/bin/python -m pytest "$@"
