"""Events only the facilitator (holder of the host link) may send."""
from __future__ import annotations

from typing import Any

from cafe import validation as check
from cafe.services import posting, rounds, seating
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


@handler("facilitator", "nudge")
def nudge(db, cafe, data: Any):
    """Facilitator broadcasts a short message; every screen gets nudged."""
    data = check.payload(data, {"text"})
    return {}, posting.nudge(db, cafe, check.text(data, "text", max_len=200), now())


@handler("facilitator", "reassign")
def reassign(db, cafe, data: Any):
    """Facilitator moves a person to another table; every screen gets cafe_changed."""
    data = check.payload(data, {"participant_id", "table"})
    pid = check.integer(data, "participant_id", low=1, high=2**31)
    table = check.integer(data, "table", low=1, high=10_000)
    seating.reassign(db, cafe, pid, table)
    return {}, [Broadcast("cafe_changed", {"reason": "seating_changed"}, ("cafe", cafe.id))]


@handler("facilitator", "set_host")
def set_host(db, cafe, data: Any):
    """Facilitator marks or changes a table's host; every screen gets cafe_changed."""
    data = check.payload(data, {"participant_id", "table"})
    table = check.integer(data, "table", low=1, high=10_000)
    pid = check.integer(data, "participant_id", low=1, high=2**31, nullable=True)
    seating.set_host(db, cafe, table, pid)
    return {}, [Broadcast("cafe_changed", {"reason": "host_changed"}, ("cafe", cafe.id))]
