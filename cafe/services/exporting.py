"""The whole café as one JSON-safe record, its renderings, and reading it back."""
from __future__ import annotations

import secrets
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from cafe import presenters, store
from cafe.domain.plan import plan_from_dict
from cafe.errors import Invalid
from cafe.models import (
    CafeRow, HandoverRow, InsightRow, NudgeRow, ParticipantRow, ResonanceRow, RoundLogRow, SeatRow, TableRow,
)
from cafe.services import cafes, curating, feedback, harvest_view, harvesting
from cafe.services.views import Snapshot

FORMAT = "cafe-export/1"


def export_data(snap: Snapshot) -> dict[str, Any]:
    """Everything about the café (format cafe-export/1; `cafe import` reads it back)."""
    db, cafe = snap.session, snap.row
    hosts = snap.hosts
    host_of = {pid: number for number, pid in hosts.items()}
    seats = db.query(SeatRow).filter(SeatRow.cafe_id == cafe.id).order_by(SeatRow.round, SeatRow.participant_id).all()
    log = db.query(RoundLogRow).filter(RoundLogRow.cafe_id == cafe.id).order_by(RoundLogRow.round).all()
    resonances = (
        db.query(ResonanceRow).join(InsightRow, InsightRow.id == ResonanceRow.insight_id).filter(InsightRow.cafe_id == cafe.id).all()
    )
    hidden = curating.hidden_ids(db, cafe)
    nudges = db.query(NudgeRow).filter(NudgeRow.cafe_id == cafe.id).order_by(NudgeRow.id).all()
    return {
        "format": FORMAT,
        "exported_at": snap.now.isoformat(),
        "cafe": {"code": cafe.code, "title": cafe.title, "purpose": snap.plan.purpose, "created_at": presenters.iso(cafe.created_at),
                 "stage": cafe.stage, "round": cafe.round, "rounds": snap.plan.rounds, "status": cafe.status,
                 "theme_stride": cafe.theme_stride},
        "plan": dict(cafe.plan),
        "tables": [{"number": t.number, "label": presenters.table_label(t.number)} for t in snap.tables],
        "participants": [
            {"id": p.id, "name": p.name, "perspective": p.perspective, "host_of": host_of.get(p.id), "joined_at": presenters.iso(p.joined_at)}
            for p in snap.people.values()
        ],
        "seats": [{"participant_id": s.participant_id, "round": s.round, "table": s.table_number} for s in seats],
        # The table themes the seating plan chose; tables and rounds not listed follow theme_stride.
        "round_themes": [{"round": r, "table": n, "theme": theme}
                         for (n, r), theme in sorted(store.round_themes(db, cafe).items(), key=lambda item: item[0][::-1])],
        "rounds_log": [{"round": r.round, "started_at": presenters.iso(r.started_at), "ended_at": presenters.iso(r.ended_at)} for r in log],
        "insights": [
            {"id": i.id, "participant_id": i.participant_id, "round": i.round, "table": i.table_number, "theme": i.theme,
             "text": i.text, "do_not_quote": i.do_not_quote, "posted_at": presenters.iso(i.posted_at),
             "resonance": snap.resonance.get(i.id, 0), "hidden": i.id in hidden}
            for i in snap.insights
        ],
        "resonances": [{"insight_id": r.insight_id, "participant_id": r.participant_id} for r in resonances],
        "handovers": [
            {"round": h.round, "table": h.table_number, "theme": snap.plan.theme_for(h.table_number, h.round).name,
             "host_participant_id": h.host_participant_id, "bullets": list(h.bullets), "written_at": presenters.iso(h.written_at)}
            for h in store.handovers(db, cafe)
        ],
        "nudges": [{"text": n.text, "at": presenters.iso(n.at)} for n in nudges],
        "harvest": harvesting.harvest(snap),
        "feedback": feedback.export(snap),
    }


def render(fmt: str, data: dict[str, Any], labels: dict[str, str]) -> str | bytes:
    """Markdown, CSV or printable HTML (text), or PDF or Word (bytes) from the export record."""
    from cafe.export import render_csv, render_docx, render_html, render_markdown, render_pdf

    # Only the JSON archive keeps the words of "do not quote me" insights and notes.
    data = harvest_view.public_record(data)
    if fmt == "md":
        return render_markdown(data, labels=labels)
    if fmt == "csv":
        return render_csv(data)
    if fmt == "pdf":
        return render_pdf(data, labels=labels)
    if fmt == "docx":
        return render_docx(data, labels=labels)
    return render_html(data, labels=labels)


