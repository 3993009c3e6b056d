"""The Seating plan's socket events and the leave events: validated, refused cleanly, and heard
only by the screens they are for."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from cafe import store
from cafe.db import transaction
from cafe.models import AttendanceRow, PlanDraftRow, SeatRow


def stored(app) -> tuple:
    """Every seat, draft and attendance row, to compare before and after."""
    with app.app_context(), transaction() as db:
        seats = sorted(db.execute(select(SeatRow.participant_id, SeatRow.round, SeatRow.table_number)).all())
        drafts = [(d.version, d.basis, d.rounds) for d in db.scalars(select(PlanDraftRow))]
        gone = sorted(db.execute(select(AttendanceRow.participant_id, AttendanceRow.left_at)).all())
    return seats, drafts, gone


@pytest.fixture
def live(facilitator):
    """A café of 12 in round 1, with a copy of the plan drafted."""
    phones = facilitator.join(12)
    facilitator.do("start_round")
    facilitator.do("propose_plan", {"kind": "copy"})
    for client in [facilitator, *phones]:
        client.received()
    return facilitator, phones


BAD = [
    ("get_seating_plan", "x"), ("get_seating_plan", {"x": 1}),
    ("propose_plan", {}), ("propose_plan", {"kind": "all"}), ("propose_plan", {"kind": 1}), ("propose_plan", [1]),
    ("swap_in_plan", {}), ("swap_in_plan", {"version": "1", "round": 2, "participant_id": 1, "other_id": 2}),
    ("swap_in_plan", {"version": 1, "round": 2, "participant_id": 1, "other_id": True}),
    ("swap_in_plan", {"version": 1, "round": 0, "participant_id": 1, "other_id": 2}),
    ("swap_in_plan", {"version": 1, "round": 2, "participant_id": 1, "other_id": 2, "extra": 1}),
    ("apply_plan", {}), ("apply_plan", {"version": None}), ("apply_plan", {"version": 1.5}),
    ("discard_plan", {"now": True}), ("mark_left", {}), ("mark_left", {"participant_id": -1}),
    ("mark_left", {"participant_id": "3"}),
]


def test_malformed_payloads_are_invalid_and_change_nothing(live, app):
    facilitator, phones = live
    before = stored(app)
    wrong = []
    for event, payload in BAD:
        reply = facilitator.emit(event, payload)
        if reply.get("ok") is not False or reply.get("error") != "invalid" or not reply.get("message"):
            wrong.append(f"{event} {payload!r} -> {reply}")
    reply = phones[0].emit("leave_cafe", {"now": 1})
    if reply.get("error") != "invalid":
        wrong.append(f"leave_cafe -> {reply}")
    assert wrong == []
    assert stored(app) == before
    assert facilitator.received() == [] and phones[1].received() == []


def test_phones_may_not_send_the_facilitators_events(live, app):
    facilitator, phones = live
    before = stored(app)
    for event, payload in [("propose_plan", {"kind": "replan"}), ("apply_plan", {"version": 1}),
                           ("mark_left", {"participant_id": 1}), ("get_seating_plan", {})]:
        assert phones[0].emit(event, payload)["error"] == "forbidden"
    assert facilitator.emit("leave_cafe", {})["error"] == "forbidden"
    assert stored(app) == before


def test_a_refused_swap_or_stale_apply_is_a_conflict_and_changes_nothing(live, app):
    facilitator, _phones = live
    plan = facilitator.do("get_seating_plan")["plan"]
    version = plan["draft"]["version"]
    host = next(p["id"] for p in plan["people"] if p["host_table"])
    other = next(p["id"] for p in plan["people"] if not p["host_table"])
    before = stored(app)
    for payload in [{"version": version, "round": 2, "participant_id": host, "other_id": other},
                    {"version": version, "round": 1, "participant_id": other, "other_id": other + 1},
                    {"version": version + 1, "round": 2, "participant_id": other, "other_id": other + 1}]:
        reply = facilitator.emit("swap_in_plan", payload)
        assert (reply["ok"], reply["error"]) == (False, "conflict") and reply["message"], reply
    assert facilitator.emit("apply_plan", {"version": version + 5})["error"] == "conflict"
    assert stored(app) == before


def test_apply_reaches_every_phone_and_plan_changes_only_the_facilitator(live, app):
    facilitator, phones = live
    plan = facilitator.do("get_seating_plan")["plan"]
    round2 = plan["draft"]["rounds"][0]
    hosts = {p["id"] for p in plan["people"] if p["host_table"]}
    a_table, b_table = [t for t in round2["tables"] if [m for m in t["members"] if m not in hosts]][:2]
    a = next(m for m in a_table["members"] if m not in hosts)
    b = next(m for m in b_table["members"] if m not in hosts)
    reply = facilitator.do("swap_in_plan", {"version": plan["draft"]["version"], "round": 2, "participant_id": a, "other_id": b})
    assert [m["name"] for m in facilitator.received("seating_plan_changed")] == ["seating_plan_changed"]
    assert all(phone.received("seating_plan_changed") == [] for phone in phones)
    ids = {phone.state()["me"]["id"]: phone for phone in phones}
    for phone in phones:
        phone.received()
    facilitator.do("apply_plan", {"version": reply["plan"]["draft"]["version"]})
    # the two people swapped are each pushed their new itinerary; nobody else is told anything
    for pid, phone in ids.items():
        pushed = [m["args"][0]["itinerary"] for m in phone.received("itinerary_changed")]
        if pid in (a, b):
            [itinerary] = pushed
            assert itinerary[1]["table"] == (b_table if pid == a else a_table)["table"]
        else:
            assert pushed == []
        assert phone.received("cafe_changed") == []
    itineraries = {p.state()["me"]["id"]: p.state()["itinerary"] for p in phones}
    assert itineraries[a][1]["table"] == b_table["table"] and itineraries[b][1]["table"] == a_table["table"]
    assert itineraries[a][1]["theme"] == b_table["theme"]


def test_a_phone_that_leaves_is_out_of_the_rounds_to_come(live, app):
    facilitator, phones = live
    me = phones[3].state()["me"]["id"]
    assert phones[3].emit("leave_cafe", {})["ok"]
    state = phones[3].state()
    assert state["me"]["left"] is True and [s["round"] for s in state["itinerary"]] == [1]
    assert facilitator.received("seating_plan_changed")
    plan = facilitator.do("get_seating_plan")["plan"]
    assert plan["draft"]["stale"] is True
    members = [m for t in plan["current"]["rounds"][1]["tables"] for m in t["members"]]
    assert me not in members
    with app.app_context(), transaction() as db:
        assert me in store.left_ids(db, store.cafe_by_code(db, facilitator.code))
