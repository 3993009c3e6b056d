"""Someone without a phone: the facilitator adds them, they are seated in every round and their
itinerary is on the printable sheet."""
from __future__ import annotations

from sqlalchemy import func, select

from cafe.db import transaction
from cafe.models import ParticipantRow, SeatRow


def counts(app) -> tuple[int, int]:
    with app.app_context(), transaction() as db:
        return (db.scalar(select(func.count()).select_from(ParticipantRow)),
                db.scalar(select(func.count()).select_from(SeatRow)))


def test_bad_payloads_are_invalid_and_add_nobody(facilitator, app):
    phones = facilitator.join(3)
    before = counts(app)
    for payload in ["Ana", {"name": "x" * 41}, {"perspective": "astronaut"}, {"stays": "yes"}, {"name": 5},
                    {"name": "Ana", "table": 2}]:
        reply = facilitator.emit("add_person", payload)
        assert reply["ok"] is False and reply["error"] == "invalid" and reply["message"], (payload, reply)
    assert phones[0].emit("add_person", {"name": "Eve"})["error"] == "forbidden"
    assert counts(app) == before


def test_a_person_added_mid_cafe_has_a_seat_every_round_and_is_on_the_sheet(facilitator, app):
    phones = facilitator.join(10)
    facilitator.do("start_round")
    for client in (facilitator, *phones):
        client.received()
    reply = facilitator.do("add_person", {"name": "Rosa <b>", "perspective": "lived_experience", "stays": True})
    assert reply["table"] >= 1 and reply["table_label"]
    assert [m["args"][0]["reason"] for m in facilitator.received("cafe_changed")] == ["seating_changed"]
    # the people at Rosa's table are pushed the table with her in it; the others are told nothing
    told = [p for p in phones if any(m["args"][0]["table"]["number"] == reply["table"] and
                                     "Rosa <b>" in [x["name"] for x in m["args"][0]["table"]["members"]]
                                     for m in p.received("table_updated"))]
    assert told and all(p.state()["table"]["number"] == reply["table"] for p in told)
    state = facilitator.state()
    rosa = next(p for p in state["participants"] if p["id"] == reply["participant_id"])
    assert rosa["perspective"] == "lived_experience" and rosa["stays"] and rosa["table"] == reply["table"]
    with app.app_context(), transaction() as db:
        seats = dict(db.execute(select(SeatRow.round, SeatRow.table_number)
                                .where(SeatRow.participant_id == reply["participant_id"])).all())
    assert seats == {1: reply["table"], 2: reply["table"], 3: reply["table"]}  # asked to stay at one table
    sheet = facilitator.http.get(f"/f/{facilitator.host_token}/sheet").get_data(as_text=True)
    assert "Rosa &lt;b&gt;" in sheet and "Rosa <b>" not in sheet
