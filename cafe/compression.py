"""Gzip for text responses (pages, scripts, styles, JSON, SVG) when the browser accepts it: a phone's
first visit on slow venue Wi-Fi carries a third of the bytes. Static files are compressed once per
version and kept (a small cache, rebuilt on demand); pages are compressed per response."""
from __future__ import annotations

import gzip
import threading
from collections import OrderedDict

from flask import Flask, Response, request

TEXT_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml", "application/xml")
MIN_BYTES = 600  # below one packet gzip gains nothing
_CACHE_SIZE = 64


class _Static:
    """Compressed static files by (path, ETag)."""

    def __init__(self) -> None:
        self._items: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str], make) -> bytes:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
        body = make()
        with self._lock:
            self._items[key] = body
            while len(self._items) > _CACHE_SIZE:
                self._items.popitem(last=False)
        return body


def _compressible(response: Response) -> bool:
    if response.status_code != 200 or "Content-Encoding" in response.headers:
        return False
    if "gzip" not in request.headers.get("Accept-Encoding", "").lower():
        return False
    kind = response.mimetype or ""
    return kind.startswith(TEXT_TYPES)


def init_app(app: Flask) -> None:
    """Compress text responses after every other after_request hook has set its headers."""
    cache = _Static()

    @app.after_request
    def gzip_text(response: Response) -> Response:
        response.vary.add("Accept-Encoding")
        if not _compressible(response):
            return response
        response.direct_passthrough = False  # static files stream from disk; they are small
        body = response.get_data()
        if len(body) < MIN_BYTES:
            return response
        etag, _weak = response.get_etag()
        if request.endpoint == "static" and etag:
            # The compressed bytes are a different representation: their tag differs too, and a
            # browser revalidating with it gets 304 without a body.
            tag = f"{etag}-gz"
            if tag in request.if_none_match:
                response.status_code = 304
                response.set_data(b"")
                response.set_etag(tag)
                return response
            packed = cache.get((request.path, etag), lambda: gzip.compress(body, 9, mtime=0))
            response.set_etag(tag)
        else:
            packed = gzip.compress(body, 6, mtime=0)
        response.set_data(packed)
        response.headers["Content-Encoding"] = "gzip"
        return response
