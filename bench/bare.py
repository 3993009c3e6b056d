"""The bare baseline for bench/crowd.py: the least a server can do for the same room.

A minimal Flask-SocketIO app (eventlet or gevent, as chosen) that speaks the subset of the cafe
protocol the load generator uses, with the same routes, event names and payload shapes it reads:
`GET`/`POST /new` and `/j/<CODE>` (forms with a `csrf_token` field that is not checked),
`GET /f/<token>` (the page names the café's code), `/healthz`; on the socket `connect` with the
same `auth`, `state`, `sync`, `post_insight`, `start_round`, `next_round`, `start_harvest`, and the
pushed `cafe_updated`, `itinerary_changed` and `insight_posted` with `stream` and `v`.

The café lives in memory. A post is ONE SQLite insert (WAL, synchronous=NORMAL) and three emits
(its table, the dashboard, the wall); `sync` answers from memory; a round change is one broadcast
per café. The whole café is seated when round 1 starts (six to a table, rotating by round), and
each phone then gets its itinerary once, as cafe does.

    .venv/bin/python bench/bare.py --port 5001 --db /tmp/bare.sqlite3 [--async-mode eventlet]
"""
from __future__ import annotations

import argparse
import sys

ASYNC_MODE = "eventlet"
if __name__ == "__main__":
    for i, arg in enumerate(sys.argv):
        if arg == "--async-mode" and i + 1 < len(sys.argv):
            ASYNC_MODE = sys.argv[i + 1]
    if ASYNC_MODE == "eventlet":
        import eventlet

        eventlet.monkey_patch()
    else:
        from gevent import monkey

        monkey.patch_all()

import math  # noqa: E402  (after monkey-patching)
import secrets  # noqa: E402
import sqlite3  # noqa: E402
from datetime import datetime, timedelta, UTC  # noqa: E402
from typing import Any  # noqa: E402

from flask import Flask, redirect, request  # noqa: E402
from flask_socketio import SocketIO, emit, join_room  # noqa: E402

THEMES = [
    {"name": f"Theme {n}", "description": f"What theme {n} is about", "questions": [f"Question {n}.{r}" for r in (1, 2, 3)]}
    for n in range(1, 6)
]
ROUNDS, TABLE_SIZE, DURATION_S = 3, 6, 900
FORM = '<form method="post"><input type="hidden" name="csrf_token" value="bare"></form>'


class Cafe:
    def __init__(self, code: str, host_token: str) -> None:
        self.code, self.host_token = code, host_token
        self.round, self.status, self.stage = 1, "ready", "rounds"
        self.deadline: str | None = None
        self.people: list[int] = []  # person ids in join order
        self.tokens: dict[str, int] = {}
        self.seats: dict[int, list[int]] = {}  # person -> table per round (index round-1)
        self.tables = 0
        self.versions: dict[str, int] = {}
        self.insights: list[dict[str, Any]] = []
        self.ids: set[str] = set()

    def bump(self, stream: str) -> int:
        self.versions[stream] = self.versions.get(stream, 0) + 1
        return self.versions[stream]

    def public(self) -> dict[str, Any]:
        return {"code": self.code, "stage": self.stage, "round": self.round, "rounds": ROUNDS, "status": self.status,
                "duration_s": DURATION_S, "deadline": self.deadline,
                "server_now": datetime.now(UTC).isoformat()}

    def itinerary(self, person: int) -> list[dict[str, Any]]:
        seats = self.seats.get(person, [])
        return [{"round": r + 1, "table": t, "table_label": chr(64 + t) if t < 27 else str(t),
                 "theme": THEMES[(t - 1 + r) % len(THEMES)]["name"], "theme_index": (t - 1 + r) % len(THEMES)}
                for r, t in enumerate(seats)]

    def harvest(self) -> dict[str, Any]:
        counts: dict[str, int] = {}
        for insight in self.insights:
            counts[insight["theme"]] = counts.get(insight["theme"], 0) + 1
        return {"insight_count": len(self.insights), "themes": [{"theme": t, "insight_count": n} for t, n in counts.items()]}


CAFES: dict[str, Cafe] = {}
BY_HOST: dict[str, Cafe] = {}
app = Flask(__name__)
socketio = SocketIO(app, async_mode=ASYNC_MODE)
DB: sqlite3.Connection | None = None
CLIENTS: dict[str, dict[str, Any]] = {}  # sid -> who


@app.get("/healthz")
def healthz():
    return "ok"


@app.route("/new", methods=["GET", "POST"])
def new():
    if request.method == "GET":
        return FORM
    code = "".join(secrets.choice("ABCDEFGHJKMNPQRSTUVWXYZ23456789") for _ in range(6))
    cafe = Cafe(code, secrets.token_urlsafe(16))
    CAFES[code], BY_HOST[cafe.host_token] = cafe, cafe
    return redirect(f"/f/{cafe.host_token}", code=303)


