"""Loads the café aggregate (cafe.domain.cafe) from stored rows and turns its refusals into replies."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from cafe.messages import Text, _
from sqlalchemy import select
from sqlalchemy.orm import Session

from cafe import store
from cafe.domain.cafe import Cafe, Person, Refused
from cafe.errors import CafeError, Conflict, Forbidden
from cafe.models import AttendanceRow, CafeRow, SeatRow, TableRow


def cafe_of(row: CafeRow) -> Cafe:
    """The rules' view of a stored café."""
    return Cafe.of(row.stage, row.round, store.plan_rules(row).rounds, row.status)


def person_of(session: Session, row: CafeRow, participant_id: int) -> Person:
    """The rules' view of a participant: seats up to this round, whether they left, the table they host."""
    seats = dict(session.execute(
        select(SeatRow.round, SeatRow.table_number)
        .where(SeatRow.cafe_id == row.id, SeatRow.participant_id == participant_id, SeatRow.round <= row.round)
    ).all())
    attendance = session.get(AttendanceRow, participant_id)
    # the table this person hosts, looked up for them alone (a post must not load every table)
    hosted = session.scalar(select(TableRow.number).where(TableRow.cafe_id == row.id, TableRow.host_id == participant_id)
                            .order_by(TableRow.number).limit(1))
    return Person(id=participant_id, seats=seats, left=attendance is not None and attendance.left_at is not None,
                  hosts=hosted)


def _messages() -> dict[str, Text]:
    return {
        "left_cafe": _("You have left this café."),
        "rounds_over": _("The café is in its harvest; rounds are over."),
        "round_not_started": _("This round has not started yet."),
        "no_seat": _("You have no seat in this round."),
        "not_your_table": _("You can only mark insights from your own table."),
        "own_insight": _("You cannot mark your own insight."),
        "not_your_insight": _("You can only change your own insights."),
        "round_closed": _("This insight's round is over: it can no longer be changed."),
        "not_host": _("Only the table host writes the hand-over."),
        "not_scribe": _("Only the host of their table (or the facilitator) can write for this person."),
        "scribe_self": _("Post your own insights as yourself, not as a scribe."),
        "harvest_not_started": _("The harvest has not started yet."),
        "last_round": _("This was the last round: start the harvest."),
        "harvest_started": _("The harvest has already started."),
        "harvest_too_early": _("The harvest starts after the last round."),
        "joining_closed": _("Joining this café is closed. Ask the facilitator if you should be here."),
    }


def as_error(refusal: Refused) -> CafeError:
    """The reply error for a broken rule: its code, and its sentence for the edge to say."""
    message = _messages().get(refusal.reason, _("That is not possible now."))
    return Forbidden(message) if refusal.code == "forbidden" else Conflict(message)


@contextmanager
def obeyed() -> Iterator[None]:
    """Run rule checks; a broken rule becomes the CafeError the handlers answer with."""
    try:
        yield
    except Refused as refusal:
        raise as_error(refusal) from None
