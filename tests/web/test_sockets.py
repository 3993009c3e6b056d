"""The Socket.IO protocol (docs/protocol.md) with several test clients at once: who receives
what, who does not, what each role may do, and what a malformed message leaves behind (nothing).
Plus the HTTP routes phones, walls and facilitators open."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from cafe.db import transaction
from cafe.extensions import socketio
from cafe.limits import Limits
from cafe.models import (
    CafeRow, HandoverRow, InsightRow, NudgeRow, ParticipantRow, ResonanceRow, SeatRow, TableRow,
)

TABLE_EVENTS = ("insight_posted", "insight_resonated", "handover_submitted")


def new_id() -> str:
    return str(uuid.uuid4())


def names(client) -> list[str]:
    """Drain a Socket.IO test client; the names of the events it had received."""
    return [message["name"] for message in client.get_received()]


def unnumbered(payload):
    """A pushed payload without its stream number (`stream`, `v`: checked in test_live_core.py)."""
    return {k: v for k, v in payload.items() if k not in ("stream", "v")} if isinstance(payload, dict) else payload


def received(client, event: str) -> list:
    return [unnumbered(message["args"][0]) for message in client.get_received() if message["name"] == event]


def drain(*clients) -> None:
    for client in clients:
        client.get_received()


def connect_wall(app, code: str):
    wall = socketio.test_client(app, auth={"role": "wall", "code": code})
    assert wall.is_connected()
    return wall


class Room:
    """A café with its round running: a dashboard, a wall and phones at tables 1 and 2."""

    def __init__(self, facilitator, people: int = 6) -> None:
        self.facilitator = facilitator
        self.app = facilitator.app
        self.phones = facilitator.join(people)
        facilitator.do("start_round")
        self.wall = connect_wall(self.app, facilitator.code)
        self.at: dict[int, list] = {}
        self.me: dict[int, dict] = {}
        for phone in self.phones:
            state = phone.state()
            phone.pid = state["me"]["id"]
            phone.table = state["table"]["number"]
            phone.is_host = state["me"]["is_host"]
            self.at.setdefault(phone.table, []).append(phone)
        assert set(self.at) == {1, 2}
        self.drain()

    def drain(self) -> None:
        drain(self.facilitator.socket, self.wall, *(phone.socket for phone in self.phones))

    def host(self, table: int):
        return next(phone for phone in self.at[table] if phone.is_host)

    def guest(self, table: int, index: int = 0):
        return [phone for phone in self.at[table] if not phone.is_host][index]


@pytest.fixture
def room(facilitator) -> Room:
    return Room(facilitator)


def stored(app) -> dict:
    """Everything a refused event must leave as it was."""
    with app.app_context(), transaction() as db:
        cafe = db.scalars(select(CafeRow)).one()
        count = lambda row: db.scalar(select(func.count()).select_from(row))  # noqa: E731
        return {
            "cafe": (cafe.stage, cafe.round, cafe.status, cafe.deadline, cafe.duration_s, cafe.remaining_s),
            "insights": sorted((i.id, i.text, i.do_not_quote) for i in db.scalars(select(InsightRow))),
            "resonances": count(ResonanceRow),
            "handovers": sorted((h.round, h.table_number, tuple(h.bullets)) for h in db.scalars(select(HandoverRow))),
            "nudges": count(NudgeRow),
            "participants": count(ParticipantRow),
            "seats": sorted((s.participant_id, s.round, s.table_number) for s in db.scalars(select(SeatRow))),
            "hosts": sorted((t.number, t.host_id) for t in db.scalars(select(TableRow))),
        }


def insight_count(app) -> int:
    with app.app_context(), transaction() as db:
        return db.scalar(select(func.count()).select_from(InsightRow))


# ------------------------------------------------------------ insights: who hears of them


def test_an_insight_reaches_its_tables_phones_the_dashboard_and_the_wall_but_no_other_table(room):
    author, neighbour = room.at[1][0], room.at[1][1]
    reply = author.emit("post_insight", {"id": new_id(), "text": "Peer support needs paid time", "do_not_quote": False})
    assert reply["ok"] and reply["duplicate"] is False
    assert reply["insight"]["text"] == "Peer support needs paid time"
    assert reply["insight"]["table"] == 1
    for phone in room.at[1]:
        assert [i["text"] for i in received(phone.socket, "insight_posted")] == ["Peer support needs paid time"]
    for phone in room.at[2]:
        assert "insight_posted" not in names(phone.socket)
    assert len(received(room.facilitator.socket, "insight_posted")) == 1
    assert len(received(room.wall, "insight_posted")) == 1
    assert [i["text"] for i in neighbour.state()["insights"]] == ["Peer support needs paid time"]
    assert room.at[2][0].state()["insights"] == []


def test_a_do_not_quote_insights_words_never_reach_the_wall(room):
    author = room.at[2][0]
    secret = "Please keep this between us"
    assert author.emit("post_insight", {"id": new_id(), "text": secret, "do_not_quote": True})["ok"]
    # the wall hears that a note was added (its counts are the dashboard's), never what it says
    [told] = received(room.wall, "insight_posted")
    assert (told["text"], told["author"], told["private"]) == (None, None, True)
    [seen] = received(room.facilitator.socket, "insight_posted")
    assert seen["do_not_quote"] is True
    assert len(received(room.at[2][1].socket, "insight_posted")) == 1
    wall_state = room.wall.emit("sync", {}, callback=True)["state"]
    assert secret not in str(wall_state)


def test_posting_the_same_id_twice_stores_once_and_broadcasts_once(room):
    author, neighbour = room.at[1][0], room.at[1][1]
    insight = {"id": new_id(), "text": "Said once"}
    first = author.emit("post_insight", insight)
    again = author.emit("post_insight", insight)
    assert first["ok"] and again["ok"]
    assert (first["duplicate"], again["duplicate"]) == (False, True)
    assert again["insight"]["id"] == first["insight"]["id"]
    assert insight_count(room.app) == 1
    assert len(received(neighbour.socket, "insight_posted")) == 1
    assert len(received(room.facilitator.socket, "insight_posted")) == 1
    assert len(received(room.wall, "insight_posted")) == 1


def test_an_insight_id_used_by_someone_else_is_a_conflict(room):
    taken = new_id()
    assert room.at[1][0].emit("post_insight", {"id": taken, "text": "Mine"})["ok"]
    room.drain()
    before = stored(room.app)
    reply = room.at[1][1].emit("post_insight", {"id": taken, "text": "Also mine?"})
    assert reply["ok"] is False and reply["error"] == "conflict"
    assert stored(room.app) == before
    assert "insight_posted" not in names(room.facilitator.socket)
    assert "insight_posted" not in names(room.at[1][0].socket)


def test_an_insight_written_offline_in_an_earlier_round_is_filed_at_that_rounds_table(room):
    writer = room.guest(1)
    room.facilitator.do("next_round")  # round 2 is ready: new posts wait, late ones from round 1 do not
    room.drain()
    reply = writer.emit("post_insight", {"id": new_id(), "text": "Written on the way", "round": 1})
    assert reply["ok"], reply
    assert (reply["insight"]["round"], reply["insight"]["table"]) == (1, 1)
    assert len(received(room.facilitator.socket, "insight_posted")) == 1
    assert writer.emit("post_insight", {"id": new_id(), "text": "Too early for round 2", "round": 2})["error"] == "conflict"


def test_an_insight_is_refused_before_the_round_starts(facilitator):
    [phone] = facilitator.join(1)
    reply = phone.emit("post_insight", {"id": new_id(), "text": "Too early"})
    assert reply["ok"] is False and reply["error"] == "conflict"
    assert insight_count(facilitator.app) == 0


# ------------------------------------------------------------ resonance


def test_resonance_counts_once_per_person(room):
    author, reader = room.at[1][0], room.at[1][1]
    insight_id = author.emit("post_insight", {"id": new_id(), "text": "Worth a nod"})["insight"]["id"]
    room.drain()
    first = reader.emit("resonate", {"insight_id": insight_id})
    assert first == {"ok": True, "insight_id": insight_id, "resonance": 1, "duplicate": False}
    again = reader.emit("resonate", {"insight_id": insight_id})
    assert again == {"ok": True, "insight_id": insight_id, "resonance": 1, "duplicate": True}
    assert received(author.socket, "insight_resonated") == [{"insight_id": insight_id, "resonance": 1}]
    assert len(received(room.facilitator.socket, "insight_resonated")) == 1
    assert len(received(room.wall, "insight_resonated")) == 1
    assert "insight_resonated" not in names(room.at[2][0].socket)
    assert insight_id in reader.state()["resonated"]


def test_a_participant_may_not_resonate_an_insight_of_another_table(room):
    insight_id = room.at[1][0].emit("post_insight", {"id": new_id(), "text": "Table one only"})["insight"]["id"]
    room.drain()
    reply = room.at[2][0].emit("resonate", {"insight_id": insight_id})
    assert reply["ok"] is False and reply["error"] == "forbidden"
    assert stored(room.app)["resonances"] == 0
    assert "insight_resonated" not in names(room.at[1][0].socket)


def test_resonating_an_unknown_insight_is_not_found(room):
    reply = room.at[1][0].emit("resonate", {"insight_id": new_id()})
    assert reply["ok"] is False and reply["error"] == "not_found"


# ------------------------------------------------------------ hand-overs


def test_only_the_table_host_may_hand_over(room):
    reply = room.guest(1).emit("submit_handover", {"bullets": ["Not mine to write"]})
    assert reply["ok"] is False and reply["error"] == "forbidden"
    assert stored(room.app)["handovers"] == []


def test_the_hosts_handover_reaches_the_dashboard_and_that_tables_phones(room):
    host = room.host(2)
    reply = host.emit("submit_handover", {"bullets": ["Pay people for their time", "Start early"]})
    assert reply["ok"], reply
    assert reply["handover"]["bullets"] == ["Pay people for their time", "Start early"]
    assert reply["handover"]["table"] == 2
    for phone in room.at[2]:
        assert [h["bullets"] for h in received(phone.socket, "handover_submitted")] == [["Pay people for their time", "Start early"]]
    for phone in room.at[1]:
        assert "handover_submitted" not in names(phone.socket)
    assert len(received(room.facilitator.socket, "handover_submitted")) == 1


def test_sending_a_handover_again_replaces_it(room):
    host = room.host(1)
    assert host.emit("submit_handover", {"bullets": ["First draft"]})["ok"]
    assert host.emit("submit_handover", {"bullets": ["Final", "Words"]})["ok"]
    assert stored(room.app)["handovers"] == [(1, 1, ("Final", "Words"))]


def test_a_handover_needs_one_to_five_short_bullets(room):
    host = room.host(1)
    for bullets in ([], ["  ", ""], ["one", "two", "three", "four", "five", "six"], ["x" * 201]):
        reply = host.emit("submit_handover", {"bullets": bullets})
        assert (reply["ok"], reply.get("error")) == (False, "invalid"), bullets
    assert stored(room.app)["handovers"] == []
    assert "handover_submitted" not in names(room.facilitator.socket)
    assert host.emit("submit_handover", {"bullets": ["a", "b", "c", "d", "x" * 200]})["ok"]


# ------------------------------------------------------------ the facilitator's voice and powers


def test_a_nudge_reaches_every_phone_the_wall_and_the_dashboard(room):
    room.facilitator.do("nudge", {"text": "Five minutes left"})
    for client in [phone.socket for phone in room.phones] + [room.wall, room.facilitator.socket]:
        [nudge] = received(client, "nudged")
        assert nudge["text"] == "Five minutes left"
        assert nudge["at"]
    assert room.phones[0].state()["cafe"]["last_nudge"]["text"] == "Five minutes left"


def test_round_changes_reach_every_screen_as_one_cafe_updated(room):
    room.facilitator.do("pause_round")
    for client in [phone.socket for phone in room.phones] + [room.wall, room.facilitator.socket]:
        [update] = received(client, "cafe_updated")
        assert update["reason"] == "round_paused" and update["cafe"]["status"] == "paused"
        assert update["cafe"]["round"] == 1 and update["cafe"]["remaining_s"] > 0


FACILITATOR_EVENTS = [
    ("start_round", {}),
    ("pause_round", {}),
    ("resume_round", {}),
    ("extend_round", {"minutes": 5}),
    ("end_round", {}),
    ("next_round", {}),
    ("start_harvest", {}),
    ("nudge", {"text": "I am not the facilitator"}),
    ("reassign", {"participant_id": 1, "table": 2}),
    ("set_host", {"table": 1, "participant_id": None}),
]


def refusals(sender, events, expected: str) -> list[str]:
    """Send every (event, payload); the replies that are not the expected refusal."""
    wrong = []
    for event, payload in events:
        reply = sender.emit(event, payload, callback=True)
        if reply.get("ok") is not False or reply.get("error") != expected or not reply.get("message"):
            wrong.append(f"{event} {payload!r} -> {reply!r}")
    return wrong


def test_a_participant_may_send_no_facilitator_event(room):
    before = stored(room.app)
    assert refusals(room.at[1][0].socket, FACILITATOR_EVENTS, "forbidden") == []
    assert stored(room.app) == before
    assert names(room.facilitator.socket) == []
    assert names(room.at[2][0].socket) == []


def test_the_wall_may_send_no_facilitator_event(room):
    before = stored(room.app)
    assert refusals(room.wall, FACILITATOR_EVENTS, "forbidden") == []
    assert stored(room.app) == before
    assert names(room.at[1][0].socket) == []


PARTICIPANT_EVENTS = [
    ("post_insight", {"id": "8c3f7d3e-44a1-4a52-9d5e-0e6a3cf1d2b7", "text": "From the laptop"}),
    ("resonate", {"insight_id": "8c3f7d3e-44a1-4a52-9d5e-0e6a3cf1d2b7"}),
    ("submit_handover", {"bullets": ["From the laptop"]}),
]


def test_the_facilitator_and_the_wall_may_send_no_participant_event(room):
    before = stored(room.app)
    assert refusals(room.facilitator.socket, PARTICIPANT_EVENTS, "forbidden") == []
    assert refusals(room.wall, PARTICIPANT_EVENTS, "forbidden") == []
    assert stored(room.app) == before


# ------------------------------------------------------------ malformed payloads change nothing


UUID = "0b9c8f5e-2a57-4e0f-9b44-3f1f1e7e6a10"
BAD_PAYLOADS = [
    # post_insight
    ("phone", "post_insight", "just text"),
    ("phone", "post_insight", [UUID, "text"]),
    ("phone", "post_insight", 42),
    ("phone", "post_insight", {"id": UUID, "text": "ok", "extra": 1}),
    ("phone", "post_insight", {"text": "no id"}),
    ("phone", "post_insight", {"id": UUID}),
    ("phone", "post_insight", {"id": 12345, "text": "id is a number"}),
    ("phone", "post_insight", {"id": "not-a-uuid", "text": "bad id"}),
    ("phone", "post_insight", {"id": UUID + "0", "text": "bad id"}),
    ("phone", "post_insight", {"id": UUID, "text": 5}),
    ("phone", "post_insight", {"id": UUID, "text": ["a list"]}),
    ("phone", "post_insight", {"id": UUID, "text": "x" * 501}),
    ("phone", "post_insight", {"id": UUID, "text": ""}),
    ("phone", "post_insight", {"id": UUID, "text": "   \n  "}),
    ("phone", "post_insight", {"id": UUID, "text": "ok", "do_not_quote": 1}),
    ("phone", "post_insight", {"id": UUID, "text": "ok", "do_not_quote": "yes"}),
    ("phone", "post_insight", {"id": UUID, "text": "ok", "round": 0}),
    ("phone", "post_insight", {"id": UUID, "text": "ok", "round": True}),
    ("phone", "post_insight", {"id": UUID, "text": "ok", "round": "1"}),
    ("phone", "post_insight", {"id": UUID, "text": "ok", "round": 1.5}),
    # resonate
    ("phone", "resonate", "x"),
    ("phone", "resonate", {}),
    ("phone", "resonate", {"insight_id": UUID, "also": True}),
    ("phone", "resonate", {"insight_id": "nope"}),
    ("phone", "resonate", {"insight_id": 7}),
    ("phone", "resonate", {"insight_id": True}),
    # submit_handover (sent by a host, so only the payload can be wrong)
    ("host", "submit_handover", "bullet"),
    ("host", "submit_handover", {}),
    ("host", "submit_handover", {"bullets": "not a list"}),
    ("host", "submit_handover", {"bullets": [1, 2]}),
    ("host", "submit_handover", {"bullets": ["ok"], "more": 1}),
    ("host", "submit_handover", {"bullets": ["ok", "x" * 201]}),
    # facilitator events without fields
    *[("laptop", event, bad) for event in ("start_round", "pause_round", "resume_round", "end_round", "next_round", "start_harvest")
      for bad in ("go", [1], {"now": True})],
    # extend_round
    ("laptop", "extend_round", {"minutes": 0}),
    ("laptop", "extend_round", {"minutes": 31}),
    ("laptop", "extend_round", {"minutes": -5}),
    ("laptop", "extend_round", {"minutes": True}),
    ("laptop", "extend_round", {"minutes": "5"}),
    ("laptop", "extend_round", {"minutes": 2.5}),
    ("laptop", "extend_round", {"minutes": None}),
    ("laptop", "extend_round", {}),
    ("laptop", "extend_round", {"minutes": 5, "seconds": 3}),
    ("laptop", "extend_round", 5),
    # nudge
    ("laptop", "nudge", {"text": ""}),
    ("laptop", "nudge", {"text": "  "}),
    ("laptop", "nudge", {"text": "x" * 201}),
    ("laptop", "nudge", {"text": 3}),
    ("laptop", "nudge", {}),
    ("laptop", "nudge", {"text": "hi", "to": "all"}),
    ("laptop", "nudge", "hi"),
    # reassign
    ("laptop", "reassign", {"participant_id": "1", "table": 2}),
    ("laptop", "reassign", {"participant_id": True, "table": 2}),
    ("laptop", "reassign", {"participant_id": 1, "table": True}),
    ("laptop", "reassign", {"participant_id": 1, "table": 0}),
    ("laptop", "reassign", {"participant_id": 1}),
    ("laptop", "reassign", {"table": 2}),
    ("laptop", "reassign", {"participant_id": 1.0, "table": 2}),
    ("laptop", "reassign", {"participant_id": 1, "table": 2, "why": "x"}),
    ("laptop", "reassign", [1, 2]),
    # set_host
    ("laptop", "set_host", {"table": 1}),
    ("laptop", "set_host", {"participant_id": 1}),
    ("laptop", "set_host", {"table": "1", "participant_id": 1}),
    ("laptop", "set_host", {"table": 1, "participant_id": True}),
    ("laptop", "set_host", {"table": 1, "participant_id": "x"}),
    ("laptop", "set_host", {"table": 1, "participant_id": 1, "extra": None}),
    # sync takes an empty object
    ("phone", "sync", "x"),
    ("phone", "sync", {"unknown": 1}),
    ("laptop", "sync", [1]),
]


def _sender(room: Room, who: str):
    if who == "laptop":
        return room.facilitator.socket
    return (room.host(1) if who == "host" else room.guest(1)).socket


def invalid_replies(room: Room, cases) -> list[str]:
    """Send every (sender, event, payload); the replies that are not a clear `invalid` refusal."""
    wrong = []
    for who, event, payload in cases:
        # this checks validation, one payload after another: full buckets for each (limits: tests/safety)
        room.app.extensions["cafe_limits"] = Limits(room.app.config)
        reply = _sender(room, who).emit(event, payload, callback=True)
        message = reply.get("message")
        if reply.get("ok") is not False or reply.get("error") != "invalid" or not (isinstance(message, str) and message.strip()):
            wrong.append(f"{event} {payload!r} -> {str(reply)[:160]}")
    return wrong


def test_malformed_payloads_of_every_event_are_invalid_and_change_nothing(room):
    # The round is running, so a payload that slipped through would change something.
    before = stored(room.app)
    assert invalid_replies(room, [case for case in BAD_PAYLOADS if case[1] != "sync"]) == []
    assert stored(room.app) == before
    for client in (room.facilitator.socket, room.wall, room.at[1][0].socket, room.at[2][0].socket):
        assert names(client) == []


def test_a_malformed_sync_is_invalid(room):
    assert invalid_replies(room, [case for case in BAD_PAYLOADS if case[1] == "sync"]) == []


def test_text_of_exactly_500_characters_is_accepted(room):
    assert room.guest(1).emit("post_insight", {"id": new_id(), "text": "y" * 500})["ok"]


# ------------------------------------------------------------ who may connect


@pytest.mark.parametrize(
    "auth",
    [
        None,
        "facilitator",
        {},
        {"role": "admin", "code": "{code}"},
        {"role": "facilitator"},
        {"role": "facilitator", "host_token": "not-the-token"},
        {"role": "facilitator", "host_token": 12345},
        {"role": "wall"},
        {"role": "wall", "code": "ZZZZZZ"},
        {"role": "participant", "code": "ZZZZZZ"},
        {"role": "participant", "code": "{code}"},
        {"role": "participant", "code": "{code}", "participant_token": "forged"},
    ],
    ids=["no-auth", "auth-not-object", "empty", "unknown-role", "no-host-token", "wrong-host-token", "host-token-number",
         "wall-no-code", "wall-unknown-code", "participant-unknown-code", "participant-without-cookie", "participant-forged-token"],
)
def test_a_connection_with_a_bad_identity_is_refused(app, facilitator, auth):
    if isinstance(auth, dict):
        auth = {key: value.format(code=facilitator.code) if isinstance(value, str) else value for key, value in auth.items()}
    client = socketio.test_client(app, auth=auth)
    assert not client.is_connected()


def test_a_phone_of_another_cafe_may_not_connect_here(app, facilitator):
    [phone] = facilitator.join(1)
    other = type(facilitator)(app)
    token = phone.http.get_cookie(f"cafe_{facilitator.code}").value
    client = socketio.test_client(app, auth={"role": "participant", "code": other.code, "participant_token": token})
    assert not client.is_connected()


def test_every_role_gets_its_state_alone_on_connect(app, facilitator):
    [phone] = facilitator.join(1)
    drain(facilitator.socket, phone.socket)
    wall = socketio.test_client(app, auth={"role": "wall", "code": facilitator.code.lower()})
    [state] = received(wall, "state")
    assert state["role"] == "wall"
    again = socketio.test_client(app, flask_test_client=phone.http, auth={"role": "participant", "code": facilitator.code})
    [state] = received(again, "state")
    assert state["role"] == "participant" and state["me"]["name"] == "P0"
    assert "state" not in names(facilitator.socket)


def test_a_reconnecting_phone_gets_back_its_identity_and_seat(room):
    phone = room.at[2][0]
    before = phone.state()
    phone.socket.disconnect()
    again = socketio.test_client(room.app, flask_test_client=phone.http, auth={"role": "participant", "code": room.facilitator.code})
    assert again.is_connected()
    [state] = received(again, "state")
    assert state["me"] == before["me"]
    assert state["table"]["number"] == 2
    # The new socket listens at its table again.
    assert room.at[2][1].emit("post_insight", {"id": new_id(), "text": "Welcome back"})["ok"]
    assert [i["text"] for i in received(again, "insight_posted")] == ["Welcome back"]


def test_a_phone_can_reconnect_with_its_token_instead_of_the_cookie(room):
    phone = room.at[1][0]
    token = phone.http.get_cookie(f"cafe_{room.facilitator.code}").value
    fresh = socketio.test_client(room.app, auth={"role": "participant", "code": room.facilitator.code, "participant_token": token})
    assert fresh.is_connected()
    [state] = received(fresh, "state")
    assert state["me"]["id"] == phone.pid
    assert state["table"]["number"] == 1


# ------------------------------------------------------------ HTTP


def test_join_refuses_a_name_of_41_characters(client, facilitator):
    response = client.post(f"/j/{facilitator.code}", data={"name": "n" * 41, "perspective": ""})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="name-error"' in page and "40 characters" in page
    assert f"cafe_{facilitator.code}" not in response.headers.get("Set-Cookie", "")
    assert stored(facilitator.app)["participants"] == 0


def test_join_accepts_a_name_of_40_characters(client, facilitator):
    response = client.post(f"/j/{facilitator.code}", data={"name": "n" * 40, "perspective": "researcher"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/p/{facilitator.code}")


def test_join_refuses_an_unknown_perspective(client, facilitator):
    response = client.post(f"/j/{facilitator.code}", data={"name": "Ann", "perspective": "astronaut"})
    assert response.status_code == 400
    assert 'id="perspective-error"' in response.get_data(as_text=True)
    assert stored(facilitator.app)["participants"] == 0


def test_the_join_form_sends_a_phone_that_already_joined_on_to_its_screen(facilitator):
    [phone] = facilitator.join(1)
    response = phone.http.get(f"/j/{facilitator.code}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/p/{facilitator.code}")


def test_the_phone_screen_without_the_cookie_sends_to_the_join_form(client, facilitator):
    response = client.get(f"/p/{facilitator.code}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/j/{facilitator.code}")


def test_the_phone_screen_opens_with_the_cookie(facilitator):
    [phone] = facilitator.join(1)
    assert phone.http.get(f"/p/{facilitator.code}").status_code == 200


def test_codes_are_matched_case_insensitively(client, facilitator):
    response = client.get(f"/j/{facilitator.code.lower()}")
    assert response.status_code in (301, 302, 308)
    assert response.headers["Location"].endswith(f"/j/{facilitator.code}")


@pytest.mark.parametrize("path", ["/j/ZZZZZZ", "/p/ZZZZZZ", "/w/ZZZZZZ", "/qr/ZZZZZZ.svg", "/join?code=ZZZZZZ"])
def test_unknown_codes_are_404(client, path):
    assert client.get(path).status_code == 404


def test_the_qr_code_is_svg(client, facilitator):
    response = client.get(f"/qr/{facilitator.code}.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert "<svg" in response.get_data(as_text=True)


def test_healthz_says_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_data(as_text=True).strip() == "ok"


@pytest.mark.parametrize("path", ["/f/not-a-token", "/f/not-a-token/export.json", "/f/not-a-token/export.html",
                                  "/f/not-a-token/plan.toml"])
def test_a_bad_host_link_is_404(client, facilitator, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("path", ["/", "/new", "/j/{code}", "/w/{code}", "/f/{token}", "/healthz"])
def test_every_page_carries_a_strict_content_security_policy(client, facilitator, path):
    response = client.get(path.format(code=facilitator.code, token=facilitator.host_token))
    policy = response.headers.get("Content-Security-Policy", "")
    assert "script-src 'self'" in policy
    script_src = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert "unsafe-inline" not in script_src


def test_user_text_is_escaped_in_the_html_export(room):
    assert room.at[1][0].emit("post_insight", {"id": new_id(), "text": "<script>alert(1)</script>"})["ok"]
    response = room.facilitator.http.get(f"/f/{room.facilitator.host_token}/export.html")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)</script>" not in page


def test_a_bad_custom_cafe_form_is_400_and_names_the_field(client):
    response = client.post("/new", data={
        "title": "Team café", "purpose": "", "themes": "Now: Where are we?", "rounds": "0",
        "round_minutes": "10", "table_size": "4", "theme_mode": "rotate", "host_cue": "",
    })
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="rounds-error"' in page
    assert "rounds" in page


def test_a_custom_cafe_form_without_themes_is_400_and_names_the_field(client):
    response = client.post("/new", data={"title": "Team café", "themes": "", "rounds": "2", "round_minutes": "10",
                                         "table_size": "4", "theme_mode": "rotate"})
    assert response.status_code == 400
    assert 'id="themes-error"' in response.get_data(as_text=True)


@pytest.mark.parametrize("plan", ["../pyproject.toml", "/etc/passwd", "..", "missing-plan.toml", ".hidden.toml"])
def test_a_plan_outside_the_sessions_folder_is_refused(client, app, plan):
    response = client.post("/new", data={"plan": plan})
    assert response.status_code == 400
    with app.app_context(), transaction() as db:
        assert db.scalar(select(func.count()).select_from(CafeRow)) == 0


def test_a_good_custom_cafe_form_goes_to_the_host_link(client):
    response = client.post("/new", data={"title": "Team café", "themes": "Now: Where are we?\nNext: Where to?",
                                         "rounds": "2", "round_minutes": "10", "table_size": "4", "theme_mode": "fixed"})
    assert response.status_code == 303
    assert "/f/" in response.headers["Location"]
