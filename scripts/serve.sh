#!/usr/bin/env bash
# One command: set up and start the facilitator's server on SQLite (in ./instance).
# Extra arguments go to `cafe serve` (try --help). `scripts/serve.sh demo` starts the live demo.
# The install step runs only when the package's description changed since the last one (a stamp
# of pyproject.toml's and setup.sh's hash in .venv), so a start takes a second, not a pip run.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=.venv/.cafe-installed
wanted="$(cat pyproject.toml scripts/setup.sh | sha256sum | cut -d' ' -f1)"
if [ ! -x .venv/bin/cafe ] || [ "$(cat "$stamp" 2>/dev/null || true)" != "$wanted" ]; then
  scripts/setup.sh
  echo "$wanted" > "$stamp"
fi
if [ "${1:-}" = "demo" ]; then
  shift
  exec .venv/bin/cafe demo "$@"
fi
exec .venv/bin/cafe serve "$@"
