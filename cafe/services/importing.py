"""Reading a café export back (`cafe import`): checked whole first (services/import_check.py),
then written as a new café in the caller's one transaction, so a refused file writes nothing.
"""
from __future__ import annotations

import secrets
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cafe import store
from cafe.models import (
    CafeRow, FeedbackRow, HandoverRow, InsightRow, NudgeRow, ParticipantRow, ResonanceRow, RoundLogRow, SeatRow, TableRow,
)
from cafe.services import cafes
from cafe.services.import_check import MAX_FILE_BYTES, check_export

__all__ = ["MAX_FILE_BYTES", "check_export", "import_cafe"]


def import_cafe(session: Session, data: Any, now: datetime) -> tuple[CafeRow, str]:
    """Create a new café (new code, new host link) from an export record, or refuse it whole."""
    c = check_export(data)
    cafe, token = cafes.create_cafe(session, c.plan, c.cafe["created_at"] or now)
    cafe.stage, cafe.round, cafe.status = c.cafe["stage"], c.cafe["round"], c.cafe["status"]
    if cafe.status in ("running", "paused"):
        cafe.status = "ended"  # a clock from another time means nothing here
    cafe.duration_s = c.plan.duration_s(cafe.round)
    cafe.theme_stride = c.cafe["theme_stride"]
    session.query(TableRow).filter(TableRow.cafe_id == cafe.id).delete()
    ids: dict[int, int] = {}
    for pid, p in c.people.items():
        row = ParticipantRow(cafe_id=cafe.id, token_hash=store.token_hash(secrets.token_urlsafe(24)), name=p["name"],
                             perspective=p["perspective"], joined_at=p["joined_at"] or now)
        session.add(row)
        session.flush()
        ids[pid] = row.id
    session.add_all(TableRow(cafe_id=cafe.id, number=n, host_id=ids[host] if host else None) for n, host in c.tables.items())
    session.add_all(SeatRow(cafe_id=cafe.id, participant_id=ids[pid], round=r, table_number=t) for pid, r, t in c.seats)
    store.save_round_themes(session, cafe, c.round_themes, 1)
    session.add_all(RoundLogRow(cafe_id=cafe.id, round=r, started_at=start, ended_at=end) for r, start, end in c.rounds_log)
    new_ids: dict[str, str] = {}
    for i in c.insights:
        # Ids stay as they were unless this database already has them (the original café).
        new_ids[i["id"]] = i["id"] if session.get(InsightRow, i["id"]) is None else str(uuid.uuid4())
        session.add(InsightRow(id=new_ids[i["id"]], cafe_id=cafe.id, participant_id=ids[i["participant_id"]], round=i["round"],
                               table_number=i["table"], theme=i["theme"], text=i["text"], do_not_quote=i["do_not_quote"],
                               posted_at=i["posted_at"]))
    session.flush()
    session.add_all(ResonanceRow(insight_id=new_ids[i], participant_id=ids[pid]) for i, pid in c.resonances)
    session.add_all(HandoverRow(cafe_id=cafe.id, round=h["round"], table_number=h["table"],
                                host_participant_id=ids[h["host"]] if h["host"] else None, bullets=h["bullets"],
                                written_at=h["written_at"] or now) for h in c.handovers)
    session.add_all(NudgeRow(cafe_id=cafe.id, text=text, at=at or now) for text, at in c.nudges)
    for f in c.feedback:
        taken = session.scalar(select(FeedbackRow.seq).where(FeedbackRow.id == f["id"])) is not None
        session.add(FeedbackRow(id=str(uuid.uuid4()) if taken else f["id"], cafe_id=cafe.id,
                                participant_id=ids[f["participant_id"]], kind=f["kind"], theme=f["theme"], text=f["text"],
                                do_not_quote=f["do_not_quote"], at=f["at"] or now))
    session.flush()
    return cafe, token
