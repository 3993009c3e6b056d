#!/usr/bin/env bash
# Set up cafe on a fresh Debian machine (as root) or any machine with Python 3.11+.
#   scripts/setup.sh          the server: a virtualenv in .venv with cafe installed
#   scripts/setup.sh --test   also the test tools and Debian's Chromium for the browser tests
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

apt_packages=()
python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || apt_packages+=(python3)
python3 -m venv --help >/dev/null 2>&1 || apt_packages+=(python3-venv)
python3 -c 'import ensurepip' >/dev/null 2>&1 || apt_packages+=(python3-venv python3-pip)
# Fonts the PDF report falls back on for scripts its shipped DejaVu lacks (small packages, about 4 MB):
# Chinese and Japanese, Korean, Devanagari, black-and-white emoji.
[ -f /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf ] || apt_packages+=(fonts-droid-fallback)
[ -f /usr/share/fonts/truetype/alee/Guseul.ttf ] || apt_packages+=(fonts-alee)
[ -f /usr/share/fonts/truetype/lohit-devanagari/Lohit-Devanagari.ttf ] || apt_packages+=(fonts-lohit-deva)
[ -f /usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf ] || apt_packages+=(fonts-symbola)
if [ "$want_test" = 1 ]; then
  # Browser tests drive Debian's Chromium; scale-out tests run real PostgreSQL and Redis servers.
  [ -x /usr/bin/chromium ] || apt_packages+=(chromium fonts-dejavu-core)
  command -v redis-server >/dev/null 2>&1 || apt_packages+=(redis-server)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || apt_packages+=(postgresql)
fi
if [ "${#apt_packages[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: please install these Debian packages (as root): ${apt_packages[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${apt_packages[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
if [ "$want_test" = 1 ]; then
  .venv/bin/python -m pip install -q -e ".[test]"
else
  .venv/bin/python -m pip install -q -e .
fi
