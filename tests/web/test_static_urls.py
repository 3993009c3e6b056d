"""Scripts and style sheets are linked by a hash of their bytes and kept for a year; an old or
missing hash is served with the short default, so no phone keeps an old release."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

from cafe import create_app

STATIC = Path(__file__).resolve().parents[2] / "cafe" / "static"


def test_pages_link_versioned_static_files_that_are_kept_for_a_year(tmp_path):
    app = create_app({"TESTING": True, "ASYNC_MODE": "threading",
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'c.sqlite3'}"})
    client = app.test_client()
    page = client.get("/new").get_data(as_text=True)
    links = re.findall(r'(?:src|href)="(/static/[^"]+)"', page)
    assert links, page[:500]
    for link in links:
        path, _, query = link.partition("?")
        digest = hashlib.sha256((STATIC / path.removeprefix("/static/")).read_bytes()).hexdigest()[:10]
        assert query == f"v={digest}", link
        with client.get(link) as kept:
            assert kept.status_code == 200
            assert "max-age=31536000" in kept.headers["Cache-Control"], (link, kept.headers["Cache-Control"])

    with client.get("/static/common.js") as plain:
        assert plain.status_code == 200 and "max-age=600" in plain.headers["Cache-Control"]
        # A script carries no page policy (only bytes on slow Wi-Fi); a page does.
        assert "Content-Security-Policy" not in plain.headers
    with client.get("/static/common.js?v=0000000000") as stale:
        assert stale.status_code == 200 and "max-age=600" in stale.headers["Cache-Control"]
    assert "script-src 'self'" in client.get("/new").headers["Content-Security-Policy"]
