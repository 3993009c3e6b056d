"""The facilitator's round controls; the clock is stored, never kept in a process."""
from __future__ import annotations

from datetime import datetime

from cafe.messages import Text, _
from sqlalchemy import select
from sqlalchemy.orm import Session

from cafe import store
from cafe.domain.cafe import Stage
from cafe.domain.timer import ClockError, RoundClock
from cafe.errors import Conflict
from cafe.models import CafeRow, RoundLogRow
from cafe.services import Broadcast, phone, rules, seating


def _changed(session: Session, cafe: CafeRow, now: datetime, reason: str) -> list[Broadcast]:
    """One `cafe_updated` to every screen: phones hold their itinerary, so the round and its clock
    are all a room needs to know."""
    return [phone.cafe_updated(session, cafe, now, reason)]


def _apply(cafe: CafeRow, change) -> None:
    with rules.obeyed():
        rules.cafe_of(cafe).ensure_rounds()
    try:
        store.save_clock(cafe, change(store.clock_of(cafe)))
    except ClockError:
        raise Conflict(_("That is not possible while the round is %(status)s.", status=_status_word(cafe.status))) from None


def _status_word(status: str) -> Text:
    return {"ready": _("not started yet"), "running": _("running"), "paused": _("paused"), "ended": _("ended")}[status]


def _log(session: Session, cafe: CafeRow) -> RoundLogRow:
    row = session.scalar(select(RoundLogRow).where(RoundLogRow.cafe_id == cafe.id, RoundLogRow.round == cafe.round))
    if row is None:
        row = RoundLogRow(cafe_id=cafe.id, round=cafe.round)
        session.add(row)
    return row


def start_round(session: Session, cafe: CafeRow, now: datetime) -> list[Broadcast]:
    """Start the ready round's timer (the first start also balances the tables)."""
    _apply(cafe, lambda clock: clock.start(now))
    moves: list[Broadcast] = []
    if cafe.round == 1:
        before = phone.Seating.read(session, cafe)
        seating.balance_current_round(session, cafe)
        seating.plan_whole_cafe(session, cafe)
        # everyone's rounds to come were planned just now: each phone is sent its itinerary
        moves = phone.seating_changed(session, cafe, before, "round_started")
    _log(session, cafe).started_at = now
    return [*_changed(session, cafe, now, "round_started"), *moves]


def pause_round(session: Session, cafe: CafeRow, now: datetime) -> list[Broadcast]:
    """Freeze the time left."""
    _apply(cafe, lambda clock: clock.pause(now))
    return _changed(session, cafe, now, "round_paused")


def resume_round(session: Session, cafe: CafeRow, now: datetime) -> list[Broadcast]:
    """Run the timer again from the time left."""
    _apply(cafe, lambda clock: clock.resume(now))
    return _changed(session, cafe, now, "round_resumed")


def extend_round(session: Session, cafe: CafeRow, minutes: int, now: datetime) -> list[Broadcast]:
    """Give the round more minutes."""
    _apply(cafe, lambda clock: clock.extend(minutes * 60, now))
    return _changed(session, cafe, now, "round_extended")


def end_round(session: Session, cafe: CafeRow, now: datetime) -> list[Broadcast]:
    """Stop the round; hosts are asked for their hand-over if they have not written one."""
    _apply(cafe, lambda clock: clock.end(now))
    _log(session, cafe).ended_at = now
    return _changed(session, cafe, now, "round_ended")


def _end_if_needed(session: Session, cafe: CafeRow, now: datetime) -> None:
    if rules.cafe_of(cafe).round_is_live:
        end_round(session, cafe, now)


def next_round(session: Session, cafe: CafeRow, now: datetime) -> list[Broadcast]:
    """Move everyone to their planned seats for the next round, which starts ready."""
    plan = store.plan_of(cafe)
    with rules.obeyed():
        rules.cafe_of(cafe).ensure_may_move_on()
    _end_if_needed(session, cafe, now)
    before = phone.Seating.read(session, cafe)
    seating.move_everyone_on(session, cafe)
    store.save_clock(cafe, RoundClock(duration_s=plan.duration_s(cafe.round)))
    # The rounds to come are already planned; only someone without a seat needs one.
    seating.fill_gaps(session, cafe)
    # the clock to every screen, each table its people: never one state per phone
    return [*_changed(session, cafe, now, "next_round"), *phone.seating_changed(session, cafe, before, "next_round")]


def start_harvest(session: Session, cafe: CafeRow, now: datetime) -> list[Broadcast]:
    """After the last round: the café moves to its harvest."""
    with rules.obeyed():
        rules.cafe_of(cafe).ensure_may_start_harvest()
    _end_if_needed(session, cafe, now)
    cafe.stage = Stage.HARVEST.value
    return _changed(session, cafe, now, "harvest_started")
