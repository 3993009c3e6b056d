"""Posting forms in tests as a browser does: from a page it loaded, so with the form's CSRF token."""
from __future__ import annotations

import re

from flask.testing import FlaskClient


def form_token(client, **kwargs) -> str:
    """The CSRF token a page's forms carry for this client's session (every form page has one)."""
    page = client.get("/new", **kwargs).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


class BrowserClient(FlaskClient):
    """A test client that posts forms as a browser does: from a page it loaded, so with the form's
    CSRF token. Tests of the CSRF check itself use a plain FlaskClient."""

    def open(self, *args, **kwargs):
        method = kwargs.get("method") or (args[0].method if args and hasattr(args[0], "method") else "GET")
        data = kwargs.get("data")
        if method.upper() == "POST" and isinstance(data, dict) and "csrf_token" not in data:
            where = {"base_url": kwargs["base_url"]} if "base_url" in kwargs else {}
            kwargs["data"] = {**data, "csrf_token": form_token(self, **where)}
        return super().open(*args, **kwargs)
