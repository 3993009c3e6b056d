"""Every payload that goes to a browser is shaped here, once (see docs/protocol.md)."""
from __future__ import annotations

from datetime import datetime
from typing import Any, overload

from cafe.domain.cafe import joins_close_at, nudge_expires_at
from cafe.domain.plan import Plan
from cafe.models import CafeRow, HandoverRow, InsightRow, NudgeRow, ParticipantRow, TableRow
from cafe.store import utc

LABELS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def table_label(number: int) -> str:
    """A, B, … Z, then AA, AB, …: letters are easier to call across a room than numbers."""
    label = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        label = LABELS[rest] + label
    return label


def iso(value: datetime | None) -> str | None:
    value = utc(value)
    return value.isoformat() if value else None


@overload
def person(row: ParticipantRow) -> dict[str, Any]: ...
@overload
def person(row: None) -> None: ...
@overload
def person(row: ParticipantRow | None) -> dict[str, Any] | None: ...
def person(row: ParticipantRow | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {"id": row.id, "name": row.name, "perspective": row.perspective}


def insight(row: InsightRow, author: ParticipantRow | None, resonance: int, mine: bool | None = None) -> dict[str, Any]:
    data = {
        "id": row.id,
        "round": row.round,
        "table": row.table_number,
        "table_label": table_label(row.table_number),
        "theme": row.theme,
        "text": row.text,
        "author": author.name if author else None,
        # every screen names an anonymous author the same way, "Anonymous #<author_id>"
        "author_id": author.id if author else None,
        "perspective": author.perspective if author else None,
        "resonance": resonance,
        "do_not_quote": row.do_not_quote,
        "posted_at": iso(row.posted_at),
        "scribe": row.scribe,
    }
    if mine is not None:
        data["mine"] = mine
    return data


def handover(row: HandoverRow, plan: Plan, host: ParticipantRow | None) -> dict[str, Any]:
    return {
        "round": row.round,
        "table": row.table_number,
        "table_label": table_label(row.table_number),
        "theme": plan.theme_for(row.table_number, row.round).name,
        # the same in every language: a phone shows the theme in its own (its state's `texts`)
        "theme_index": plan.themes.index(plan.theme_for(row.table_number, row.round)),
        "host": person(host),
        "bullets": list(row.bullets),
        "written_at": iso(row.written_at),
    }


def cafe(row: CafeRow, plan: Plan, remaining: float, now: datetime, join_url: str, nudge: NudgeRow | None) -> dict[str, Any]:
    return {
        "code": row.code,
        "title": row.title,
        "purpose": plan.purpose,
        "etiquette": list(plan.etiquette),
        "rounds": plan.rounds,
        "join_url": join_url,
        "theme_mode": plan.theme_mode,
        "handover_lead_s": plan.handover_minutes * 60,
        "host_cue": list(plan.host_cue),
        **cafe_live(row, remaining, now, nudge),
    }


def cafe_live(row: CafeRow, remaining: float, now: datetime, nudge: NudgeRow | None) -> dict[str, Any]:
    """The part of a <cafe> that changes while it runs (pushed in `cafe_updated`): stage, round, clock,
    the nudge still news, whether joining is open."""
    return {
        "stage": row.stage,
        "round": row.round,
        "status": row.status,
        "duration_s": row.duration_s,
        "remaining_s": round(remaining, 1),
        "deadline": iso(row.deadline),
        "server_now": now.isoformat(),
        # only a nudge still news: a phone opened later never shows an old one
        "last_nudge": nudge_payload(nudge) if nudge and now < nudge_expires_at(_sent_at(nudge)) else None,
        "joining": _joining(row, now),
    }


def _sent_at(row: NudgeRow) -> datetime:
    """When a nudge was sent, as an aware time (SQLite hands it back naive)."""
    return utc(row.at) or row.at


def nudge_payload(row: NudgeRow) -> dict[str, Any]:
    """A nudge with the moment screens stop showing it."""
    at = _sent_at(row)
    return {"text": row.text, "at": at.isoformat(), "expires_at": nudge_expires_at(at).isoformat()}


def _joining(row: CafeRow, now: datetime) -> dict[str, Any]:
    """Whether the join code seats new people, and until when."""
    until = joins_close_at(utc(row.created_at), utc(row.joins_until))
    return {"open": now < until, "until": until.isoformat()}


def table(
    row: TableRow,
    plan: Plan,
    round_no: int,
    members: list[ParticipantRow],
    insight_count: int,
    last_insight_at: datetime | None,
    quiet: bool,
    with_members: bool = True,
) -> dict[str, Any]:
    theme = plan.theme_for(row.number, round_no)
    host = next((m for m in members if m.id == row.host_id), None)
    data = {
        "number": row.number,
        "label": table_label(row.number),
        "theme": theme.name,
        "theme_description": theme.description,
        "question": theme.question_for(round_no),
        "host": {"id": host.id, "name": host.name} if host else None,
        "insight_count": insight_count,
        "last_insight_at": iso(last_insight_at),
        "quiet": quiet,
    }
    if with_members:
        data["members"] = [
            {"id": m.id, "name": m.name, "perspective": m.perspective, "is_host": m.id == row.host_id} for m in members
        ]
    return data
