"""Who sits where: newcomers, the planned rotation, and the facilitator's moves."""
from __future__ import annotations

from datetime import datetime

from cafe.messages import _
from sqlalchemy.orm import Session

from cafe import store
from cafe.domain.rotation.tables import balanced_sizes, emptiest_table, tables_needed, theme_stride
from cafe.errors import Conflict
from cafe.models import CafeRow, SeatRow, TableRow
from cafe.services import phone, planning, rules


def seat_newcomer(session: Session, cafe: CafeRow, participant_id: int) -> int:
    """Seat a person who just joined at the emptiest table (a new table when all are full; after
    the start, when all have one more than the table size)."""
    plan = store.plan_of(cafe)
    sizes = _sizes(session, cafe, cafe.round)
    # Once the café has started, a new table would seat a late arrival alone in a talking room:
    # one chair more at a table is better, and a re-plan spreads the later rounds out.
    full = plan.table_size + (1 if has_started(cafe) else 0)
    if all(size >= full for size in sizes.values()):
        number = max(sizes, default=0) + 1
        session.add(TableRow(cafe_id=cafe.id, number=number))
        session.flush()
        sizes[number] = 0
    number = emptiest_table(sizes)
    store.set_seat(session, cafe, participant_id, cafe.round, number)
    table = store.table(session, cafe, number)
    if table.host_id is None:
        table.host_id = participant_id
    if has_started(cafe):
        fit_into_future(session, cafe, participant_id)
    session.flush()
    return number


def _sizes(session: Session, cafe: CafeRow, round_no: int) -> dict[int, int]:
    """table -> people there (who have not left): counted by the database, as 5,000 people join."""
    return {**{row.number: 0 for row in store.tables(session, cafe)}, **phone.seat_counts(session, cafe, round_no)}


def has_started(cafe: CafeRow) -> bool:
    """Whether the first round has started (before that, nobody's future seats are planned)."""
    return rules.cafe_of(cafe).has_started


def plan_whole_cafe(session: Session, cafe: CafeRow) -> None:
    """Plan every round after the current one for everyone present and store it, with the
    themes the plan gives each table (rounds under way keep theirs)."""
    plan = store.plan_of(cafe)
    if cafe.round >= plan.rounds:
        return
    future, themes = planning.plan_remaining(session, cafe)
    store.save_round_themes(session, cafe, themes, cafe.round + 1)
    store.clear_seats_from(session, cafe, cafe.round + 1)
    session.flush()
    session.add_all(
        SeatRow(cafe_id=cafe.id, participant_id=pid, round=round_no, table_number=number)
        for round_no, seats in future.items() for pid, number in seats.items()
    )
    session.flush()


def fill_gaps(session: Session, cafe: CafeRow) -> None:
    """Make sure everyone present has a seat in every round still to come (nobody is lost)."""
    if not has_started(cafe):
        return
    planned = store.seats_by_round(session, cafe, cafe.round + 1)
    for pid in store.present_ids(session, cafe):
        if any(pid not in planned.get(r, {}) for r in range(cafe.round + 1, store.plan_of(cafe).rounds + 1)):
            fit_into_future(session, cafe, pid)


def fit_into_future(session: Session, cafe: CafeRow, participant_id: int) -> None:
    """Give one person a seat in each round still to come where they have none: hosts and
    stayers keep their table, travellers take the emptiest table, preferring people they have not
    met and a theme they have not seen. Everyone else keeps their seats, except that one traveller
    may change table in a later round when that spares the newcomer a theme seen twice."""
    plan = store.plan_of(cafe)
    numbers = [row.number for row in store.tables(session, cafe)]
    if not numbers:
        return
    present = set(store.present_ids(session, cafe))
    by_round = store.seats_by_round(session, cafe)
    current = by_round.get(cafe.round, {}).get(participant_id)
    hosts = {pid: number for number, pid in store.hosts(session, cafe).items()}
    anchored = hosts.get(participant_id)
    if anchored is None and participant_id in store.stayer_ids(session, cafe):
        anchored = current
    met = {other for seats in by_round.values() for other, n in seats.items()
           if participant_id in seats and n == seats[participant_id] and other != participant_id}
    seen = {plan.theme_for(seats[participant_id], r).name for r, seats in by_round.items() if participant_id in seats}
    for round_no in range(cafe.round + 1, plan.rounds + 1):
        seats = by_round.setdefault(round_no, {})
        if participant_id in seats:
            continue
        sizes = dict.fromkeys(numbers, 0)
        for pid, n in seats.items():
            if pid in present and n in sizes:
                sizes[n] += 1
        if anchored in sizes:
            number = anchored
        else:
            def score(n: int) -> tuple[int, int, int, int]:
                strangers_not = sum(1 for pid, t in seats.items() if t == n and pid in met)  # noqa: B023  (called at once, within this iteration)
                return (sizes[n], strangers_not, plan.theme_for(n, round_no).name in seen, n)  # noqa: B023  (called at once, within this iteration)
            number = min(numbers, key=score)
            if plan.theme_for(number, round_no).name in seen:
                number = _make_room(session, cafe, plan, by_round, round_no, number, seen, present, hosts) or number
        store.set_seat(session, cafe, participant_id, round_no, number)
        seats[participant_id] = number
        met.update(pid for pid, t in seats.items() if t == number and pid != participant_id)
        seen.add(plan.theme_for(number, round_no).name)
    session.flush()