def _time(value: Any, field: str) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise Invalid(f"{field}: not a time: {value!r}") from None


def import_cafe(db: Session, data: Any, now: datetime) -> tuple[CafeRow, str]:
    """Create a new café (new code, new host link) from an export record."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise Invalid(f"not a cafe export: 'format' must be {FORMAT!r}")
    try:
        plan = plan_from_dict(data["plan"], source="plan")
        cafe, token = cafes.create_cafe(db, plan, _time(data["cafe"]["created_at"], "cafe.created_at") or now)
        info = data["cafe"]
        cafe.stage, cafe.round, cafe.status = info["stage"], int(info["round"]), info.get("status", "ended")
        if cafe.status in ("running", "paused"):
            cafe.status = "ended"  # a clock from another time means nothing here
        cafe.duration_s = plan.duration_s(cafe.round)
        cafe.theme_stride = int(info.get("theme_stride", 1))
        db.query(TableRow).filter(TableRow.cafe_id == cafe.id).delete()
        ids: dict[int, int] = {}
        for p in data["participants"]:
            row = ParticipantRow(cafe_id=cafe.id, token_hash=store.token_hash(secrets.token_urlsafe(24)),
                                 name=p.get("name"), perspective=p.get("perspective"), joined_at=_time(p.get("joined_at"), "joined_at") or now)
            db.add(row)
            db.flush()
            ids[int(p["id"])] = row.id
        host_by_table = {p["host_of"]: ids[int(p["id"])] for p in data["participants"] if p.get("host_of")}
        for t in data["tables"]:
            db.add(TableRow(cafe_id=cafe.id, number=int(t["number"]), host_id=host_by_table.get(t["number"])))
        db.add_all(SeatRow(cafe_id=cafe.id, participant_id=ids[int(s["participant_id"])], round=int(s["round"]), table_number=int(s["table"]))
                   for s in data["seats"])
        chosen: dict[int, dict[int, str]] = {}
        names = {theme.name for theme in plan.themes}
        for t in data.get("round_themes", []):
            if t["theme"] not in names or not 1 <= int(t["round"]) <= plan.rounds or int(t["table"]) < 1:
                raise Invalid(f"round_themes: {t!r} names no theme, round or table of this plan")
            chosen.setdefault(int(t["round"]), {})[int(t["table"])] = t["theme"]
        store.save_round_themes(db, cafe, chosen, 1)
        db.add_all(RoundLogRow(cafe_id=cafe.id, round=int(r["round"]), started_at=_time(r.get("started_at"), "started_at"),
                               ended_at=_time(r.get("ended_at"), "ended_at")) for r in data.get("rounds_log", []))
        new_ids: dict[str, str] = {}
        for i in data["insights"]:
            # Ids stay as they were unless this database already has them (the original café).
            new_ids[i["id"]] = i["id"] if db.get(InsightRow, i["id"]) is None else str(uuid.uuid4())
            db.add(InsightRow(id=new_ids[i["id"]], cafe_id=cafe.id, participant_id=ids[int(i["participant_id"])], round=int(i["round"]),
                              table_number=int(i["table"]), theme=i["theme"], text=i["text"], do_not_quote=bool(i.get("do_not_quote")),
                              posted_at=_time(i["posted_at"], "posted_at")))
        db.flush()
        db.add_all(ResonanceRow(insight_id=new_ids[r["insight_id"]], participant_id=ids[int(r["participant_id"])])
                   for r in data.get("resonances", []) if r["insight_id"] in new_ids)
        db.add_all(HandoverRow(cafe_id=cafe.id, round=int(h["round"]), table_number=int(h["table"]),
                               host_participant_id=ids.get(h.get("host_participant_id")), bullets=list(h["bullets"]),
                               written_at=_time(h.get("written_at"), "written_at") or now) for h in data.get("handovers", []))
        db.add_all(NudgeRow(cafe_id=cafe.id, text=n["text"], at=_time(n["at"], "at") or now) for n in data.get("nudges", []))
        db.flush()
        feedback.restore(db, cafe, data.get("feedback", []), ids, now)
    except (KeyError, TypeError, ValueError) as error:
        if isinstance(error, Invalid):
            raise
        raise Invalid(f"malformed export: {error.__class__.__name__}: {error}") from None
    return cafe, token
