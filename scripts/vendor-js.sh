#!/usr/bin/env bash
# Refresh the vendored browser client. The file is committed so that users and CI never need npm
# (venue Wi-Fi may have no internet, so nothing is loaded from a CDN either).
set -euo pipefail
version=4.8.1
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack "socket.io-client@$version" --silent >/dev/null && tar xzf "socket.io-client-$version.tgz")
cp "$tmp/package/dist/socket.io.min.js" "$here/cafe/static/vendor/socket.io.min.js"
echo "socket.io-client $version vendored"
