"""Corrections during the rounds: the facilitator hides an insight, its author edits or withdraws it.

Who then sees what is not decided here: a hidden insight is one of `curations.hidden_ids`, and the
read model (harvest_view) keeps it from the wall, other phones and every report. Each change makes
every screen of the café re-sync (cafe_changed), so no screen has to patch its own copy.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import delete
from sqlalchemy.orm import Session

from cafe.errors import NotFound
from cafe.models import CafeRow, InsightRow, ParticipantRow, ResonanceRow
from cafe.services import Broadcast, rules


def _insight(session: Session, cafe: CafeRow, insight_id: str) -> InsightRow:
    row = session.get(InsightRow, insight_id)
    if row is None or row.cafe_id != cafe.id:
        raise NotFound(_("No such insight."))
    return row


def _changed(cafe: CafeRow, reason: str, insight_id: str) -> list[Broadcast]:
    return [Broadcast("cafe_changed", {"reason": reason, "insight_id": insight_id}, ("cafe", cafe.id))]


def moderate(session: Session, cafe: CafeRow, insight_id: str, hidden: bool, now: datetime) -> list[Broadcast]:
    """The facilitator hides an insight from the wall and other phones (or shows it again); it stays
    in the record, marked hidden. Hiding a hidden one again keeps its first time."""
    with rules.obeyed():
        rules.cafe_of(cafe).ensure_may_moderate()
    row = _insight(session, cafe, insight_id)
    if hidden and row.hidden_at is None:
        row.hidden_at = now
    elif not hidden:
        row.hidden_at = None
    return _changed(cafe, "insight_hidden" if hidden else "insight_shown", insight_id)


def _own(session: Session, cafe: CafeRow, person: ParticipantRow, insight_id: str) -> InsightRow:
    """The author's own insight of the open round, or the refusal."""
    row = _insight(session, cafe, insight_id)
    with rules.obeyed():
        rules.cafe_of(cafe).ensure_may_correct(rules.person_of(session, cafe, person.id), row.participant_id, row.round)
    return row


def edit(session: Session, cafe: CafeRow, person: ParticipantRow, insight_id: str, text: str,
         do_not_quote: bool | None) -> tuple[InsightRow, list[Broadcast]]:
    """The author rewrites their insight (text cleaned and checked as a post); every screen shows the new words."""
    row = _own(session, cafe, person, insight_id)
    row.text = text
    if do_not_quote is not None:
        row.do_not_quote = do_not_quote
    return row, _changed(cafe, "insight_edited", insight_id)


def withdraw(session: Session, cafe: CafeRow, person: ParticipantRow, insight_id: str) -> list[Broadcast]:
    """The author takes their insight back: the row and its resonance are deleted, kept nowhere."""
    row = _own(session, cafe, person, insight_id)
    session.execute(delete(ResonanceRow).where(ResonanceRow.insight_id == row.id))
    session.delete(row)
    session.flush()
    return _changed(cafe, "insight_withdrawn", insight_id)
