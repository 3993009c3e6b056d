"""Queries and the mapping between rows and domain values."""
from __future__ import annotations

import hashlib
import json
import secrets
from typing import overload
from dataclasses import replace
from collections import OrderedDict, defaultdict
from collections.abc import Mapping
from datetime import datetime, UTC

from cafe.messages import _
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, object_session

from cafe.domain.plan import Plan, Theme, plan_from_dict
from cafe.domain.timer import RoundClock, RoundStatus
from cafe.errors import NotFound, UnknownCode
from cafe.models import (
    AttendanceRow,
    CafeRow,
    HandoverRow,
    InsightRow,
    NudgeRow,
    ParticipantRow,
    PlanDraftRow,
    ResonanceRow,
    RoundThemeRow,
    SeatRow,
    TableRow,
)


@overload
def utc(value: datetime) -> datetime: ...
@overload
def utc(value: None) -> None: ...
@overload
def utc(value: datetime | None) -> datetime | None: ...
def utc(value: datetime | None) -> datetime | None:
    """Every stored time is UTC: SQLite hands back naive datetimes, PostgreSQL ones in its own TimeZone."""
    if value is None:
        return value
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def token_hash(token: str) -> str:
    """Secrets are stored hashed: a copied database does not hand out host links."""
    return hashlib.sha256(token.encode()).hexdigest()


# The stored "token hash" of someone the facilitator added without a phone: not hexadecimal, so no
# token ever hashes to it (nobody can sign in as them) and the printable sheet knows who needs paper.
PAPER = "paper:"


def paper_token_hash() -> str:
    """A unique stored token for a person without a phone."""
    return PAPER + secrets.token_hex(26)


def has_phone(row: ParticipantRow) -> bool:
    """Whether this person joined with a phone (rather than being added by the facilitator)."""
    return not row.token_hash.startswith(PAPER)


def cafe_by_code(session: Session, code: str) -> CafeRow:
    cafe = session.scalar(select(CafeRow).where(CafeRow.code == code.strip().upper()))
    if cafe is None:
        raise UnknownCode(_("No café has that code."))
    return cafe


