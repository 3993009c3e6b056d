"""Connecting, re-syncing and leaving: who the caller is and which rooms it listens in."""
from __future__ import annotations

from typing import Any

from flask import request, session
from flask_socketio import join_room, leave_room

from flask_babel import gettext as _
# socketio's own ConnectionRefusedError: its message reaches the client (the built-in one's does not)
from socketio.exceptions import ConnectionRefusedError

from cafe import languages, limits, store
from cafe import validation as check
from cafe.db import reading
from cafe.errors import CafeError, RateLimited, UnknownCode
from cafe.extensions import socketio
from cafe.messages import localized
from cafe.services import rules, views
from cafe import rooms
from cafe.sockets.common import now, refusal
from cafe.links import facilitator_urls, join_url


def _identify(auth: dict[str, Any]) -> None:
    """Check the connection's credentials and remember them for this socket."""
    role = auth.get("role")
    with reading() as db:
        if role == "facilitator":
            token = auth.get("host_token")
            if not isinstance(token, str):
                raise ConnectionRefusedError("host_token is missing")
            cafe = store.cafe_by_host_token(db, token)
            session.update(role=role, code=cafe.code, cafe_id=cafe.id, host_token=token)
        elif role in ("participant", "wall"):
            code = auth.get("code")
            if not isinstance(code, str):
                raise ConnectionRefusedError("code is missing")
            cafe = store.cafe_by_code(db, code)
            session.update(role=role, code=cafe.code, cafe_id=cafe.id)
            if role == "participant":
                token = auth.get("participant_token") or request.cookies.get(f"cafe_{cafe.code}")
                if not isinstance(token, str):
                    raise ConnectionRefusedError("participant_token is missing")
                session["participant_id"] = store.participant_by_token(db, cafe, token).id
        else:
            raise ConnectionRefusedError("role must be facilitator, participant or wall")


def _state() -> dict[str, Any]:
    """Build the caller's state and move it into the rooms that state implies (a read: the
    harvest in it may be computed off the event loop meanwhile). A phone's state reads its own
    table only (services/phone.py); the dashboard's and the wall's read the whole café."""
    with reading() as db:
        cafe = store.cafe_by_code(db, session["code"])
        role = session["role"]
        if role == "participant":
            # A phone reads the plan's texts in its own language; the dashboard and wall keep the plan's own.
            me = store.participant(db, cafe, session["participant_id"])
            state = views.phone_state(db, cafe, me, now(), join_url(cafe.code), languages.current())
            wanted = {rooms.cafe(cafe.id), rooms.person(cafe.id, me.id)}
        else:
            snap = views.Snapshot(db, cafe, now(), join_url(cafe.code), None)
            if role == "facilitator":
                state = views.facilitator_state(snap, facilitator_urls(session["host_token"], cafe.code))
                wanted = {rooms.cafe(cafe.id), rooms.facilitator(cafe.id)}
            else:
                state = views.wall_state(snap)
                wanted = {rooms.cafe(cafe.id), rooms.wall(cafe.id)}
    joined = set(session.get("rooms", []))
    for room in joined - wanted:
        leave_room(room)
    for room in wanted - joined:
        join_room(room)
    session["rooms"] = sorted(wanted)
    return state


@socketio.on("connect")
def on_connect(auth: Any = None) -> None:
    """Any client connects with its identity in `auth`; it is answered with `state` alone."""
    if not isinstance(auth, dict):
        raise ConnectionRefusedError("auth must be an object with a role")
    guard, address = limits.limits(), limits.address()
    if guard.code_block(address):
        raise ConnectionRefusedError(_("Too many wrong café codes from your network. Try again later."))
    # counted before any database work; a refused connection gives its place back at once
    refused = guard.open(rooms.sid(), address)
    if refused:
        raise ConnectionRefusedError(refused)
    try:
        _identify(auth)
        full = guard.enter(rooms.sid(), session["cafe_id"])
        if full:
            raise ConnectionRefusedError(full)  # the handler below gives its place back
        state = _state()
    except CafeError as error:
        guard.close(rooms.sid())
        if isinstance(error, UnknownCode):
            guard.wrong_code(address)
        raise ConnectionRefusedError(error.message) from None
    except BaseException:
        guard.close(rooms.sid())
        raise
    socketio.emit("state", localized(state), to=rooms.sid())


@socketio.on("disconnect")
def on_disconnect(*_reason: Any) -> None:
    """A connection closed: it no longer counts against its address or the server's cap."""
    limits.limits().close(rooms.sid())


@socketio.on("sync")
def on_sync(data: Any = None) -> dict[str, Any]:
    """Any client asks for its state again (after cafe_changed, or a gap in a stream's numbers),
    saying the numbers it has (`versions`); it gets its compact state with the current ones."""
    if "role" not in session:
        return {"ok": False, "error": "forbidden", "message": _("Not connected to a café.")}
    try:
        limits.limits().sync_event(session["role"], session.get("cafe_id"), rooms.sid(), limits.address())
        check.versions(check.payload(data, {"versions"}))
        return {"ok": True, "state": localized(_state())}
    except RateLimited as error:
        return refusal(error)
    except CafeError as error:
        return error.reply()


@socketio.on("harvest")
def on_harvest(data: Any = None) -> dict[str, Any]:
    """A phone asks for the café's harvest alone (when it starts, and after each edit of it): one
    payload shared by every phone of the café in one language, so a room of phones asking at once
    costs a look-up each, not a state each."""
    if session.get("role") != "participant":
        return {"ok": False, "error": "forbidden", "message": _("Only a participant may send harvest.")}
    try:
        limits.limits().sync_event(session["role"], session.get("cafe_id"), rooms.sid(), limits.address())
        check.payload(data, set())
        with reading() as db:
            cafe = store.cafe_by_code(db, session["code"])
            harvest = (views.phone_harvest(db, cafe, now(), join_url(cafe.code), languages.current())
                       if rules.cafe_of(cafe).in_harvest else None)
        return {"ok": True, "harvest": localized(harvest)}
    except RateLimited as error:
        return refusal(error)
    except CafeError as error:
        return error.reply()
