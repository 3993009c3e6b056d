#!/usr/bin/env bash
# One command: set up and start the facilitator's server on SQLite (in ./instance).
# Extra arguments go to `cafe serve` (try --help). `scripts/serve.sh demo` starts the live demo.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
if [ "${1:-}" = "demo" ]; then
  shift
  exec .venv/bin/cafe demo "$@"
fi
exec .venv/bin/cafe serve "$@"