def lock(session: Session, cafe: CafeRow) -> None:
    """Hold the café's row until this write transaction ends and read it afresh: changes to who
    sits where and to the café's rounds are then made one at a time, however many processes share
    the database (two joins on two processes would both add table 7). SQLite needs nothing: every
    write transaction already begins by taking its one write lock."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(CafeRow).where(CafeRow.id == cafe.id).with_for_update()
                        .execution_options(populate_existing=True))


def cafe_by_host_token(session: Session, token: str) -> CafeRow:
    cafe = session.scalar(select(CafeRow).where(CafeRow.host_token_hash == token_hash(token)))
    if cafe is None:
        raise NotFound(_("Unknown host link."))
    return cafe


def participant_by_token(session: Session, cafe: CafeRow, token: str) -> ParticipantRow:
    person = session.scalar(
        select(ParticipantRow).where(ParticipantRow.token_hash == token_hash(token), ParticipantRow.cafe_id == cafe.id)
    )
    if person is None:
        raise NotFound(_("Unknown participant for this café."))
    return person


def participant(session: Session, cafe: CafeRow, participant_id: int) -> ParticipantRow:
    person = session.get(ParticipantRow, participant_id)
    if person is None or person.cafe_id != cafe.id:
        raise NotFound(_("No such participant in this café."))
    return person


def participants(session: Session, cafe: CafeRow) -> list[ParticipantRow]:
    return list(session.scalars(select(ParticipantRow).where(ParticipantRow.cafe_id == cafe.id).order_by(ParticipantRow.id)))


# Parsed plans by their stored text: a plan changes a few times in a café's life and is read on
# every event, so each process parses each version of it once (a cache: the text is the key).
_PARSED: OrderedDict[str, Plan] = OrderedDict()
_PARSED_SIZE = 64
_PLAN_CACHE = "cafe.plan_of"


def _parsed(cafe: CafeRow) -> Plan:
    key = json.dumps(cafe.plan, sort_keys=True, separators=(",", ":"))
    plan = _PARSED.get(key)
    if plan is None:
        plan = _PARSED[key] = plan_from_dict(cafe.plan, source=f"café {cafe.code}")
        if len(_PARSED) > _PARSED_SIZE:
            _PARSED.popitem(last=False)
    else:
        _PARSED.move_to_end(key)
    return plan


def plan_of(cafe: CafeRow) -> Plan:
    """The café's plan with its theme rotation and the table themes its seating plan chose (parsed
    once per process and kept for the transaction: forgotten when the themes or the plan change)."""
    session = object_session(cafe)
    if session is None:
        return replace(_parsed(cafe), theme_stride=cafe.theme_stride or 1)
    kept = session.info.setdefault(_PLAN_CACHE, {})
    stamp = (id(cafe.plan), cafe.theme_stride)
    found = kept.get(cafe.id)
    if found is not None and found[0] == stamp:
        return found[1]
    plan = replace(_parsed(cafe), theme_stride=cafe.theme_stride or 1).with_table_themes(round_themes(session, cafe))
    kept[cafe.id] = (stamp, plan)
    return plan


def plan_rules(cafe: CafeRow) -> Plan:
    """The café's plan without the table themes its seating plan chose: its rounds, durations and
    themes, read with no query (a post and the café's rules need no more)."""
    return replace(_parsed(cafe), theme_stride=cafe.theme_stride or 1)


def theme_at(session: Session, cafe: CafeRow, table: int, round_no: int) -> Theme:
    """The theme at one table in one round: one indexed row, not the café's whole seating plan
    (a post at a café of 200 tables asks for its own table's theme only)."""
    kept = session.info.get(_THEMES_CACHE, {}).get(cafe.id)
    if kept is not None:
        name = kept.get((table, round_no))
    else:
        name = session.scalar(select(RoundThemeRow.theme).where(
            RoundThemeRow.cafe_id == cafe.id, RoundThemeRow.table_number == table, RoundThemeRow.round == round_no))
    plan = plan_rules(cafe)
    chosen = next((theme for theme in plan.themes if theme.name == name), None) if name is not None else None
    return chosen or plan.theme_for(table, round_no)  # a name the plan lost keeps the rotation, as plan_of does


# Many use cases ask for the plan several times in one transaction; the table themes are read
# once per session and forgotten whenever this module writes them.
_THEMES_CACHE = "cafe.round_themes"


def round_themes(session: Session, cafe: CafeRow) -> dict[tuple[int, int], str]:
    """(table, round) -> theme name, for every table theme stored with the café's seating plan."""
    cache = session.info.setdefault(_THEMES_CACHE, {})
    if cafe.id not in cache:
        with session.no_autoflush:
            rows = session.execute(select(RoundThemeRow.table_number, RoundThemeRow.round, RoundThemeRow.theme)
                                   .where(RoundThemeRow.cafe_id == cafe.id))
            cache[cafe.id] = {(number, round_no): theme for number, round_no, theme in rows}
    return dict(cache[cafe.id])


def save_round_themes(session: Session, cafe: CafeRow, themes: Mapping[int, Mapping[int, str]], first: int) -> None:
    """Store round -> {table: theme name}: the stored themes of rounds `first` and later are replaced
    by these; an earlier round (already started) keeps its themes and only gains missing tables."""
    session.info.get(_THEMES_CACHE, {}).pop(cafe.id, None)
    session.info.get(_PLAN_CACHE, {}).pop(cafe.id, None)
    session.execute(delete(RoundThemeRow).where(RoundThemeRow.cafe_id == cafe.id, RoundThemeRow.round >= first))
    stored = round_themes(session, cafe)
    session.add_all(RoundThemeRow(cafe_id=cafe.id, round=round_no, table_number=number, theme=theme)
                    for round_no, tables_ in themes.items() for number, theme in tables_.items()
                    if round_no >= first or (number, round_no) not in stored)
    session.flush()
    session.info.get(_THEMES_CACHE, {}).pop(cafe.id, None)
    session.info.get(_PLAN_CACHE, {}).pop(cafe.id, None)


def clock_of(cafe: CafeRow) -> RoundClock:
    return RoundClock(
        duration_s=cafe.duration_s, status=RoundStatus(cafe.status), deadline=utc(cafe.deadline), remaining_s=cafe.remaining_s
    )


def save_clock(cafe: CafeRow, clock: RoundClock) -> None:
    cafe.duration_s = clock.duration_s
    cafe.status = clock.status.value
    cafe.deadline = clock.deadline
    cafe.remaining_s = clock.remaining_s


def tables(session: Session, cafe: CafeRow) -> list[TableRow]:
    return list(session.scalars(select(TableRow).where(TableRow.cafe_id == cafe.id).order_by(TableRow.number)))


def table(session: Session, cafe: CafeRow, number: int) -> TableRow:
    row = session.scalar(select(TableRow).where(TableRow.cafe_id == cafe.id, TableRow.number == number))
    if row is None:
        raise NotFound(_("No such table."))
    return row


def hosts(session: Session, cafe: CafeRow) -> dict[int, int]:
    """table number -> host participant id."""
    return {row.number: row.host_id for row in tables(session, cafe) if row.host_id is not None}


def seats(session: Session, cafe: CafeRow, round_no: int) -> dict[int, int]:
    """participant id -> table number in one round."""
    rows = session.execute(
        select(SeatRow.participant_id, SeatRow.table_number).where(SeatRow.cafe_id == cafe.id, SeatRow.round == round_no)
    )
    return dict(rows.all())


def seat_of(session: Session, cafe: CafeRow, participant_id: int, round_no: int) -> int | None:
    return session.scalar(
        select(SeatRow.table_number).where(SeatRow.participant_id == participant_id, SeatRow.round == round_no)
    )


def set_seat(session: Session, cafe: CafeRow, participant_id: int, round_no: int, table_number: int) -> None:
    row = session.scalar(select(SeatRow).where(SeatRow.participant_id == participant_id, SeatRow.round == round_no))
    if row is None:
        session.add(SeatRow(cafe_id=cafe.id, participant_id=participant_id, round=round_no, table_number=table_number))
    else:
        row.table_number = table_number


def insights(session: Session, cafe: CafeRow, round_no: int | None = None, table_number: int | None = None) -> list[InsightRow]:
    query = select(InsightRow).where(InsightRow.cafe_id == cafe.id)
    if round_no is not None:
        query = query.where(InsightRow.round == round_no)
    if table_number is not None:
        query = query.where(InsightRow.table_number == table_number)
    return list(session.scalars(query.order_by(InsightRow.posted_at, InsightRow.id)))


def resonance_counts(session: Session, cafe: CafeRow) -> dict[str, int]:
    rows = session.execute(
        select(ResonanceRow.insight_id, func.count())
        .join(InsightRow, InsightRow.id == ResonanceRow.insight_id)
        .where(InsightRow.cafe_id == cafe.id)
        .group_by(ResonanceRow.insight_id)
    )
    return dict(rows.all())


def resonance_count(session: Session, insight_id: str) -> int:
    return session.scalar(select(func.count()).select_from(ResonanceRow).where(ResonanceRow.insight_id == insight_id)) or 0


def resonated_by(session: Session, participant_id: int) -> set[str]:
    return set(session.scalars(select(ResonanceRow.insight_id).where(ResonanceRow.participant_id == participant_id)))


def handovers(session: Session, cafe: CafeRow, table_number: int | None = None) -> list[HandoverRow]:
    query = select(HandoverRow).where(HandoverRow.cafe_id == cafe.id)
    if table_number is not None:
        query = query.where(HandoverRow.table_number == table_number)
    return list(session.scalars(query.order_by(HandoverRow.round, HandoverRow.table_number)))


def last_nudge(session: Session, cafe: CafeRow) -> NudgeRow | None:
    return session.scalar(select(NudgeRow).where(NudgeRow.cafe_id == cafe.id).order_by(NudgeRow.id.desc()).limit(1))


def attendance(session: Session, cafe: CafeRow) -> dict[int, AttendanceRow]:
    """participant id -> attendance row, for those who have one."""
    rows = session.scalars(select(AttendanceRow).where(AttendanceRow.cafe_id == cafe.id))
    return {row.participant_id: row for row in rows}


def attendance_of(session: Session, cafe: CafeRow, participant_id: int) -> AttendanceRow:
    """A person's attendance row, made on first use."""
    row = session.get(AttendanceRow, participant_id)
    if row is None:
        row = AttendanceRow(participant_id=participant_id, cafe_id=cafe.id, stays=False, left_at=None)
        session.add(row)
    return row


def left_ids(session: Session, cafe: CafeRow) -> set[int]:
    """People who have left the café."""
    return set(session.scalars(
        select(AttendanceRow.participant_id).where(AttendanceRow.cafe_id == cafe.id, AttendanceRow.left_at.is_not(None))
    ))


def stayer_ids(session: Session, cafe: CafeRow) -> set[int]:
    """People who asked to stay at one table."""
    return set(session.scalars(
        select(AttendanceRow.participant_id).where(AttendanceRow.cafe_id == cafe.id, AttendanceRow.stays.is_(True))
    ))


def present_ids(session: Session, cafe: CafeRow) -> list[int]:
    """Everyone who joined and has not left, in joining order."""
    gone = left_ids(session, cafe)
    return [pid for pid in session.scalars(select(ParticipantRow.id).where(ParticipantRow.cafe_id == cafe.id)
                                           .order_by(ParticipantRow.id)) if pid not in gone]


def seats_by_round(session: Session, cafe: CafeRow, first: int = 1) -> dict[int, dict[int, int]]:
    """round -> {participant id -> table} for every stored round from `first` on."""
    rows = session.execute(
        select(SeatRow.round, SeatRow.participant_id, SeatRow.table_number).where(
            SeatRow.cafe_id == cafe.id, SeatRow.round >= first
        )
    )
    result: dict[int, dict[int, int]] = defaultdict(dict)
    for round_no, pid, number in rows:
        result[round_no][pid] = number
    return dict(result)


def clear_seats_from(session: Session, cafe: CafeRow, first: int, participant_id: int | None = None) -> None:
    """Forget seats of rounds `first` and later (of one person, or of everyone)."""
    query = delete(SeatRow).where(SeatRow.cafe_id == cafe.id, SeatRow.round >= first)
    if participant_id is not None:
        query = query.where(SeatRow.participant_id == participant_id)
    session.execute(query)


def plan_draft(session: Session, cafe: CafeRow) -> PlanDraftRow | None:
    return session.get(PlanDraftRow, cafe.id)


def itinerary_of(session: Session, cafe: CafeRow, participant_id: int) -> dict[int, int]:
    """round -> table for one person, every stored round."""
    rows = session.execute(
        select(SeatRow.round, SeatRow.table_number).where(SeatRow.cafe_id == cafe.id, SeatRow.participant_id == participant_id)
    )
    return dict(rows.all())
