"""The live core: a change is pushed, as a small delta, to the screens it concerns, numbered.

Services say what changed and for whom (`services.Broadcast` with an audience); this module, inside
the change's own write transaction, turns each into a `Push`: the Socket.IO rooms to send it to and
the payload with its stream's next version number (`stream`, `v`). After the commit `send` emits
them. Nobody is asked to re-read the café after a change.

Streams and who listens to them:
- "cafe": every screen (the round, its clock, the stage, nudges);
- "facilitator" and "wall": the dashboard and the projector;
- "t:<round>:<table>": the people seated at one table in one round (their insights, resonance,
  hand-over, the table's members and host); sent to each of those people's own room, looked up in
  the database at the moment of the change, so no process keeps table memberships that could go
  stale when people move;
- "p:<person>": one person (their itinerary after a re-plan, a seat the facilitator changed).

A screen's state says the version of each stream it listens to (`versions`); a pushed event whose
`v` is more than one past the screen's number shows that it missed one (a dropped connection, a
process killed), and the screen asks for its state once. Numbers are kept in the database, so
several processes behind a message queue number one stream together."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from cafe import rooms
from cafe.messages import localized
from cafe.models import AttendanceRow, LiveStreamRow, SeatRow
from cafe.services import Broadcast

CHUNK = 300  # streams per statement: well inside every database's limit on bound parameters


@dataclass(frozen=True)
class Push:
    """One emit after the commit: an event, its numbered payload and the rooms that get it."""

    event: str
    payload: Any
    to: tuple[str, ...]


def table_stream(round_no: int, number: int) -> str:
    return f"t:{round_no}:{number}"


def person_stream(participant_id: int) -> str:
    return f"p:{participant_id}"


def seated(session: Session, cafe_id: int, round_no: int, number: int) -> list[int]:
    """The people (ids) at one table in one round who have not left."""
    return list(session.scalars(
        select(SeatRow.participant_id)
        .outerjoin(AttendanceRow, AttendanceRow.participant_id == SeatRow.participant_id)
        .where(SeatRow.cafe_id == cafe_id, SeatRow.round == round_no, SeatRow.table_number == number,
               AttendanceRow.left_at.is_(None))
        .order_by(SeatRow.participant_id)
    ))


def _deliveries(session: Session, audience: tuple) -> Iterator[tuple[tuple[str, ...], int, str]]:
    """(rooms, cafe id, stream) for an audience."""
    kind, cafe_id, *rest = audience
    if kind == "cafe":
        yield (rooms.cafe(cafe_id),), cafe_id, "cafe"
    elif kind in ("facilitator", "wall", "staff"):
        if kind != "wall":
            yield (rooms.facilitator(cafe_id),), cafe_id, "facilitator"
        if kind != "facilitator":
            yield (rooms.wall(cafe_id),), cafe_id, "wall"
    elif kind == "table":
        round_no, number = rest
        people = seated(session, cafe_id, round_no, number)
        if people:  # nobody there: nobody to tell, and a later newcomer reads the table's state
            yield tuple(rooms.person(cafe_id, pid) for pid in people), cafe_id, table_stream(round_no, number)
    elif kind == "person":
        (pid,) = rest
        yield (rooms.person(cafe_id, pid),), cafe_id, person_stream(pid)
    else:
        raise ValueError(f"unknown audience {audience!r}")


def stamp(session: Session, broadcasts: Iterable[Broadcast]) -> list[Push]:
    """Number every broadcast of this transaction in its streams (call it inside the transaction,
    after the change itself: the numbers commit, or roll back, with it)."""
    planned: list[tuple[str, Any, tuple[str, ...], tuple[int, str]]] = []
    counts: Counter[tuple[int, str]] = Counter()
    for item in broadcasts:
        for to, cafe_id, stream in _deliveries(session, item.audience):
            planned.append((item.event, item.payload, to, (cafe_id, stream)))
            counts[(cafe_id, stream)] += 1
    if not planned:
        return []
    last = _bump(session, counts)
    upto = {key: last[key] - counts[key] for key in counts}
    pushes = []
    for event, payload, to, key in planned:
        upto[key] += 1
        numbered = {**payload, "stream": key[1], "v": upto[key]} if isinstance(payload, dict) else payload
        pushes.append(Push(event, numbered, to))
    return pushes


def _upsert(rows: int) -> Any:
    """INSERT ... ON CONFLICT DO UPDATE ... RETURNING for `rows` streams, the same text on SQLite
    and PostgreSQL; built once per row count (a post bumps three streams: it must cost little)."""
    statement = _UPSERTS.get(rows)
    if statement is None:
        values = ", ".join(f"(:c{i}, :s{i}, :n{i})" for i in range(rows))
        statement = _UPSERTS[rows] = text(
            f"INSERT INTO {LiveStreamRow.__tablename__} (cafe_id, stream, version) VALUES {values} "
            "ON CONFLICT (cafe_id, stream) DO UPDATE SET version = "
            f"{LiveStreamRow.__tablename__}.version + excluded.version RETURNING cafe_id, stream, version")
    return statement


_UPSERTS: dict[int, Any] = {}


def _bump(session: Session, counts: Counter[tuple[int, str]]) -> dict[tuple[int, str], int]:
    """Raise each stream's number by its count; returns the numbers after."""
    result: dict[tuple[int, str], int] = {}
    # in one order everywhere: two PostgreSQL transactions lock shared streams without deadlocking
    items = sorted(counts.items())
    connection = session.connection()
    for start in range(0, len(items), CHUNK):
        chunk = items[start:start + CHUNK]
        params: dict[str, Any] = {}
        for i, ((cafe_id, stream), n) in enumerate(chunk):
            params.update({f"c{i}": cafe_id, f"s{i}": stream, f"n{i}": n})
        for row in connection.execute(_upsert(len(chunk)), params):
            result[(int(row[0]), str(row[1]))] = int(row[2])
    return result


def versions(session: Session, cafe_id: int, streams: Sequence[str]) -> dict[str, int]:
    """The current number of each stream (0 for one that has pushed nothing yet)."""
    found = dict(session.execute(
        select(LiveStreamRow.stream, LiveStreamRow.version)
        .where(LiveStreamRow.cafe_id == cafe_id, LiveStreamRow.stream.in_(list(streams)))
    ).all())
    return {stream: found.get(stream, 0) for stream in streams}


def send(pushes: Iterable[Push]) -> None:
    """Emit after the transaction committed, so no screen hears of a change that was rolled back."""
    from cafe.extensions import socketio

    for push in pushes:
        # one emit to many rooms: the packet is encoded once, each connection gets it once
        to: Any = list(push.to) if len(push.to) > 1 else push.to[0]
        # said here, in the changer's language: a queue may encode it in another process
        socketio.emit(push.event, localized(push.payload), to=to)