@app.get("/f/<token>")
def dashboard(token: str):
    cafe = BY_HOST.get(token)
    if cafe is None:
        return "not found", 404
    return f'<script>window.CAFE = {{"code": "{cafe.code}"}}</script>'


@app.route("/j/<code>", methods=["GET", "POST"])
def join(code: str):
    cafe = CAFES.get(code.upper())
    if cafe is None:
        return "not found", 404
    if request.method == "GET":
        return FORM
    person = len(cafe.people) + 1 + 100_000 * (list(CAFES).index(cafe.code))
    token = secrets.token_urlsafe(16)
    cafe.people.append(person)
    cafe.tokens[token] = person
    response = redirect(f"/p/{cafe.code}", code=303)
    response.set_cookie(f"cafe_{cafe.code}", token, httponly=True)
    return response


def _state(who: dict[str, Any]) -> dict[str, Any]:
    cafe: Cafe = who["cafe"]
    v = cafe.versions
    if who["role"] == "participant":
        person = who["person"]
        seats = cafe.seats.get(person)
        table = seats[cafe.round - 1] if seats else None
        streams = ["cafe", f"p:{person}"] + ([f"t:{cafe.round}:{table}"] if table else [])
        mine = [i for i in cafe.insights if i["round"] == cafe.round and i["table"] == table] if table else []
        return {"role": "participant", "cafe": cafe.public(), "me": {"id": person},
                "table": {"number": table}, "insights": mine, "itinerary": cafe.itinerary(person),
                "harvest": cafe.harvest() if cafe.stage == "harvest" else None,
                "texts": {"themes": THEMES}, "versions": {s: v.get(s, 0) for s in streams}}
    if who["role"] == "facilitator":
        return {"role": "facilitator", "cafe": cafe.public(), "insights": cafe.insights,
                "harvest": cafe.harvest() if cafe.stage == "harvest" else None,
                "versions": {"cafe": v.get("cafe", 0), "facilitator": v.get("facilitator", 0)}}
    return {"role": "wall", "cafe": cafe.public(), "insights": cafe.insights,
            "versions": {"cafe": v.get("cafe", 0), "wall": v.get("wall", 0)}}


@socketio.on("connect")
def on_connect(auth: Any = None):
    if not isinstance(auth, dict):
        raise ConnectionRefusedError("auth must be an object with a role")
    role = auth.get("role")
    if role == "facilitator":
        cafe = BY_HOST.get(auth.get("host_token", ""))
        who: dict[str, Any] = {"role": role, "cafe": cafe}
    else:
        cafe = CAFES.get(str(auth.get("code", "")).upper())
        who = {"role": role, "cafe": cafe}
        if role == "participant" and cafe is not None:
            token = auth.get("participant_token") or request.cookies.get(f"cafe_{cafe.code}", "")
            who["person"] = cafe.tokens.get(token)
            if who["person"] is None:
                raise ConnectionRefusedError("unknown participant")
    if cafe is None or role not in ("facilitator", "participant", "wall"):
        raise ConnectionRefusedError("unknown café")
    CLIENTS[request.sid] = who  # type: ignore[attr-defined]
    join_room(f"c:{cafe.code}")
    if role == "participant":
        join_room(f"p:{cafe.code}:{who['person']}")
        seats = cafe.seats.get(who["person"])
        if seats:
            join_room(f"t:{cafe.code}:{cafe.round}:{seats[cafe.round - 1]}")
    else:
        join_room(f"{role}:{cafe.code}")
    emit("state", _state(who))


@socketio.on("disconnect")
def on_disconnect(*_reason: Any):
    CLIENTS.pop(request.sid, None)  # type: ignore[attr-defined]


def _me() -> dict[str, Any]:
    return CLIENTS[request.sid]  # type: ignore[attr-defined]


@socketio.on("sync")
def on_sync(_data: Any = None):
    return {"ok": True, "state": _state(_me())}


def _table_rooms(cafe: Cafe) -> None:
    """Every connected phone of the café listens to its table of the current round."""
    for sid, who in list(CLIENTS.items()):
        if who["cafe"] is cafe and who["role"] == "participant":
            seats = cafe.seats.get(who["person"])
            if seats:
                join_room(f"t:{cafe.code}:{cafe.round}:{seats[cafe.round - 1]}", sid=sid)


def _cafe_updated(cafe: Cafe, reason: str) -> None:
    socketio.emit("cafe_updated", {"reason": reason, "cafe": cafe.public(), "stream": "cafe", "v": cafe.bump("cafe")},
                  to=f"c:{cafe.code}")


def _staff(handler):
    def wrapped(_data: Any = None):
        who = _me()
        if who["role"] != "facilitator":
            return {"ok": False, "error": "forbidden", "message": "facilitator only"}
        return handler(who["cafe"])
    wrapped.__name__ = handler.__name__
    return wrapped


