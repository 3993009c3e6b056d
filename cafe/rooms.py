"""Every Socket.IO room name, in one place (the socket handlers and the HTTP pages both emit to them)."""
from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from flask import request

if TYPE_CHECKING:
    from cafe.services import Broadcast


def sid() -> str:
    """The current connection's id, which is also its own room (set by Flask-SocketIO per event)."""
    return request.sid  # type: ignore[attr-defined]  # Flask-SocketIO adds it to the request



def cafe(cafe_id: int) -> str:
    """Every screen of a café."""
    return f"cafe:{cafe_id}"


def facilitator(cafe_id: int) -> str:
    return f"cafe:{cafe_id}:facilitator"


def wall(cafe_id: int) -> str:
    return f"cafe:{cafe_id}:wall"


def table(cafe_id: int, round_no: int, number: int) -> str:
    """The phones seated at one table in one round."""
    return f"cafe:{cafe_id}:r{round_no}:t{number}"


def for_audience(audience: tuple) -> list[str]:
    """Rooms for a services.Broadcast audience."""
    kind, cafe_id, *rest = audience
    if kind == "cafe":
        return [cafe(cafe_id)]
    if kind == "facilitator":
        return [facilitator(cafe_id)]
    if kind == "wall":
        return [wall(cafe_id)]
    if kind == "staff":
        return [facilitator(cafe_id), wall(cafe_id)]
    if kind == "table":
        return [table(cafe_id, *rest)]
    raise ValueError(f"unknown audience {audience!r}")


def emit_all(broadcasts: Iterable[Broadcast]) -> None:
    """Emit after the transaction committed, so no screen hears of a change that was rolled back
    (socket handlers and HTTP forms alike)."""
    from cafe.extensions import socketio

    for item in broadcasts:
        # who may read what (e.g. a "do not quote me" insight) was decided by the services
        for room in for_audience(item.audience):
            socketio.emit(item.event, item.payload, to=room)
