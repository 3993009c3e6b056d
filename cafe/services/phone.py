"""A phone's state, and the deltas that keep it current: the cost follows one table, never the room.

A phone reads its own seat, its table's people, insights and hand-overs, and its itinerary, each
with an indexed query; nothing here loads the whole café (until the harvest, whose payload is
built once and shared by every phone: harvesting.py). The deltas a round change pushes (the café's
clock to every screen, each table's people to its table, each person's itinerary) are built here
too, from one read of the seats, so that what a phone is pushed and what it reads agree.

Plan texts reach a phone in its own language once, with its state (`texts`); pushed deltas carry
the index of a table's theme (`theme_index`), so one delta serves phones of every language."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cafe import live, presenters, store
from cafe.domain.plan import Plan
from cafe.domain.timer import RoundClock
from cafe.models import AttendanceRow, CafeRow, InsightRow, ParticipantRow, ResonanceRow, SeatRow, TableRow
from cafe.services import Broadcast, curations, feedback, harvest_view


def theme_index(plan: Plan, number: int, round_no: int) -> int:
    """Which of the plan's themes a table discusses in a round (the same index in every language)."""
    return plan.themes.index(plan.theme_for(number, round_no))


def texts(shown: Plan) -> dict[str, Any]:
    """The plan's theme texts in the phone's language, by theme index."""
    return {"themes": [{"name": t.name, "description": t.description, "questions": list(t.questions)} for t in shown.themes]}


def itinerary(plan: Plan, shown: Plan, seats: dict[int, int]) -> list[dict[str, Any]]:
    """round -> table, as the phone shows it (the theme in the phone's language)."""
    return [{"round": r, "table": seats[r], "table_label": presenters.table_label(seats[r]),
             "theme": shown.theme_for(seats[r], r).name, "theme_index": theme_index(plan, seats[r], r)}
            for r in range(1, plan.rounds + 1) if r in seats]


def table_view(plan: Plan, shown: Plan, row: TableRow, round_no: int, members: list[ParticipantRow],
               insight_count: int, last_at: datetime | None, quiet: bool) -> dict[str, Any]:
    """A <table> as a phone gets it (with its members), with the theme's index for deltas."""
    data = presenters.table(row, shown, round_no, members, insight_count, last_at, quiet)
    data["theme_index"] = theme_index(plan, row.number, round_no)
    return data


def _members(session: Session, cafe: CafeRow, round_no: int, number: int) -> list[ParticipantRow]:
    ids = live.seated(session, cafe.id, round_no, number)
    if not ids:
        return []
    return list(session.scalars(select(ParticipantRow).where(ParticipantRow.id.in_(ids)).order_by(ParticipantRow.id)))


def _streams(cafe: CafeRow, me: ParticipantRow, round_no: int, number: int | None) -> list[str]:
    streams = ["cafe", live.person_stream(me.id)]
    if number is not None:
        streams.append(live.table_stream(round_no, number))
    return streams


