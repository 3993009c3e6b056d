"""What people say: insights, resonance, hand-overs and the facilitator's nudges."""
from __future__ import annotations

from datetime import datetime

from cafe.messages import _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cafe import presenters, store
from cafe.errors import Conflict, NotFound
from cafe.models import CafeRow, HandoverRow, InsightRow, NudgeRow, ParticipantRow, ResonanceRow
from cafe.services import Broadcast, harvest_view, rules



def _table_audience(cafe: CafeRow, round_no: int, table: int) -> list[tuple]:
    return [("table", cafe.id, round_no, table), ("staff", cafe.id)]


def post_insight(
    session: Session, cafe: CafeRow, person: ParticipantRow, insight_id: str, text: str, do_not_quote: bool, now: datetime,
    written_in: int | None = None,
) -> tuple[InsightRow, bool, list[Broadcast]]:
    """Store an insight at the poster's table, exactly once per id; returns (insight, duplicate, broadcasts).

    An insight written offline in an earlier round (`written_in`) is filed at that round's table."""
    existing = session.get(InsightRow, insight_id)
    if existing is not None:
        if existing.participant_id != person.id:
            raise Conflict(_("That insight id is already taken."))
        return existing, True, []
    with rules.obeyed():
        # The offline-resend path (`written_in`) obeys the same stage rules as a live post.
        round_no, table = rules.cafe_of(cafe).ensure_may_post(rules.person_of(session, cafe, person.id), written_in)
    return _file(session, cafe, person, insight_id, text, do_not_quote, now, round_no, table, None)


def scribe_insight(
    session: Session, cafe: CafeRow, scribe: ParticipantRow | None, person: ParticipantRow, insight_id: str, text: str,
    do_not_quote: bool, now: datetime,
) -> tuple[InsightRow, bool, list[Broadcast]]:
    """Store an insight a table host (or the facilitator, `scribe` None) writes down for a person at
    the table: it is that person's, under their perspective, marked as written by a scribe."""
    role = "facilitator" if scribe is None else "host"
    existing = session.get(InsightRow, insight_id)
    if existing is not None:
        if existing.participant_id != person.id or existing.scribe != role:
            raise Conflict(_("That insight id is already taken."))
        return existing, True, []
    with rules.obeyed():
        round_no, table = rules.cafe_of(cafe).ensure_may_scribe(
            rules.person_of(session, cafe, scribe.id) if scribe is not None else None,
            rules.person_of(session, cafe, person.id))
    return _file(session, cafe, person, insight_id, text, do_not_quote, now, round_no, table, role)


def _file(
    session: Session, cafe: CafeRow, person: ParticipantRow, insight_id: str, text: str, do_not_quote: bool,
    now: datetime, round_no: int, table: int, scribe: str | None,
) -> tuple[InsightRow, bool, list[Broadcast]]:
    insight = InsightRow(
        id=insight_id, cafe_id=cafe.id, participant_id=person.id, round=round_no, table_number=table,
        theme=store.theme_at(session, cafe, table, round_no).name, text=text, do_not_quote=do_not_quote, posted_at=now, scribe=scribe,
    )
    try:
        with session.begin_nested():
            session.add(insight)
    except IntegrityError:
        # The same id arrived twice at once (a resend racing the first send): one row wins.
        existing = session.get(InsightRow, insight_id)
        if existing is None or existing.participant_id != person.id or existing.scribe != scribe:
            raise Conflict(_("That insight id is already taken.")) from None
        return existing, True, []
    payload = presenters.insight(insight, person, resonance=0)
    return insight, False, harvest_view.insight_posted(payload, cafe.id, round_no, table)


def resonate(session: Session, cafe: CafeRow, person: ParticipantRow, insight_id: str) -> tuple[int, bool, list[Broadcast]]:
    """Count one "resonates" per person and insight; returns (count, duplicate, broadcasts)."""
    insight = session.get(InsightRow, insight_id)
    if insight is None or insight.cafe_id != cafe.id:
        raise NotFound(_("No such insight."))
    with rules.obeyed():
        rules.cafe_of(cafe).ensure_may_resonate(
            rules.person_of(session, cafe, person.id), insight.participant_id, insight.round, insight.table_number)
    duplicate = session.get(ResonanceRow, (insight_id, person.id)) is not None
    if not duplicate:
        try:
            with session.begin_nested():
                session.add(ResonanceRow(insight_id=insight_id, participant_id=person.id))
        except IntegrityError:
            duplicate = True
    count = store.resonance_count(session, insight_id)
    if duplicate:
        return count, True, []
    payload = {"insight_id": insight_id, "resonance": count}
    audience = _table_audience(cafe, insight.round, insight.table_number)
    return count, False, [Broadcast("insight_resonated", payload, a) for a in audience]


def submit_handover(
    session: Session, cafe: CafeRow, person: ParticipantRow, bullets: list[str], now: datetime
) -> tuple[HandoverRow, list[Broadcast]]:
    """Save the host's hand-over for this round's table (sending again replaces it)."""
    with rules.obeyed():
        table = rules.cafe_of(cafe).ensure_may_submit_handover(rules.person_of(session, cafe, person.id))
    row = next((h for h in store.handovers(session, cafe, table) if h.round == cafe.round), None)
    if row is None:
        row = HandoverRow(cafe_id=cafe.id, round=cafe.round, table_number=table)
        session.add(row)
    row.host_participant_id = person.id
    row.bullets = list(bullets)
    row.written_at = now
    session.flush()
    plan = store.plan_of(cafe)
    payload = presenters.handover(row, plan, person)
    # The newcomers of the next round see it when they sit down; now only the staff and this table.
    return row, [Broadcast("handover_submitted", payload, a) for a in _table_audience(cafe, cafe.round, table)]


def nudge(session: Session, cafe: CafeRow, text: str, now: datetime) -> list[Broadcast]:
    """A message from the facilitator to every screen."""
    row = NudgeRow(cafe_id=cafe.id, text=text, at=now)
    session.add(row)
    return [Broadcast("nudged", presenters.nudge_payload(row), ("cafe", cafe.id))]
