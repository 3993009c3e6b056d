"""Posting the app's HTML forms as a browser does: GET the page, then POST with the hidden
`csrf_token` it carries (if it has one), so these tests hold with and without CSRF protection."""
from __future__ import annotations

import re

_TOKEN = re.compile(r'name="csrf_token"[^>]*\bvalue="([^"]*)"|value="([^"]*)"[^>]*\bname="csrf_token"')


def csrf_token(page: str) -> str | None:
    """The hidden csrf_token of the first form on the page, or None."""
    found = _TOKEN.search(page)
    return (found.group(1) or found.group(2)) if found else None


def post_form(client, url: str, data: dict, **options):
    """GET `url` with a Flask test client, then POST `data` to it with the page's csrf_token."""
    page = client.get(url).get_data(as_text=True)
    token = csrf_token(page)
    if token is not None and "csrf_token" not in data:
        data = {**data, "csrf_token": token}
    return client.post(url, data=data, **options)
