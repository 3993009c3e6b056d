"""Who sits where: newcomers, the planned rotation, and the facilitator's moves."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from cafe import store
from cafe.domain.rotation import balanced_sizes, emptiest_table, plan_round, tables_needed, theme_stride
from cafe.errors import Conflict
from cafe.models import CafeRow, SeatRow, TableRow


def seat_newcomer(session: Session, cafe: CafeRow, participant_id: int) -> int:
    """Seat a person who just joined at the emptiest table (a new table when all are full)."""
    plan = store.plan_of(cafe)
    sizes = _sizes(session, cafe, cafe.round)
    if all(size >= plan.table_size for size in sizes.values()):
        number = max(sizes, default=0) + 1
        session.add(TableRow(cafe_id=cafe.id, number=number))
        session.flush()
        sizes[number] = 0
    number = emptiest_table(sizes)
    store.set_seat(session, cafe, participant_id, cafe.round, number)
    table = store.table(session, cafe, number)
    if table.host_id is None:
        table.host_id = participant_id
    if cafe.round < plan.rounds:
        if cafe.status == "ready":
            replan_next(session, cafe)
        else:
            # Mid-round, the others' next seats stay as announced; the newcomer fits in.
            next_sizes = _sizes(session, cafe, cafe.round + 1)
            target = number if table.host_id == participant_id else emptiest_table(next_sizes)
            store.set_seat(session, cafe, participant_id, cafe.round + 1, target)
    session.flush()
    return number


def _sizes(session: Session, cafe: CafeRow, round_no: int) -> dict[int, int]:
    sizes = {row.number: 0 for row in store.tables(session, cafe)}
    for number in store.seats(session, cafe, round_no).values():
        sizes[number] = sizes.get(number, 0) + 1
    return sizes


def replan_next(session: Session, cafe: CafeRow) -> None:
    """Plan the next round's seating from everyone seated now and the seating so far."""
    plan = store.plan_of(cafe)
    current = cafe.round
    if current >= plan.rounds:
        return
    people = sorted(store.seats(session, cafe, current))
    numbers = [row.number for row in store.tables(session, cafe)]
    store.clear_round(session, cafe, current + 1)
    if not people:
        return
    seating = plan_round(
        people=people,
        tables=numbers,
        hosts=store.hosts(session, cafe),
        themes={n: plan.theme_for(n, current + 1).name for n in numbers},
        history=store.history(session, cafe, plan, current),
        seed=cafe.id * 1000 + current,
    )
    session.add_all(
        SeatRow(cafe_id=cafe.id, participant_id=pid, round=current + 1, table_number=number) for pid, number in seating.items()
    )
    session.flush()


def balance_current_round(session: Session, cafe: CafeRow) -> None:
    """Before the first round starts: as many tables as the room needs, sizes within one."""
    plan = store.plan_of(cafe)
    current = store.seats(session, cafe, cafe.round)
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
        (members[current[pid]] if current[pid] in members else loose).append(pid)
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
    present = store.seats(session, cafe, cafe.round)
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
    replan_next(session, cafe)


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
    replan_next(session, cafe)

