"""Versioned static URLs: every script, style sheet and icon is linked with a hash of its bytes
(``/static/phone.js?v=3f2a9c01d4``), and a request that names the current hash may be kept for a
year. A phone that comes back after a Wi-Fi drop, or the second page of a join, fetches nothing
again; a new release changes the hash, so no phone keeps an old script.
"""
from __future__ import annotations

import hashlib
import os
from typing import Any

from flask import Flask, request
from werkzeug.security import safe_join

YEAR = 365 * 24 * 3600


class _Hashes:
    """The short hash of each static file, recomputed when its size or modification time changes."""

    def __init__(self, folder: str) -> None:
        self.folder = folder
        self._known: dict[str, tuple[tuple[int, int], str]] = {}

    def of(self, filename: str) -> str:
        path = safe_join(self.folder, filename)
        if path is None:
            return ""
        try:
            stat = os.stat(path)
        except OSError:
            return ""
        stamp = (stat.st_mtime_ns, stat.st_size)
        known = self._known.get(filename)
        if known and known[0] == stamp:
            return known[1]
        with open(path, "rb") as stored:
            digest = hashlib.sha256(stored.read()).hexdigest()[:10]
        self._known[filename] = (stamp, digest)
        return digest


def init_app(app: Flask) -> None:
    """Add ``v=<hash>`` to every ``url_for('static', ...)`` and serve a matching request for a year."""
    hashes = _Hashes(str(app.static_folder))

    @app.url_defaults
    def versioned(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static" and "filename" in values and "v" not in values:
            digest = hashes.of(str(values["filename"]))
            if digest:
                values["v"] = digest

    default_age = app.get_send_file_max_age

    def max_age(filename: str | None) -> int | None:
        asked = request.args.get("v")
        if filename and asked and asked == hashes.of(filename):
            return YEAR
        return default_age(filename)

    app.get_send_file_max_age = max_age  # type: ignore[method-assign]
