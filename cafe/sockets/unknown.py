"""The answer to an event no handler knows, so a client with a typo hears why nothing happened."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from cafe import limits
from cafe.errors import RateLimited
from cafe.extensions import socketio
from cafe import rooms
from cafe.sockets.common import refusal


@socketio.on("*")
def on_unknown(event: Any, data: Any = None, *_more: Any) -> dict[str, Any]:
    """Any client sends an event nobody handles; it alone is answered `unknown_event` (Socket.IO
    calls the catch-all only when no handler of that name exists, so real events never get here)."""
    name = event if isinstance(event, str) else ""
    guard = limits.limits()
    try:  # a stream of made-up events spends the connection's and address's buckets like real ones
        guard.spend([(guard.connection, rooms.sid()), (guard.address, limits.address())])
    except RateLimited as error:
        return refusal(error)
    return {"ok": False, "error": "unknown_event", "message": _("There is no event called %(name)s.", name=name[:64])}
