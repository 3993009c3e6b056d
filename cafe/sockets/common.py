"""What every handler shares: the caller's identity, transactions, replies and emits."""
from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from flask import session
from flask_socketio import disconnect

from cafe import limits, live, store
from cafe.db import reading, transaction
from cafe.errors import CafeError, Forbidden, RateLimited
from cafe.extensions import socketio
from cafe.messages import localized
from cafe.services import utcnow
from cafe import rooms

log = logging.getLogger(__name__)


def refusal(error: RateLimited) -> dict[str, Any]:
    """The `rate_limited` reply; a connection that ignored many of them is closed as well."""
    if limits.limits().refused(rooms.sid()):
        log.warning("closed a connection from %s that kept sending after rate_limited", limits.address())
        disconnect()
    return error.reply()


def handler(role: str | tuple[str, ...], event: str, prepare: Callable | None = None, serial: bool | None = None) -> Callable:
    """Register a socket event for one role; the wrapped function gets (db_session, cafe, data)
    plus the participant for participants, and returns (reply dict, broadcasts). For several roles
    it gets (db_session, cafe, participant or None, data).

    `prepare(db_session, cafe, data)`, for events whose change needs seconds of computing (a
    theme regrouped, a re-plan), runs first in a read transaction: it computes what the change
    will need (off the event loop, cached), so that the write transaction after it, which must
    not wait for anything while it holds SQLite's write lock, finds it ready.

    `serial` (by default: for every role but participants) holds the café's row for the transaction
    (store.lock), so that changes to rounds and seating never interleave across processes; a
    participant's post, resonance or hand-over touches only its own rows and need not wait."""
    roles = role if isinstance(role, tuple) else (role,)
    serial = "participant" not in roles if serial is None else serial

    def decorate(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def wrapper(data: Any = None) -> dict[str, Any]:
            if session.get("role") not in roles:
                return Forbidden(f"Only the {' or '.join(roles)} may send {event}.").reply()
            role = session["role"]
            try:
                # before any database work: a flood costs the server a dictionary look-up, no more
                caller = session.get("participant_id") if role == "participant" else session.get("cafe_id")
                limits.limits().event(event, role, caller, rooms.sid(), limits.address())
                if prepare is not None:
                    with reading() as db:
                        prepare(db, store.cafe_by_code(db, session["code"]), data)
                with transaction() as db:
                    cafe = store.cafe_by_code(db, session["code"])
                    if serial:
                        store.lock(db, cafe)
                    args = [db, cafe]
                    if role == "participant":
                        args.append(store.participant(db, cafe, session["participant_id"]))
                    elif len(roles) > 1:
                        args.append(None)
                    reply, broadcasts = fn(*args, data)
                    pushes = live.stamp(db, broadcasts)
            except RateLimited as error:
                return refusal(error)
            except CafeError as error:
                return error.reply()
            except Exception:  # a bug must not take the connection down; the transaction rolled back
                log.exception("socket event %s failed", event)
                return {"ok": False, "error": "server_error", "message": "Something went wrong on the server."}
            live.send(pushes)
            return {"ok": True, **localized(reply)}

        socketio.on_event(event, wrapper)
        return wrapper

    return decorate


def now():
    """The services' clock (kept here so handlers read one clock)."""
    return utcnow()
