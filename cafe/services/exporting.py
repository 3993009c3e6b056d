"""The whole café as one JSON-safe record, and its renderings (services/importing.py reads it back)."""
from __future__ import annotations

from typing import Any

from cafe import presenters, store
from cafe.models import (
    InsightRow, NudgeRow, ResonanceRow, RoundLogRow, SeatRow,
)
from cafe.services import curations, feedback, harvest_view, harvesting
from cafe.domain.textclean import printable_tree
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
    hidden = curations.hidden_ids(db, cafe)
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
            {"id": p.id, "name": p.name, "perspective": p.perspective, "host_of": host_of.get(p.id),
             "joined_at": presenters.iso(p.joined_at)}
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
    # Text is cleaned where it comes in; this keeps a café stored before that still exportable.
    data = printable_tree(data)
    if fmt == "md":
        return render_markdown(data, labels=labels)
    if fmt == "csv":
        return render_csv(data)
    if fmt == "pdf":
        return render_pdf(data, labels=labels)
    if fmt == "docx":
        return render_docx(data, labels=labels)
    return render_html(data, labels=labels)
