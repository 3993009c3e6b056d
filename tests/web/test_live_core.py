"""The live core (cafe/live.py, services/phone.py): changes are pushed as numbered deltas to the
screens they concern; a round change is one broadcast plus each table's people, never a state per
phone; a phone's state costs one table, not the room; a gap in a stream's numbers is healed by one
read of the state."""
from __future__ import annotations

import itertools
import uuid

import pytest
from sqlalchemy import event

from cafe import store
from cafe.db import reading
from cafe.models import ParticipantRow
from cafe.services import utcnow, views


def new_id() -> str:
    return str(uuid.uuid4())


def pushed(client, name: str) -> list[dict]:
    return [m["args"][0] for m in client.received(name)]


@pytest.fixture
def room(facilitator):
    """12 people at three tables, round 1 running, every socket drained."""
    phones = facilitator.join(12)
    facilitator.do("start_round")
    for phone in phones:
        state = phone.state()
        phone.pid, phone.table = state["me"]["id"], state["table"]["number"]
        phone.versions = state["versions"]
    for client in (facilitator, *phones):
        client.received()
    return facilitator, phones


def test_every_delta_carries_its_stream_and_the_next_number_of_it(room):
    facilitator, phones = room
    author = phones[0]
    mates = [p for p in phones if p.table == author.table]
    others = [p for p in phones if p.table != author.table]
    stream = f"t:1:{author.table}"
    before = author.versions[stream]
    for n in range(3):
        assert author.emit("post_insight", {"id": new_id(), "text": f"point {n}"})["ok"]
    for phone in mates:
        got = pushed(phone, "insight_posted")
        assert [(g["stream"], g["v"]) for g in got] == [(stream, before + 1), (stream, before + 2), (stream, before + 3)]
    assert all(pushed(phone, "insight_posted") == [] for phone in others)
    # the dashboard's own stream numbers them as well, in order
    staff = pushed(facilitator, "insight_posted")
    assert [g["stream"] for g in staff] == ["facilitator"] * 3
    assert [b["v"] - a["v"] for a, b in itertools.pairwise(staff)] == [1, 1]
    # a state read afterwards is current to the last number pushed
    assert author.state()["versions"][stream] == before + 3
    assert facilitator.state()["versions"]["facilitator"] == staff[-1]["v"]


def test_a_round_change_is_one_cafe_update_and_each_table_its_people_never_a_state_per_phone(room):
    facilitator, phones = room
    facilitator.do("next_round")
    for phone in phones:
        got = phone.received()
        names = [m["name"] for m in got]
        [update] = [m["args"][0] for m in got if m["name"] == "cafe_updated"]
        assert update["reason"] == "next_round" and update["cafe"]["round"] == 2 and update["cafe"]["status"] == "ready"
        assert update["stream"] == "cafe"
        # the phone's new table, with the people there: from the seats, as its state will say
        tables = [m["args"][0] for m in got if m["name"] == "table_updated"]
        assert len(tables) == 1 and tables[0]["round"] == 2
        state = phone.state()
        assert tables[0]["table"]["number"] == state["table"]["number"]
        assert sorted(m["id"] for m in tables[0]["table"]["members"]) == sorted(m["id"] for m in state["table"]["members"])
        assert tables[0]["table"]["theme_index"] == state["table"]["theme_index"]
        assert state["texts"]["themes"][state["table"]["theme_index"]]["name"] == state["table"]["theme"]
        # nothing asked the phone to read its state: no cafe_changed, no state pushed
        assert "cafe_changed" not in names and "state" not in names
    assert [u["cafe"]["round"] for u in pushed(facilitator, "cafe_updated")] == [2]


def test_starting_the_cafe_pushes_each_person_their_itinerary(facilitator):
    phones = facilitator.join(8)
    for phone in phones:
        phone.received()
    facilitator.do("start_round")
    for phone in phones:
        [sent] = pushed(phone, "itinerary_changed")  # (and the café's start, its table: drained)
        state = phone.state()
        assert [(s["round"], s["table"], s["theme_index"]) for s in sent["itinerary"]] == [
            (s["round"], s["table"], s["theme_index"]) for s in state["itinerary"]]
        assert len(sent["itinerary"]) == 3 and sent["stream"] == f"p:{state['me']['id']}"