@socketio.on("start_round")
@_staff
def start_round(cafe: Cafe):
    if cafe.status != "ready" or cafe.stage != "rounds":
        return {"ok": False, "error": "conflict", "message": "not ready"}
    first = not cafe.seats
    if first:  # the whole café is planned at the first start, as in cafe
        cafe.tables = max(1, math.ceil(len(cafe.people) / TABLE_SIZE))
        for i, person in enumerate(cafe.people):
            cafe.seats[person] = [(i + r * (i % TABLE_SIZE)) % cafe.tables + 1 for r in range(ROUNDS)]
    cafe.status = "running"
    cafe.deadline = (datetime.now(UTC) + timedelta(seconds=DURATION_S)).isoformat()
    if first:
        _table_rooms(cafe)
        for person in cafe.people:
            stream = f"p:{person}"
            socketio.emit("itinerary_changed", {"itinerary": cafe.itinerary(person), "stream": stream, "v": cafe.bump(stream)},
                          to=f"p:{cafe.code}:{person}")
    _cafe_updated(cafe, "round_started")
    return {"ok": True}


@socketio.on("next_round")
@_staff
def next_round(cafe: Cafe):
    if cafe.stage != "rounds" or cafe.round >= ROUNDS or cafe.status == "ready":
        return {"ok": False, "error": "conflict", "message": "no next round"}
    cafe.round, cafe.status, cafe.deadline = cafe.round + 1, "ready", None
    _table_rooms(cafe)
    _cafe_updated(cafe, "next_round")
    return {"ok": True}


@socketio.on("start_harvest")
@_staff
def start_harvest(cafe: Cafe):
    if cafe.stage != "rounds" or cafe.round < ROUNDS or cafe.status == "ready":
        return {"ok": False, "error": "conflict", "message": "not yet"}
    cafe.stage, cafe.status = "harvest", "ended"
    _cafe_updated(cafe, "harvest_started")
    return {"ok": True}


@socketio.on("post_insight")
def post_insight(data: Any = None):
    who = _me()
    cafe: Cafe = who["cafe"]
    if not isinstance(data, dict) or not isinstance(data.get("id"), str) or not isinstance(data.get("text"), str) \
            or not 1 <= len(data["text"]) <= 500:
        return {"ok": False, "error": "invalid", "message": "bad insight"}
    if who["role"] != "participant":
        return {"ok": False, "error": "forbidden", "message": "participants only"}
    if cafe.stage != "rounds" or cafe.status != "running":
        return {"ok": False, "error": "conflict", "message": "no round running"}
    table = cafe.seats[who["person"]][cafe.round - 1]
    duplicate = data["id"] in cafe.ids
    if duplicate:
        insight = next(i for i in cafe.insights if i["id"] == data["id"])
        return {"ok": True, "insight": insight, "duplicate": True}
    theme = THEMES[(table - 1 + cafe.round - 1) % len(THEMES)]["name"]
    insight = {"id": data["id"], "round": cafe.round, "table": table, "theme": theme, "text": data["text"],
               "author_id": who["person"], "do_not_quote": bool(data.get("do_not_quote")),
               "posted_at": datetime.now(UTC).isoformat(), "resonance": 0}
    assert DB is not None
    with DB:
        DB.execute("INSERT INTO insights (id, cafe, round, table_no, author, text, posted_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   (insight["id"], cafe.code, cafe.round, table, who["person"], insight["text"], insight["posted_at"]))
    cafe.ids.add(insight["id"])
    cafe.insights.append(insight)
    stream = f"t:{cafe.round}:{table}"
    socketio.emit("insight_posted", {**insight, "stream": stream, "v": cafe.bump(stream)},
                  to=f"t:{cafe.code}:{cafe.round}:{table}")
    for staff in ("facilitator", "wall"):
        socketio.emit("insight_posted", {**insight, "stream": staff, "v": cafe.bump(staff)}, to=f"{staff}:{cafe.code}")
    return {"ok": True, "insight": insight, "duplicate": False}


@socketio.on("*")
def unknown(event: str, _data: Any = None):
    return {"ok": False, "error": "unknown_event", "message": f"no event {event}"}


def main() -> None:
    global DB
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--async-mode", choices=("eventlet", "gevent"), default="eventlet")
    args = parser.parse_args()
    DB = sqlite3.connect(args.db, isolation_level=None, check_same_thread=False)
    DB.execute("PRAGMA journal_mode=WAL")
    DB.execute("PRAGMA synchronous=NORMAL")
    DB.execute("CREATE TABLE insights (id TEXT PRIMARY KEY, cafe TEXT, round INT, table_no INT, author INT, text TEXT, posted_at TEXT)")
    DB.isolation_level = "DEFERRED"
    options: dict[str, Any] = {"host": "127.0.0.1", "port": args.port, "log_output": False}
    if args.async_mode == "eventlet":
        options["max_size"] = 10_000  # as cafe serve: the default pool of 1,024 caps the room
    socketio.run(app, **options)


if __name__ == "__main__":
    main()