def _make_room(session: Session, cafe: CafeRow, plan, by_round: dict[int, dict[int, int]], round_no: int,
               emptiest: int, seen: set[str], present: set[int], hosts: dict[int, int]) -> int | None:
    """The emptiest table would show a newcomer a theme again: move one traveller from a table
    with a theme they have not seen to the emptiest table, when that shows the traveller nothing
    twice either. Returns the table freed for the newcomer (sizes stay as even as before)."""
    seats = by_round[round_no]
    fixed = set(hosts) | store.stayer_ids(session, cafe)
    there = plan.theme_for(emptiest, round_no).name
    for number in sorted({n for n in seats.values() if n != emptiest}):
        if plan.theme_for(number, round_no).name in seen:
            continue
        for pid in sorted(p for p, n in seats.items() if n == number and p in present and p not in fixed):
            theirs = {plan.theme_for(n, r).name for r, row in by_round.items() if r != round_no and (n := row.get(pid))}
            if there not in theirs:
                store.set_seat(session, cafe, pid, round_no, emptiest)
                seats[pid] = emptiest
                return number
    return None


def leave(session: Session, cafe: CafeRow, participant_id: int, now: datetime) -> bool:
    """Mark a person as gone: past seats and insights stay, seats still to come are freed.
    Returns False when they had already left."""
    person = store.participant(session, cafe, participant_id)
    row = store.attendance_of(session, cafe, person.id)
    if row.left_at is not None:
        return False
    row.left_at = now
    # Before the café starts, nobody has sat anywhere yet: the seat itself goes too.
    store.clear_seats_from(session, cafe, cafe.round if not has_started(cafe) else cafe.round + 1, person.id)
    for table in store.tables(session, cafe):
        if table.host_id == person.id:
            table.host_id = None
    session.flush()
    return True


def balance_current_round(session: Session, cafe: CafeRow) -> None:
    """Before the first round starts: as many tables as the room needs, sizes within one."""
    plan = store.plan_of(cafe)
    gone = store.left_ids(session, cafe)
    current = {pid: n for pid, n in store.seats(session, cafe, cafe.round).items() if pid not in gone}
    count = tables_needed(len(current), plan.table_size, plan.min_tables)
    rows = {row.number: row for row in store.tables(session, cafe)}
    for number in range(1, count + 1):
        if number not in rows:
            rows[number] = TableRow(cafe_id=cafe.id, number=number)
            session.add(rows[number])
    for number in [n for n in rows if n > count]:
        session.delete(rows.pop(number))
    session.flush()
    cafe.theme_stride = theme_stride(len(plan.themes), len(rows)) if plan.theme_mode == "rotate" else 1
    target = balanced_sizes(len(current), list(rows))
    members: dict[int, list[int]] = {number: [] for number in rows}
    loose: list[int] = []
    for pid in sorted(current):
        members.get(current[pid], loose).append(pid)
    for number, people in members.items():
        host = rows[number].host_id
        movable = [p for p in people if p != host]
        while len(people) > target[number] and movable:
            pid = movable.pop()  # the latest joiner moves
            people.remove(pid)
            loose.append(pid)
    for pid in loose:
        number = min(members, key=lambda n: (len(members[n]) - target[n], n))
        members[number].append(pid)
        store.set_seat(session, cafe, pid, cafe.round, number)
    for number, row in rows.items():
        if row.host_id is not None and row.host_id not in members[number]:
            row.host_id = None
        if row.host_id is None and members[number]:
            row.host_id = min(members[number])
    session.flush()


def move_everyone_on(session: Session, cafe: CafeRow) -> None:
    """Make the planned seating of the next round the current one."""
    planned = store.seats(session, cafe, cafe.round + 1)
    gone = store.left_ids(session, cafe)
    planned = {pid: n for pid, n in planned.items() if pid not in gone}
    present = [pid for pid in store.seats(session, cafe, cafe.round) if pid not in gone]
    cafe.round += 1
    sizes = {row.number: 0 for row in store.tables(session, cafe)}
    for number in planned.values():
        sizes[number] = sizes.get(number, 0) + 1
    for pid in present:
        if pid not in planned:
            number = emptiest_table(sizes)
            store.set_seat(session, cafe, pid, cafe.round, number)
            sizes[number] += 1
    session.flush()


def reassign(session: Session, cafe: CafeRow, participant_id: int, table_number: int) -> None:
    """Move a person to another table in the current round; a host gives up the host role."""
    person = store.participant(session, cafe, participant_id)
    target = store.table(session, cafe, table_number)
    if store.seat_of(session, cafe, person.id, cafe.round) is None:
        raise Conflict(_("That person has no seat in this round."))
    for row in store.tables(session, cafe):
        if row.host_id == person.id and row.number != target.number:
            row.host_id = None
    store.set_seat(session, cafe, person.id, cafe.round, target.number)
    session.flush()
    if person.id in store.stayer_ids(session, cafe):
        # Someone who prefers not to move follows the move in every round still to come.
        for round_no in range(cafe.round + 1, store.plan_of(cafe).rounds + 1):
            store.set_seat(session, cafe, person.id, round_no, target.number)
    fill_gaps(session, cafe)


def set_host(session: Session, cafe: CafeRow, table_number: int, participant_id: int | None) -> None:
    """Make a person the host of the table they sit at (or leave the table without a host)."""
    target = store.table(session, cafe, table_number)
    if participant_id is not None:
        person = store.participant(session, cafe, participant_id)
        if store.seat_of(session, cafe, person.id, cafe.round) != target.number:
            raise Conflict(_("A table host must sit at that table in this round."))
        for row in store.tables(session, cafe):
            if row.host_id == person.id:
                row.host_id = None
    target.host_id = participant_id
    session.flush()
    if has_started(cafe):
        # A host stays at the table: the rounds still to come are planned again around them.
        plan_whole_cafe(session, cafe)

