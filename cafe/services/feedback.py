"""Participants' word on the harvest: "this reflects our conversation" and "what is missing"."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from cafe.messages import _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cafe import presenters, store
from cafe.domain.harvest.feedback import FeedbackEvent, reflecting, summarise
from cafe.errors import Conflict, Invalid, NotFound
from cafe.models import CafeRow, FeedbackRow, ParticipantRow
from cafe.services import Broadcast, rules

if TYPE_CHECKING:
    from cafe.services.views import Snapshot


def rows(session: Session, cafe: CafeRow, participant_id: int | None = None) -> list[FeedbackRow]:
    """The café's feedback events in arrival order (one person's, if given)."""
    query = select(FeedbackRow).where(FeedbackRow.cafe_id == cafe.id)
    if participant_id is not None:
        query = query.where(FeedbackRow.participant_id == participant_id)
    return list(session.scalars(query.order_by(FeedbackRow.seq)))


def _events(items: list[FeedbackRow], people: dict[int, ParticipantRow]) -> list[FeedbackEvent]:
    return [
        FeedbackEvent(person=r.participant_id, kind=r.kind, theme=r.theme, text=r.text, do_not_quote=r.do_not_quote,
                      perspective=people[r.participant_id].perspective if r.participant_id in people else None,
                      at=store.utc(r.at))
        for r in items
    ]


def _my_note(row: FeedbackRow) -> dict[str, Any]:
    return {"id": row.id, "theme": row.theme, "text": row.text, "do_not_quote": row.do_not_quote, "at": presenters.iso(row.at)}


def give(
    session: Session, cafe: CafeRow, person: ParticipantRow, feedback_id: str, kind: str, theme: str | None,
    text: str | None, do_not_quote: bool, now: datetime,
) -> tuple[dict[str, Any], list[Broadcast]]:
    """Store one feedback event exactly once per id; returns (reply, broadcasts).

    `kind` is "reflects", "withdraw" or "missing". A reflects (or withdraw) that matches what the
    person already said changes nothing and is answered `duplicate: true`, like a second resonate."""
    existing = session.scalar(select(FeedbackRow).where(FeedbackRow.id == feedback_id))
    if existing is not None:
        if existing.participant_id != person.id:
            raise Conflict(_("That feedback id is already taken."))
        return _reply(session, cafe, person, existing, duplicate=True), []
    with rules.obeyed():
        rules.cafe_of(cafe).ensure_may_give_feedback(rules.person_of(session, cafe, person.id))
    if theme is not None and theme not in {t.name for t in store.plan_of(cafe).themes}:
        raise NotFound(_("No such theme."))
    if kind not in ("reflects", "withdraw", "missing"):
        raise Invalid(_("Unknown kind of feedback."))
    before = (person.id, theme) in reflecting(_events(rows(session, cafe, person.id), {}))
    row = FeedbackRow(id=feedback_id, cafe_id=cafe.id, participant_id=person.id, kind=kind, theme=theme,
                      text=text if kind == "missing" else None, do_not_quote=do_not_quote and kind == "missing", at=now)
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        # The same id arrived twice at once (a resend racing the first send): one row wins.
        existing = session.scalar(select(FeedbackRow).where(FeedbackRow.id == feedback_id))
        if existing is None or existing.participant_id != person.id:
            raise Conflict(_("That feedback id is already taken.")) from None
        return _reply(session, cafe, person, existing, duplicate=True), []
    unchanged = kind != "missing" and before == (kind == "reflects")
    reply = _reply(session, cafe, person, row, duplicate=unchanged)
    if unchanged:
        return reply, []
    # Phones do not need others' feedback; the dashboard and the wall re-sync their harvest.
    return reply, [Broadcast("cafe_changed", {"reason": "feedback_changed"}, ("staff", cafe.id))]


def _reply(session: Session, cafe: CafeRow, person: ParticipantRow, row: FeedbackRow, duplicate: bool) -> dict[str, Any]:
    held = reflecting(_events(rows(session, cafe), {}))
    return {
        "id": row.id,
        "kind": "reflects" if row.kind == "withdraw" else row.kind,
        "withdraw": row.kind == "withdraw",
        "theme": row.theme,
        "reflects": (person.id, row.theme) in held,
        "count": sum(1 for _, theme in held if theme == row.theme),
        "note": _my_note(row) if row.kind == "missing" else None,
        "duplicate": duplicate,
    }


def attach(snap: Snapshot, themes: list[dict[str, Any]]) -> dict[str, Any]:
    """Add each harvest theme's "feedback" (docs/protocol.md) and return the room's."""
    per_theme, room = summarise(_events(rows(snap.session, snap.row), snap.people), [t["theme"] for t in themes])
    for theme in themes:
        theme["feedback"] = per_theme[theme["theme"]]
    return room


def mine(snap: Snapshot, person: ParticipantRow) -> dict[str, Any]:
    """What this phone already said: the themes it says are reflected, and its notes."""
    if snap.row.stage != "harvest":
        return {"reflects": [], "missing": []}
    items = rows(snap.session, snap.row, person.id)
    held = reflecting(_events(items, {}))
    return {
        "reflects": sorted((theme for _, theme in held), key=lambda t: (t is not None, t or "")),
        "missing": [_my_note(r) for r in items if r.kind == "missing"],
    }


def notes(snap: Snapshot) -> list[dict[str, Any]]:
    """Every "missing" note for the dashboard, including those not to be quoted (flagged)."""
    return [
        {**_my_note(r), "perspective": snap.people[r.participant_id].perspective if r.participant_id in snap.people else None}
        for r in rows(snap.session, snap.row) if r.kind == "missing"
    ]


def export(snap: Snapshot) -> list[dict[str, Any]]:
    """The record: each reflects that stands (its latest) and every note; a perspective, never a name."""
    items = rows(snap.session, snap.row)
    held = reflecting(_events(items, {}))
    latest = {(r.participant_id, r.theme): r.seq for r in items if r.kind == "reflects"}
    kept = [r for r in items if r.kind == "missing" or (r.kind == "reflects" and latest[(r.participant_id, r.theme)] == r.seq
                                                          and (r.participant_id, r.theme) in held)]
    return [
        {"id": r.id, "kind": r.kind, "theme": r.theme, "text": r.text, "do_not_quote": r.do_not_quote,
         "perspective": snap.people[r.participant_id].perspective if r.participant_id in snap.people else None,
         "participant_id": r.participant_id, "at": presenters.iso(r.at)}
        for r in kept
    ]
