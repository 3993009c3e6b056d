"""Corrections during the rounds: the facilitator hides an insight, its author edits or withdraws it.

Who then sees what is not decided here: a hidden insight is one of `curations.hidden_ids`, and the
read model (harvest_view) keeps it from the wall, other phones and every report. Each change makes
the insight's table and the staff's screens re-read their state (cafe_changed), so no screen has
to patch its own copy.
"""
from __future__ import annotations

from datetime import datetime

from cafe.messages import _
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


def _changed(cafe: CafeRow, reason: str, row: InsightRow) -> list[Broadcast]:
    """The insight's table (its phones read their table again) and the staff's screens; a
    correction concerns nobody else."""
    payload = {"reason": reason, "insight_id": row.id}
    return [Broadcast("cafe_changed", payload, ("table", cafe.id, row.round, row.table_number)),
            Broadcast("cafe_changed", payload, ("staff", cafe.id))]


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
    return _changed(cafe, "insight_hidden" if hidden else "insight_shown", row)


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
    return row, _changed(cafe, "insight_edited", row)


def withdraw(session: Session, cafe: CafeRow, person: ParticipantRow, insight_id: str) -> list[Broadcast]:
    """The author takes their insight back: the row and its resonance are deleted, kept nowhere."""
    row = _own(session, cafe, person, insight_id)
    session.execute(delete(ResonanceRow).where(ResonanceRow.insight_id == row.id))
    changed = _changed(cafe, "insight_withdrawn", row)
    session.delete(row)
    session.flush()
    return changed
