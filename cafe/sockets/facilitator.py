"""Events only the facilitator (holder of the host link) may send."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from cafe import presenters, store
from cafe import validation as check
from cafe.errors import Invalid
from cafe.services import cafes, moderating, phone, planning, posting, rounds, seating
from cafe.services import Broadcast
from cafe.sockets.common import handler, now


def _round_control(event: str, action) -> None:
    @handler("facilitator", event)
    def control(db, cafe, data: Any):
        check.payload(data, set())
        return {}, action(db, cafe, now())

    control.__doc__ = f"Facilitator sends {event}; every screen of the café gets cafe_changed."


for _event, _action in {
    "start_round": rounds.start_round,
    "pause_round": rounds.pause_round,
    "resume_round": rounds.resume_round,
    "end_round": rounds.end_round,
    "next_round": rounds.next_round,
    "start_harvest": rounds.start_harvest,
}.items():
    _round_control(_event, _action)


@handler("facilitator", "extend_round")
def extend_round(db, cafe, data: Any):
    """Facilitator adds minutes; every screen gets cafe_changed."""
    data = check.payload(data, {"minutes"})
    minutes = check.integer(data, "minutes", low=1, high=30)
    return {}, rounds.extend_round(db, cafe, minutes, now())


@handler("facilitator", "set_joining")
def set_joining(db, cafe, data: Any):
    """Facilitator closes the join code to new people (or opens it again); every screen gets cafe_changed."""
    data = check.payload(data, {"open"})
    if not isinstance(data.get("open"), bool):
        raise Invalid(_("Say whether joining is open: true or false."))
    return {}, cafes.set_joining(db, cafe, data["open"], now())


@handler("facilitator", "nudge")
def nudge(db, cafe, data: Any):
    """Facilitator broadcasts a short message; every screen gets nudged."""
    data = check.payload(data, {"text"})
    return {}, posting.nudge(db, cafe, check.text(data, "text", max_len=check.MAX_NUDGE), now())


@handler("facilitator", "moderate_insight")
def moderate_insight(db, cafe, data: Any):
    """Facilitator hides an insight from the wall and other phones, or shows it again; every screen gets cafe_changed."""
    data = check.payload(data, {"insight_id", "hidden"})
    insight_id = check.client_id(data, "insight_id")
    if not isinstance(data.get("hidden"), bool):
        raise Invalid(_("Say whether the insight is hidden: true or false."))
    return {"insight_id": insight_id, "hidden": data["hidden"]}, moderating.moderate(db, cafe, insight_id, data["hidden"], now())


@handler("facilitator", "reassign")
def reassign(db, cafe, data: Any):
    """Facilitator moves a person to another table; every screen gets cafe_changed."""
    data = check.payload(data, {"participant_id", "table"})
    pid = check.integer(data, "participant_id", low=1, high=2**31)
    table = check.integer(data, "table", low=1, high=10_000)
    before = phone.Seating.read(db, cafe)
    seating.reassign(db, cafe, pid, table)
    return {}, phone.seating_changed(db, cafe, before, "seating_changed")


@handler("facilitator", "set_host")
def set_host(db, cafe, data: Any):
    """Facilitator marks or changes a table's host; every screen gets cafe_changed."""
    data = check.payload(data, {"participant_id", "table"})
    table = check.integer(data, "table", low=1, high=10_000)
    pid = check.integer(data, "participant_id", low=1, high=2**31, nullable=True)
    before = phone.Seating.read(db, cafe)
    seating.set_host(db, cafe, table, pid)
    return {}, phone.seating_changed(db, cafe, before, "host_changed")


def _plan_changed(cafe, reason: str) -> list[Broadcast]:
    """Other facilitator screens redraw the Seating plan; phones are untouched until Apply."""
    return [Broadcast("seating_plan_changed", {"reason": reason}, ("facilitator", cafe.id))]


def _version(data: dict) -> int:
    return check.integer(data, "version", low=1, high=2**31)


@handler("facilitator", "get_seating_plan")
def get_seating_plan(db, cafe, data: Any):
    """Facilitator asks for the stored plan and the draft with their quality; nobody else hears."""
    check.payload(data, set())
    return {"plan": planning.plan_view(db, cafe)}, []


def _prepare_proposal(db, cafe, data: Any) -> None:
    if isinstance(data, dict) and data.get("kind") == "replan":
        planning.prepare_replan(db, cafe)


@handler("facilitator", "propose_plan", prepare=_prepare_proposal)
def propose_plan(db, cafe, data: Any):
    """Facilitator asks for a draft (a re-plan, or a copy of the stored plan); facilitator screens get seating_plan_changed."""
    data = check.payload(data, {"kind"})
    kind = data.get("kind")
    if kind not in ("replan", "copy"):
        raise Invalid(_("kind must be replan or copy."))
    planning.propose(db, cafe, kind, now())
    return {"plan": planning.plan_view(db, cafe)}, _plan_changed(cafe, "proposed")


@handler("facilitator", "swap_in_plan")
def swap_in_plan(db, cafe, data: Any):
    """Facilitator swaps two people's tables in one round of the draft; facilitator screens get seating_plan_changed."""
    data = check.payload(data, {"version", "round", "participant_id", "other_id"})
    version = _version(data)
    round_no = check.integer(data, "round", low=1, high=100)
    first = check.integer(data, "participant_id", low=1, high=2**31)
    second = check.integer(data, "other_id", low=1, high=2**31)
    planning.swap(db, cafe, version, round_no, first, second)
    return {"plan": planning.plan_view(db, cafe)}, _plan_changed(cafe, "swapped")


@handler("facilitator", "apply_plan")
def apply_plan(db, cafe, data: Any):
    """Facilitator applies the draft to the rounds not started; every screen gets cafe_changed."""
    data = check.payload(data, {"version"})
    before = phone.Seating.read(db, cafe)
    planning.apply(db, cafe, _version(data))
    return {"plan": planning.plan_view(db, cafe)}, [
        *phone.seating_changed(db, cafe, before, "plan_applied"), *_plan_changed(cafe, "applied")]


@handler("facilitator", "discard_plan")
def discard_plan(db, cafe, data: Any):
    """Facilitator throws the draft away; facilitator screens get seating_plan_changed."""
    check.payload(data, set())
    planning.discard(db, cafe)
    return {"plan": planning.plan_view(db, cafe)}, _plan_changed(cafe, "discarded")


@handler("facilitator", "add_person")
def add_person(db, cafe, data: Any):
    """Facilitator adds someone without a phone (they follow the printed sheet); every screen
    gets cafe_changed, as a newcomer's table changed."""
    data = check.payload(data, {"name", "perspective", "stays"})
    name = check.text(data, "name", max_len=check.MAX_PERSON_NAME, required=False)
    perspective = check.text(data, "perspective", max_len=32, required=False)
    person, _token, broadcasts = cafes.newcomer(db, cafe, name, perspective, now(), stays=check.flag(data, "stays"), phone_=False)
    table = store.seat_of(db, cafe, person.id, cafe.round)
    return ({"participant_id": person.id, "table": table, "table_label": None if table is None else presenters.table_label(table)},
            broadcasts)


@handler("facilitator", "mark_left")
def mark_left(db, cafe, data: Any):
    """Facilitator marks a person as gone; every screen gets cafe_changed."""
    data = check.payload(data, {"participant_id"})
    pid = check.integer(data, "participant_id", low=1, high=2**31)
    before = phone.Seating.read(db, cafe)
    seating.leave(db, cafe, pid, now())
    return {}, [*phone.seating_changed(db, cafe, before, "participant_left"), *_plan_changed(cafe, "participant_left")]