def test_a_phone_that_missed_deltas_sees_the_gap_and_one_sync_brings_it_current(room):
    _facilitator, phones = room
    author, reader = [p for p in phones if p.table == phones[0].table][:2]
    stream = f"t:1:{author.table}"
    known = reader.versions[stream]
    reader.socket.disconnect()
    texts = [f"while away {n}" for n in range(2)]
    for text in texts:
        assert author.emit("post_insight", {"id": new_id(), "text": text})["ok"]
    reader.socket.connect(auth={"role": "participant", "code": reader.code})
    reader.received()
    assert author.emit("post_insight", {"id": new_id(), "text": "after"})["ok"]
    [delta] = pushed(reader, "insight_posted")
    assert delta["v"] == known + 3  # more than one past what the phone had: a gap
    reply = reader.emit("sync", {"versions": {stream: known}})
    assert reply["ok"] and reply["state"]["versions"][stream] == known + 3
    assert {"while away 0", "while away 1", "after"} <= {i["text"] for i in reply["state"]["insights"]}


def test_sync_refuses_bad_versions(room):
    _facilitator, phones = room
    for bad in ["x", {"t": "1"}, {"t": -1}, {str(n): 1 for n in range(17)}, {"x" * 41: 1}, {"t": True}]:
        reply = phones[0].emit("sync", {"versions": bad})
        assert reply["ok"] is False and reply["error"] == "invalid", bad
    assert phones[0].emit("sync", {"other": 1})["error"] == "invalid"


def _people_loaded(app, code: str, pid: int) -> int:
    """How many participant rows a phone's state loads."""
    with app.app_context(), reading() as db:
        loaded = []
        event.listen(db, "loaded_as_persistent", lambda _s, obj: loaded.append(obj))
        cafe = store.cafe_by_code(db, code)
        me = db.get(ParticipantRow, pid)
        loaded.clear()
        views.phone_state(db, cafe, me, utcnow(), "http://x/j", None)
        return sum(isinstance(obj, ParticipantRow) for obj in loaded)


def test_a_phones_state_reads_its_table_not_the_room(facilitator, app):
    phones = facilitator.join(10)
    facilitator.do("start_round")
    me = phones[0].state()["me"]["id"]
    small = _people_loaded(app, facilitator.code, me)
    facilitator.do("add_person", {"name": "late"})  # one more at some table, the room grows
    for n in range(40):
        facilitator.do("add_person", {"name": f"more {n}"})
    big = _people_loaded(app, facilitator.code, me)
    table = phones[0].state()["table"]
    assert small <= 6 and big <= len(table["members"]) + 1, (small, big)


def test_a_correction_tells_the_insights_table_and_the_staff_only(room):
    facilitator, phones = room
    author = phones[0]
    insight = author.emit("post_insight", {"id": new_id(), "text": "typo here"})["insight"]
    for client in (facilitator, *phones):
        client.received()
    assert author.emit("edit_insight", {"insight_id": insight["id"], "text": "no typo"})["ok"]
    for phone in phones:
        reasons = [c["reason"] for c in pushed(phone, "cafe_changed")]  # the one event a correction sends
        assert reasons == (["insight_edited"] if phone.table == author.table else [])
    assert [c["reason"] for c in pushed(facilitator, "cafe_changed")] == ["insight_edited"]


def test_a_phone_asks_for_the_harvest_alone_the_same_as_in_its_state(room):
    facilitator, phones = room
    assert phones[0].emit("harvest") == {"ok": True, "harvest": None}  # not yet
    for i, phone in enumerate(phones[:4]):
        assert phone.emit("post_insight", {"id": new_id(), "text": f"Pay carers for their time, point {i}"})["ok"]
    facilitator.play_on_to_harvest()
    started = [u for u in pushed(phones[0], "cafe_updated") if u["reason"] == "harvest_started"]
    assert started and started[0]["cafe"]["stage"] == "harvest"
    reply = phones[0].emit("harvest")
    assert reply["ok"] and reply["harvest"]["themes"], reply
    assert reply["harvest"] == phones[0].state()["harvest"]
    assert phones[1].emit("harvest")["harvest"] == reply["harvest"]  # one payload for every phone
    assert phones[0].emit("harvest", {"x": 1})["error"] == "invalid"
    assert phones[0].emit("harvest", "all")["error"] == "invalid"
    assert facilitator.emit("harvest")["error"] == "forbidden"
