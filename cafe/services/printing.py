"""The printable sheet: itineraries for people without a phone, and a card for every table."""
from __future__ import annotations

from typing import Any

from cafe.messages import Text, _
from sqlalchemy.orm import Session

from cafe import presenters, store
from cafe.models import CafeRow


def person_text(name: str | None, participant_id: int) -> str | Text:
    """A name, or the label every screen gives an anonymous person (said in the reader's language)."""
    return name or _("Anonymous #%(id)s", id=participant_id)


def person_label(name: str | None, participant_id: int) -> str:
    """`person_text` said now, for the printed sheet that is rendered in this request's language."""
    return str(person_text(name, participant_id))


def sheet_data(session: Session, cafe: CafeRow, everyone: bool = False) -> dict[str, Any]:
    """Everything the sheet prints, from the stored seats (rounds not yet planned show a dash): an
    itinerary for each person without a phone (their phone shows everyone else theirs), or for
    `everyone`, and a card for every table."""
    plan = store.plan_of(cafe)
    by_round = store.seats_by_round(session, cafe)
    present = store.present_ids(session, cafe)
    people = {p.id: p for p in store.participants(session, cafe)}
    hosts = store.hosts(session, cafe)
    tables = [row.number for row in store.tables(session, cafe)]
    itineraries = []
    paper = [pid for pid in present if not store.has_phone(people[pid])]
    for pid in (present if everyone else paper):
        stops = []
        for r in range(1, plan.rounds + 1):
            number = by_round.get(r, {}).get(pid)
            stops.append({"round": r, "table": presenters.table_label(number) if number else None,
                          "theme": plan.theme_for(number, r).name if number else None})
        itineraries.append({"label": person_label(people[pid].name, pid), "stops": stops,
                            "host": next((presenters.table_label(n) for n, h in hosts.items() if h == pid), None)})
    cards = []
    for number in tables:
        host = hosts.get(number)
        cards.append({
            "label": presenters.table_label(number),
            "host": person_label(people[host].name, host) if host in people else None,
            "rounds": [{"round": r, "theme": plan.theme_for(number, r).name,
                        "description": plan.theme_for(number, r).description,
                        "question": plan.theme_for(number, r).question_for(r)} for r in range(1, plan.rounds + 1)],
        })
    return {"title": cafe.title, "code": cafe.code, "rounds": plan.rounds, "itineraries": itineraries,
            "everyone": everyone, "people": len(present), "without_phone": len(paper),
            "tables": cards, "host_cue": list(plan.host_cue)}