def phone_state(session: Session, cafe: CafeRow, me: ParticipantRow, now: datetime, join_url: str,
                language: str | None, harvest: Callable[[], dict[str, Any] | None]) -> dict[str, Any]:
    """One phone's view (docs/protocol.md, <participant state>): my table, its talk, my hand-over
    duty, where I go next, the stream numbers it is current to. `harvest()` gives the phone's
    harvest once the café is in it (built once for every phone: views.phone_harvest)."""
    plan = store.plan_of(cafe)
    shown = plan.in_language(language)
    round_no = cafe.round
    attendance = session.get(AttendanceRow, me.id)
    left = attendance is not None and attendance.left_at is not None
    seats = store.itinerary_of(session, cafe, me.id)
    number = None if left else seats.get(round_no)
    streams = _streams(cafe, me, round_no, number)
    numbers = live.versions(session, cafe.id, streams)  # read first: a delta after this is newer than the state
    clock = store.clock_of(cafe)
    cafe_view = presenters.cafe(cafe, shown, clock.remaining(now), now, join_url, store.last_nudge(session, cafe))
    if shown is not plan:
        cafe_view["title"] = shown.title
    table = None
    insights: list[dict[str, Any]] = []
    handovers: list[dict[str, Any]] = []
    my_handover = None
    is_host = False
    if number is not None:
        row = store.table(session, cafe, number)
        is_host = row.host_id == me.id
        rows = store.insights(session, cafe, round_no, number)
        hidden = _hidden(session, cafe, rows)
        counts = _resonance(session, [r.id for r in rows])
        authors = {p.id: p for p in _people(session, {r.participant_id for r in rows})}
        counted = [r for r in rows if r.id not in hidden]
        last_at = store.utc(counted[-1].posted_at) if counted else None
        quiet_now = quiet(cafe.status, clock, now, last_at)
        table = table_view(plan, shown, row, round_no, _members(session, cafe, round_no, number), len(counted), last_at, quiet_now)
        for r in rows:
            reader = harvest_view.reader_of(r, me)
            if harvest_view.visible(r, reader, hidden):
                insights.append(harvest_view.insight(r, authors.get(r.participant_id), counts.get(r.id, 0), reader,
                                                     r.participant_id == me.id, hidden))
        written = store.handovers(session, cafe, number)
        hosts = {p.id: p for p in _people(session, {h.host_participant_id for h in written if h.host_participant_id})}
        for h in reversed(written):
            payload = presenters.handover(h, shown, hosts.get(h.host_participant_id or 0))
            if h.round == round_no:
                my_handover = payload
            elif h.round < round_no:
                handovers.append(payload)
    remaining = clock.remaining(now)
    due = (is_host and my_handover is None and cafe.stage == "rounds"
           and (cafe.status == "ended" or (cafe.status in ("running", "paused") and remaining <= plan.handover_minutes * 60)))
    steps = itinerary(plan, shown, seats)
    upcoming = next((step for step in steps if step["round"] == round_no + 1), None)
    return {
        "role": "participant",
        "cafe": cafe_view,
        "me": {**presenters.person(me), "is_host": is_host, "left": left, "stays": bool(attendance and attendance.stays)},
        "table": table,
        "insights": insights,
        "resonated": sorted(store.resonated_by(session, me.id)),
        "handovers": handovers,
        "my_handover": my_handover,
        "handover_due": due,
        "next": {**upcoming, "stay": upcoming["table"] == number} if upcoming else None,
        "itinerary": steps,
        "harvest": harvest() if cafe.stage == "harvest" else None,
        "feedback": feedback.mine(SimpleNamespace(session=session, row=cafe), me),  # type: ignore[arg-type]
        "texts": texts(shown),
        "versions": numbers,
    }


def _people(session: Session, ids: set[int]) -> list[ParticipantRow]:
    if not ids:
        return []
    return list(session.scalars(select(ParticipantRow).where(ParticipantRow.id.in_(ids))))


def _hidden(session: Session, cafe: CafeRow, rows: list[InsightRow]) -> set[str]:
    """Which of these insights the facilitator hid (during the rounds, or while curating)."""
    curated = {i for state in curations.stored(session, cafe).values() for i in state.hidden}
    return {r.id for r in rows if r.hidden_at is not None or r.id in curated}


def _resonance(session: Session, ids: list[str]) -> dict[str, int]:
    if not ids:
        return {}
    rows = session.execute(select(ResonanceRow.insight_id, func.count()).where(ResonanceRow.insight_id.in_(ids))
                           .group_by(ResonanceRow.insight_id))
    return dict(rows.all())


QUIET_AFTER_S = 180


def quiet(status: str, clock: RoundClock, now: datetime, last_at: datetime | None) -> bool:
    """A running round with no insight from the table for a while (3 minutes, or a third of the round)."""
    if status != "running":
        return False
    started = None if clock.deadline is None else clock.deadline.timestamp() - clock.duration_s
    reference = last_at.timestamp() if last_at else started
    if reference is None:
        return False
    return now.timestamp() - reference >= min(QUIET_AFTER_S, clock.duration_s / 3)


# --- deltas ---------------------------------------------------------------------------------------

def cafe_updated(session: Session, cafe: CafeRow, now: datetime, reason: str) -> Broadcast:
    """The café's round, clock and stage, to every screen (`cafe_updated`): what a round change,
    pause, extension or the harvest's start tells a room, in one broadcast."""
    clock = store.clock_of(cafe)
    live_part = presenters.cafe_live(cafe, clock.remaining(now), now, store.last_nudge(session, cafe))
    return Broadcast("cafe_updated", {"reason": reason, "cafe": live_part}, ("cafe", cafe.id))


