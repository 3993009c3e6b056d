"""Socket.IO handlers: validate, call a service, emit to rooms."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the handlers: importing the modules binds them to the shared SocketIO
    (once per process; SocketIO keeps the list for every app it is attached to)."""
    from cafe.sockets import curation, facilitator, participant, session, unknown  # noqa: F401
