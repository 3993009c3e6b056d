"""Every Socket.IO room name, in one place (cafe/live.py pushes to them, cafe/sockets puts
connections in them)."""
from __future__ import annotations

from flask import request


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


def person(cafe_id: int, participant_id: int) -> str:
    """One person's phone (or phones: the same person on two devices). A change at a table is sent
    to the rooms of the people seated there at that moment, so moving tables moves no room."""
    return f"cafe:{cafe_id}:p{participant_id}"
