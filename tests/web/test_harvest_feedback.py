"""Participants' feedback on the harvest over Socket.IO (docs/protocol.md, `harvest_feedback`):
who hears of it, exactly-once ids, once per person and theme, withdrawal, and what a bad
payload leaves behind (nothing)."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from cafe.db import transaction
from cafe.extensions import socketio
from cafe.models import FeedbackRow
from datetime import UTC

THEME = "Community Builder"
OTHER = "Citizen Leader"


def new_id() -> str:
    return str(uuid.uuid4())


def names(client) -> list[str]:
    return [message["name"] for message in client.get_received()]


def changed(client) -> list[str]:
    return [m["args"][0]["reason"] for m in client.get_received() if m["name"] == "cafe_changed"]


def feedback_rows(app) -> list[tuple]:
    with app.app_context(), transaction() as db:
        rows = db.scalars(select(FeedbackRow).order_by(FeedbackRow.seq))
        return [(r.id, r.participant_id, r.kind, r.theme, r.text, r.do_not_quote) for r in rows]


class Harvest:
    """A café whose three rounds are over and whose harvest has started, with a wall connected."""

    def __init__(self, facilitator, people: int = 6) -> None:
        self.facilitator, self.app = facilitator, facilitator.app
        self.phones = facilitator.join(people, ("lived_experience", "practitioner", ""))
        facilitator.do("start_round")
        for i, phone in enumerate(self.phones):
            assert phone.emit("post_insight", {"id": new_id(), "text": f"Peer support needs paid time {i}"})["ok"]
        facilitator.play_on_to_harvest()
        self.wall = socketio.test_client(self.app, auth={"role": "wall", "code": facilitator.code})
        self.drain()

    def drain(self) -> None:
        for client in (self.facilitator.socket, self.wall, *(p.socket for p in self.phones)):
            client.get_received()

    def theme(self, state: dict, name: str) -> dict:
        return next(t for t in state["harvest"]["themes"] if t["theme"] == name)


@pytest.fixture
def harvest(facilitator) -> Harvest:
    return Harvest(facilitator)


def reflects(phone, theme=THEME, withdraw=None, feedback_id=None) -> dict:
    payload = {"id": feedback_id or new_id(), "kind": "reflects", "theme": theme}
    if withdraw is not None:
        payload["withdraw"] = withdraw
    return phone.emit("harvest_feedback", payload)


def test_reflects_reaches_the_dashboard_and_the_wall_as_counts_and_no_other_phone(harvest):
    first, second, third = harvest.phones[:3]
    reply = reflects(first)
    assert reply["ok"], reply
    assert (reply["reflects"], reply["count"], reply["duplicate"], reply["theme"]) == (True, 1, False, THEME)
    assert changed(harvest.facilitator.socket) == ["feedback_changed"]
    assert changed(harvest.wall) == ["feedback_changed"]
    assert names(third.socket) == [] and names(first.socket) == []
    assert reflects(second)["count"] == 2
    wall = harvest.wall.emit("sync", {}, callback=True)["state"]
    block = harvest.theme(wall, THEME)["feedback"]
    assert block == {"reflects": 2, "missing": [], "missing_count": 0}
    assert harvest.theme(wall, OTHER)["feedback"]["reflects"] == 0
    assert wall["harvest"]["feedback"]["totals"] == {"reflects": 2, "missing": 0, "people": 2}
    assert first.state()["feedback"] == {"reflects": [THEME], "missing": []}
    assert third.state()["feedback"] == {"reflects": [], "missing": []}


def test_reflects_counts_once_per_person_and_theme(harvest):
    phone = harvest.phones[0]
    assert reflects(phone)["duplicate"] is False
    harvest.drain()
    again = reflects(phone)  # a new id, the same word: not counted again, nothing broadcast
    assert again["ok"] and again["duplicate"] is True and again["count"] == 1
    assert names(harvest.facilitator.socket) == [] and names(harvest.wall) == []
    assert reflects(phone, OTHER)["count"] == 1
    assert reflects(phone, None)["count"] == 1  # the harvest as a whole
    state = harvest.facilitator.state()
    assert harvest.theme(state, THEME)["feedback"]["reflects"] == 1
    assert state["harvest"]["feedback"]["reflects"] == 1
    assert state["harvest"]["feedback"]["totals"]["reflects"] == 3
    assert state["harvest"]["feedback"]["totals"]["people"] == 1
    assert phone.state()["feedback"]["reflects"] == [None, OTHER, THEME]


def test_a_person_can_withdraw_reflects_and_say_it_again(harvest):
    phone, other = harvest.phones[:2]
    reflects(phone)
    reflects(other)
    harvest.drain()
    reply = reflects(phone, withdraw=True)
    assert reply["ok"] and (reply["reflects"], reply["withdraw"], reply["count"], reply["duplicate"]) == (False, True, 1, False)
    assert changed(harvest.wall) == ["feedback_changed"]
    assert reflects(phone, withdraw=True)["duplicate"] is True  # withdrawing twice changes nothing
    assert phone.state()["feedback"]["reflects"] == []
    assert reflects(phone)["count"] == 2
    assert phone.state()["feedback"]["reflects"] == [THEME]


def test_the_same_id_is_stored_once_and_a_late_resend_does_not_undo_a_withdrawal(harvest):
    phone = harvest.phones[0]
    said = new_id()
    assert reflects(phone, feedback_id=said)["duplicate"] is False
    assert reflects(phone, withdraw=True)["reflects"] is False
    harvest.drain()
    resend = reflects(phone, feedback_id=said)
    assert resend["ok"] and resend["duplicate"] is True and resend["reflects"] is False
    assert names(harvest.wall) == []
    assert [row[0] for row in feedback_rows(harvest.app)].count(said) == 1


def test_a_missing_note_is_stored_once_and_shown_with_a_perspective_and_no_name(harvest):
    phone = harvest.phones[0]  # lived experience, named P0
    note = {"id": new_id(), "kind": "missing", "theme": THEME, "text": "Nobody talked about  transport costs"}
    first = phone.emit("harvest_feedback", note)
    again = phone.emit("harvest_feedback", note)
    assert first["ok"] and again["ok"] and (first["duplicate"], again["duplicate"]) == (False, True)
    assert first["note"]["text"] == "Nobody talked about  transport costs"
    assert len(feedback_rows(harvest.app)) == 1
    assert changed(harvest.facilitator.socket) == ["feedback_changed"]
    wall = harvest.wall.emit("sync", {}, callback=True)["state"]
    [shown] = harvest.theme(wall, THEME)["feedback"]["missing"]
    assert shown["text"] == note["text"] and shown["perspective"] == "lived_experience" and set(shown) == {"text", "perspective", "at"}
    assert "P0" not in str(wall["harvest"]["feedback"]) + str(harvest.theme(wall, THEME)["feedback"])
    assert phone.state()["feedback"]["missing"][0]["id"] == note["id"]
    assert harvest.facilitator.state()["feedback_notes"][0]["text"] == note["text"]


def test_a_note_marked_do_not_quote_counts_but_is_never_listed_in_the_harvest(harvest):
    phone = harvest.phones[1]
    secret = "Keep this between us please"
    assert phone.emit("harvest_feedback", {"id": new_id(), "kind": "missing", "theme": None, "text": secret, "do_not_quote": True})["ok"]
    for state in (harvest.wall.emit("sync", {}, callback=True)["state"], harvest.phones[2].state()):
        assert secret not in str(state)
        assert state["harvest"]["feedback"]["missing_count"] == 1
    dashboard = harvest.facilitator.state()
    assert secret not in str(dashboard["harvest"])
    assert [(n["text"], n["do_not_quote"]) for n in dashboard["feedback_notes"]] == [(secret, True)]


def test_an_id_used_by_someone_else_is_a_conflict(harvest):
    taken = new_id()
    reflects(harvest.phones[0], feedback_id=taken)
    before = feedback_rows(harvest.app)
    reply = harvest.phones[1].emit("harvest_feedback", {"id": taken, "kind": "missing", "theme": THEME, "text": "mine"})
    assert reply["error"] == "conflict"
    assert feedback_rows(harvest.app) == before


def test_feedback_is_refused_before_the_harvest(facilitator):
    phones = facilitator.join(4)
    facilitator.do("start_round")
    for payload in ({"id": new_id(), "kind": "reflects", "theme": THEME},
                    {"id": new_id(), "kind": "missing", "theme": None, "text": "Too early"}):
        assert phones[0].emit("harvest_feedback", payload)["error"] == "conflict"
    assert feedback_rows(facilitator.app) == []


def test_an_unknown_theme_is_not_found(harvest):
    assert reflects(harvest.phones[0], "No such theme")["error"] == "not_found"
    assert feedback_rows(harvest.app) == []


def test_only_a_participant_may_give_feedback(harvest):
    payload = {"id": new_id(), "kind": "reflects", "theme": THEME}
    assert harvest.facilitator.emit("harvest_feedback", payload)["error"] == "forbidden"
    assert harvest.wall.emit("harvest_feedback", payload, callback=True)["error"] == "forbidden"
    assert feedback_rows(harvest.app) == []


UUID = "0b9c8f5e-2a57-4e0f-9b44-3f1f1e7e6a10"
BAD = [
    "reflects", [UUID], 7, None,
    {"kind": "reflects", "theme": THEME},
    {"id": "not-a-uuid", "kind": "reflects", "theme": THEME},
    {"id": 5, "kind": "reflects", "theme": THEME},
    {"id": UUID, "theme": THEME},
    {"id": UUID, "kind": "agrees", "theme": THEME},
    {"id": UUID, "kind": ["reflects"], "theme": THEME},
    {"id": UUID, "kind": "withdraw", "theme": THEME},
    {"id": UUID, "kind": "reflects"},
    {"id": UUID, "kind": "reflects", "theme": 3},
    {"id": UUID, "kind": "reflects", "theme": ""},
    {"id": UUID, "kind": "reflects", "theme": "x" * 201},
    {"id": UUID, "kind": "reflects", "theme": THEME, "text": "no text for reflects"},
    {"id": UUID, "kind": "reflects", "theme": THEME, "text": None},
    {"id": UUID, "kind": "reflects", "theme": THEME, "do_not_quote": True},
    {"id": UUID, "kind": "reflects", "theme": THEME, "withdraw": "yes"},
    {"id": UUID, "kind": "reflects", "theme": THEME, "withdraw": 1},
    {"id": UUID, "kind": "reflects", "theme": THEME, "extra": 1},
    {"id": UUID, "kind": "missing", "theme": THEME},
    {"id": UUID, "kind": "missing", "theme": THEME, "text": ""},
    {"id": UUID, "kind": "missing", "theme": THEME, "text": "  \n "},
    {"id": UUID, "kind": "missing", "theme": THEME, "text": "x" * 301},
    {"id": UUID, "kind": "missing", "theme": THEME, "text": 12},
    {"id": UUID, "kind": "missing", "theme": THEME, "text": "ok", "withdraw": False},
    {"id": UUID, "kind": "missing", "theme": THEME, "text": "ok", "do_not_quote": "no"},
]


def test_malformed_payloads_are_invalid_and_change_nothing(harvest):
    phone = harvest.phones[0]
    reflects(phone, OTHER)
    before = feedback_rows(harvest.app)
    harvest.drain()
    wrong = []
    for payload in BAD:
        reply = phone.emit("harvest_feedback", payload)
        if reply.get("ok") is not False or reply.get("error") != "invalid" or not str(reply.get("message", "")).strip():
            wrong.append(f"{payload!r} -> {reply}")
    assert wrong == []
    assert feedback_rows(harvest.app) == before
    assert names(harvest.facilitator.socket) == [] and names(harvest.wall) == []


def test_a_note_of_exactly_300_characters_is_accepted(harvest):
    reply = harvest.phones[0].emit("harvest_feedback", {"id": new_id(), "kind": "missing", "theme": None, "text": "y" * 300})
    assert reply["ok"] and len(reply["note"]["text"]) == 300


# ------------------------------------------------------------ the record: export and import


def test_the_json_export_carries_feedback_and_cafe_import_reads_it_back(harvest, tmp_path):
    from cafe import create_app, store
    from cafe.services import exporting, importing, views

    lived, practitioner = harvest.phones[0], harvest.phones[1]
    reflects(lived)
    reflects(practitioner)
    reflects(practitioner, withdraw=True)
    reflects(practitioner)  # stands again: exported once
    reflects(lived, OTHER)
    reflects(lived, OTHER, withdraw=True)  # withdrawn: not in the record
    lived.emit("harvest_feedback", {"id": new_id(), "kind": "missing", "theme": THEME, "text": "Transport costs"})
    practitioner.emit("harvest_feedback", {"id": new_id(), "kind": "missing", "theme": None, "text": "Quiet one", "do_not_quote": True})
    exported = harvest.facilitator.http.get(f"/f/{harvest.facilitator.host_token}/export.json").get_json()
    record = sorted(((f["kind"], f["theme"], f["text"], f["perspective"], f["do_not_quote"]) for f in exported["feedback"]), key=repr)
    assert record == sorted([
        ("missing", None, "Quiet one", "practitioner", True),
        ("missing", THEME, "Transport costs", "lived_experience", False),
        ("reflects", THEME, None, "lived_experience", False),
        ("reflects", THEME, None, "practitioner", False),
    ], key=repr)
    assert all(f["at"] and "name" not in f for f in exported["feedback"])
    assert harvest.theme(exported, THEME)["feedback"]["reflects"] == 2

    def contents(app, code):
        with app.app_context(), transaction() as db:
            snap = views.Snapshot(db, store.cafe_by_code(db, code), harvest_now(), "http://cafe.test/j/" + code)
            data = exporting.export_data(snap)
        names = {p["id"]: p["name"] for p in data["participants"]}
        feedback = sorted(((f["kind"], f["theme"], f["text"], f["do_not_quote"], names[f["participant_id"]], f["at"])
                           for f in data["feedback"]), key=repr)
        return feedback, [t["feedback"] for t in data["harvest"]["themes"]], data["harvest"]["feedback"]

    elsewhere = create_app({"TESTING": True, "ASYNC_MODE": "threading", "DATABASE_URL": f"sqlite:///{tmp_path / 'elsewhere.sqlite3'}"})
    try:
        for target in (elsewhere, harvest.app):  # a fresh database, and the one the café came from (ids taken)
            with target.app_context(), transaction() as db:
                row, _ = importing.import_cafe(db, exported, harvest_now())
                code = row.code
            assert contents(target, code) == contents(harvest.app, harvest.facilitator.code)
    finally:
        elsewhere.extensions["cafe_db"].engine.dispose()


def harvest_now():
    from datetime import datetime

    return datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("entry", [
    {"kind": "agrees", "theme": None, "participant_id": 1},
    {"kind": "missing", "theme": None, "text": "", "participant_id": 1},
    {"kind": "reflects", "theme": THEME},
    {"kind": "reflects", "theme": THEME, "participant_id": 999999},
    {"kind": "reflects", "theme": THEME, "participant_id": 1, "at": "yesterday"},
])
def test_a_malformed_feedback_entry_makes_the_import_fail_and_change_nothing(harvest, entry):
    from cafe.errors import Invalid
    from cafe.models import CafeRow
    from cafe.services import importing

    exported = harvest.facilitator.http.get(f"/f/{harvest.facilitator.host_token}/export.json").get_json()
    entry = {**entry, "participant_id": exported["participants"][0]["id"]} if entry.get("participant_id") == 1 else entry
    exported["feedback"] = [entry]
    with pytest.raises(Invalid), harvest.app.app_context(), transaction() as db:
        importing.import_cafe(db, exported, harvest_now())
    with harvest.app.app_context(), transaction() as db:
        assert len(db.scalars(select(CafeRow)).all()) == 1
    assert feedback_rows(harvest.app) == []
