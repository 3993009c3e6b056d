"""Events a participant's phone sends."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from cafe import presenters, store
from cafe import validation as check
from cafe.errors import Invalid
from cafe.services import Broadcast, feedback, moderating, phone, posting, seating
from cafe.sockets.common import handler, now


@handler("participant", "post_insight")
def post_insight(db, cafe, me, data: Any):
    """A phone posts an insight; its table's phones, the dashboard and the wall get insight_posted."""
    data = check.payload(data, {"id", "text", "do_not_quote", "round"})
    insight_id = check.client_id(data, "id")
    text = check.text(data, "text", max_len=check.MAX_INSIGHT, multiline=True)
    written_in = check.integer(data, "round", low=1, high=100) if "round" in data else None
    row, duplicate, broadcasts = posting.post_insight(
        db, cafe, me, insight_id, text, check.flag(data, "do_not_quote"), now(), written_in=written_in
    )
    author = me if row.participant_id == me.id else None
    payload = presenters.insight(row, author, store.resonance_count(db, row.id), mine=True)
    return {"insight": payload, "duplicate": duplicate}, broadcasts


@handler("participant", "edit_insight")
def edit_insight(db, cafe, me, data: Any):
    """The author rewrites their insight while its round is open; every screen gets cafe_changed."""
    data = check.payload(data, {"insight_id", "text", "do_not_quote"})
    insight_id = check.client_id(data, "insight_id")
    text = check.text(data, "text", max_len=check.MAX_INSIGHT, multiline=True)
    do_not_quote = check.flag(data, "do_not_quote") if "do_not_quote" in data else None
    row, broadcasts = moderating.edit(db, cafe, me, insight_id, text, do_not_quote)
    payload = presenters.insight(row, me, store.resonance_count(db, row.id), mine=True)
    return {"insight": {**payload, "hidden": row.hidden_at is not None}}, broadcasts


@handler("participant", "withdraw_insight")
def withdraw_insight(db, cafe, me, data: Any):
    """The author takes their insight back while its round is open; every screen gets cafe_changed."""
    data = check.payload(data, {"insight_id"})
    insight_id = check.client_id(data, "insight_id")
    return {"insight_id": insight_id}, moderating.withdraw(db, cafe, me, insight_id)


@handler(("participant", "facilitator"), "scribe_insight")
def scribe_insight(db, cafe, me, data: Any):
    """A table host's phone (or the facilitator) writes an insight for a person at the table, e.g. one
    without a phone; it is filed as theirs, marked as written by a scribe; the rooms get insight_posted."""
    data = check.payload(data, {"id", "person_id", "text", "do_not_quote"})
    insight_id = check.client_id(data, "id")
    person_id = check.integer(data, "person_id", low=1, high=2**31 - 1)
    text = check.text(data, "text", max_len=check.MAX_INSIGHT, multiline=True)
    person = store.participant(db, cafe, int(person_id or 0))  # not nullable: never None
    row, duplicate, broadcasts = posting.scribe_insight(
        db, cafe, me, person, insight_id, text, check.flag(data, "do_not_quote"), now())
    payload = presenters.insight(row, person, store.resonance_count(db, row.id))
    return {"insight": payload, "duplicate": duplicate}, broadcasts


@handler("participant", "resonate")
def resonate(db, cafe, me, data: Any):
    """A phone marks an insight of its table; the same rooms get insight_resonated."""
    data = check.payload(data, {"insight_id"})
    insight_id = check.client_id(data, "insight_id")
    count, duplicate, broadcasts = posting.resonate(db, cafe, me, insight_id)
    return {"insight_id": insight_id, "resonance": count, "duplicate": duplicate}, broadcasts


@handler("participant", "submit_handover")
def submit_handover(db, cafe, me, data: Any):
    """The table host sends the hand-over; the dashboard and the table's phones get handover_submitted."""
    data = check.payload(data, {"bullets"})
    bullets = check.text_list(data, "bullets", min_items=1, max_items=check.MAX_BULLETS, max_len=check.MAX_BULLET)
    row, broadcasts = posting.submit_handover(db, cafe, me, bullets, now())
    return {"handover": presenters.handover(row, store.plan_of(cafe), me)}, broadcasts


@handler("participant", "harvest_feedback")
def harvest_feedback(db, cafe, me, data: Any):
    """A phone says a theme reflects its conversation (or withdraws that), or adds what is missing;
    the dashboard and the wall get cafe_changed (reason feedback_changed)."""
    data = check.payload(data, {"id", "kind", "theme", "text", "withdraw", "do_not_quote"})
    feedback_id = check.client_id(data, "id")
    kind = data.get("kind")
    if kind not in ("reflects", "missing"):
        raise Invalid(_("The kind of feedback must be reflects or missing."))
    if "theme" not in data:
        raise Invalid(_("Say which theme this is about (null for the whole harvest)."))
    theme = check.text(data, "theme", max_len=check.MAX_THEME) if data["theme"] is not None else None
    if kind == "reflects":
        if "text" in data or "do_not_quote" in data:
            raise Invalid(_("Saying a theme reflects your conversation takes no text."))
        withdraw = check.flag(data, "withdraw")
        return feedback.give(db, cafe, me, feedback_id, "withdraw" if withdraw else "reflects", theme, None, False, now())
    if "withdraw" in data:
        raise Invalid(_("A note on what is missing cannot be withdrawn."))
    text = check.text(data, "text", max_len=check.MAX_NOTE, multiline=True)
    return feedback.give(db, cafe, me, feedback_id, "missing", theme, text, check.flag(data, "do_not_quote"), now())


@handler("participant", "leave_cafe", serial=True)
def leave_cafe(db, cafe, me, data: Any):
    """A phone says its person is leaving; every screen gets cafe_changed."""
    check.payload(data, set())
    before = phone.Seating.read(db, cafe)
    seating.leave(db, cafe, me.id, now())
    return {}, [*phone.seating_changed(db, cafe, before, "participant_left"),
                Broadcast("seating_plan_changed", {"reason": "participant_left"}, ("facilitator", cafe.id))]
