"""cafe: run a World Café workshop in real time."""
from __future__ import annotations

from typing import Any


def create_app(test_config: dict[str, Any] | None = None):
    """Build the Flask app; see cafe.app. Imported lazily so `cafe serve` can pick its async
    server (and monkey-patch for eventlet) before Flask, SQLAlchemy or sockets are imported."""
    from cafe.app import create_app as build

    return build(test_config)