def tables_updated(session: Session, cafe: CafeRow, round_no: int, numbers: set[int] | None = None) -> list[Broadcast]:
    """Each table's people and host in a round (`table_updated`), to the people seated there; one
    read of the round's seats for every table (or for the tables in `numbers`)."""
    plan = store.plan_of(cafe)
    by_table: dict[int, list[int]] = defaultdict(list)
    if numbers is not None and len(numbers) <= 3:
        # a newcomer's or a moved person's table: its own people, not the whole room's seats
        for number in numbers:
            by_table[number] = live.seated(session, cafe.id, round_no, number)
    else:
        gone = store.left_ids(session, cafe)
        for pid, number in store.seats(session, cafe, round_no).items():
            if pid not in gone and (numbers is None or number in numbers):
                by_table[number].append(pid)
    people = {p.id: p for p in _people(session, {pid for ids in by_table.values() for pid in ids})}
    handovers: dict[int, list] = defaultdict(list)
    for h in (store.handovers(session, cafe) if round_no > 1 else []):
        if h.round < round_no and h.table_number in by_table:
            handovers[h.table_number].append(h)
    host_people = {p.id: p for p in _people(session, {h.host_participant_id for hs in handovers.values() for h in hs
                                                      if h.host_participant_id is not None})}
    result = []
    for row in store.tables(session, cafe):
        if not by_table.get(row.number):
            continue
        members = [people[pid] for pid in sorted(by_table[row.number]) if pid in people]
        payload = {
            "round": round_no,
            "table": table_view(plan, plan, row, round_no, members, 0, None, False),
            # the table's earlier hand-overs, newest first: what its host briefs the newcomers with
            "handovers": [presenters.handover(h, plan, host_people.get(h.host_participant_id or 0))
                          for h in reversed(handovers[row.number])],
        }
        result.append(Broadcast("table_updated", payload, ("table", cafe.id, round_no, row.number)))
    return result


def itineraries(session: Session, cafe: CafeRow, ids: set[int] | None = None) -> list[Broadcast]:
    """Each person's seats for every round (`itinerary_changed`), to that person: what a whole
    café's planning (or a re-plan) changes, computed from one read of the seats."""
    plan = store.plan_of(cafe)
    by_person = _by_person(store.seats_by_round(session, cafe), store.left_ids(session, cafe))
    return [Broadcast("itinerary_changed", {"itinerary": itinerary(plan, plan, seats)}, ("person", cafe.id, pid))
            for pid, seats in sorted(by_person.items()) if ids is None or pid in ids]


def _by_person(by_round: dict[int, dict[int, int]], gone: set[int]) -> dict[int, dict[int, int]]:
    result: dict[int, dict[int, int]] = defaultdict(dict)
    for round_no, seats in by_round.items():
        for pid, number in seats.items():
            if pid not in gone:
                result[pid][round_no] = number
    return result


@dataclass(frozen=True)
class Seating:
    """Who sat where (every round), who hosted which table and who had left: read before a change
    to the seating, so that `seating_changed` tells exactly the people and tables it moved."""

    round: int
    by_person: dict[int, dict[int, int]]
    hosts: dict[int, int]
    gone: frozenset[int]

    @classmethod
    def read(cls, session: Session, cafe: CafeRow) -> Seating:
        gone = store.left_ids(session, cafe)
        return cls(cafe.round, _by_person(store.seats_by_round(session, cafe), gone), store.hosts(session, cafe), frozenset(gone))

    def at(self, round_no: int) -> dict[int, set[int]]:
        tables: dict[int, set[int]] = defaultdict(set)
        for pid, seats in self.by_person.items():
            if round_no in seats:
                tables[seats[round_no]].add(pid)
        return tables


def seating_changed(session: Session, cafe: CafeRow, before: Seating, reason: str) -> list[Broadcast]:
    """The deltas for a change to who sits where: the itinerary of each person whose seats changed,
    the current round's tables whose people or host changed (every table, after a round change),
    a person who left (their phone reads its state again), and the staff's screens."""
    session.flush()
    after = Seating.read(session, cafe)
    plan = store.plan_of(cafe)
    result = [Broadcast("itinerary_changed", {"itinerary": itinerary(plan, plan, seats)}, ("person", cafe.id, pid))
              for pid, seats in sorted(after.by_person.items()) if before.by_person.get(pid) != seats]
    result += [Broadcast("cafe_changed", {"reason": reason}, ("person", cafe.id, pid)) for pid in sorted(after.gone - before.gone)]
    if after.round != before.round:
        numbers = None
    else:
        was, now = before.at(cafe.round), after.at(cafe.round)
        numbers = {n for n in set(was) | set(now) if was.get(n) != now.get(n) or before.hosts.get(n) != after.hosts.get(n)}
    if numbers is None or numbers:
        result += tables_updated(session, cafe, cafe.round, numbers)
    result.append(Broadcast("cafe_changed", {"reason": reason}, ("staff", cafe.id)))
    return result


def seat_counts(session: Session, cafe: CafeRow, round_no: int) -> dict[int, int]:
    """table -> people seated there in a round who have not left (one grouped query)."""
    rows = session.execute(
        select(SeatRow.table_number, func.count())
        .outerjoin(AttendanceRow, AttendanceRow.participant_id == SeatRow.participant_id)
        .where(SeatRow.cafe_id == cafe.id, SeatRow.round == round_no, AttendanceRow.left_at.is_(None))
        .group_by(SeatRow.table_number))
    return dict(rows.all())
