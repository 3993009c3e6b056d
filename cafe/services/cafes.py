"""Creating a café and letting people join it."""
from __future__ import annotations

import secrets
from datetime import datetime

from cafe.messages import _
from sqlalchemy import select
from sqlalchemy.orm import Session

from cafe import store
from cafe.domain import cafe as rules_of_cafe
from cafe.domain.perspective import is_perspective
from cafe.domain.plan import Plan, plan_to_dict
from cafe.errors import Invalid
from cafe.models import CafeRow, ParticipantRow, TableRow
from cafe.services import Broadcast, phone, rules, seating
from cafe.validation import MAX_PERSON_NAME, clean_text

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6


def new_code(session: Session) -> str:
    """A short join code nobody else uses; no 0/O or 1/I/L to misread on a projector."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if session.scalar(select(CafeRow.id).where(CafeRow.code == code)) is None:
            return code


def create_cafe(session: Session, plan: Plan, now: datetime) -> tuple[CafeRow, str]:
    """Create a café from a plan; returns it with the secret host token (shown once)."""
    host_token = secrets.token_urlsafe(24)
    cafe = CafeRow(
        code=new_code(session),
        host_token_hash=store.token_hash(host_token),
        title=plan.title,
        plan=plan_to_dict(plan),
        stage="rounds",
        round=1,
        status="ready",
        duration_s=plan.duration_s(1),
        created_at=now,
    )
    session.add(cafe)
    session.flush()
    for number in range(1, max(1, plan.min_tables) + 1):
        session.add(TableRow(cafe_id=cafe.id, number=number))
    session.flush()
    return cafe, host_token


def join(
    session: Session, cafe: CafeRow, name: str, perspective: str, now: datetime, stays: bool = False,
    phone: bool = True,
) -> tuple[ParticipantRow, str]:
    """Add a person (name and perspective optional; `stays`: prefers not to move; `phone`: False for
    someone the facilitator adds, who follows the printed sheet) and seat them; returns the phone's token."""
    with rules.obeyed():
        rules_of_cafe.ensure_may_join(store.utc(cafe.created_at), store.utc(cafe.joins_until), now)
    # The join form and add_person both land here: the name is cleaned like every other text.
    name = " ".join(clean_text(name, "name").split())
    if len(name) > MAX_PERSON_NAME:
        raise Invalid(_("A display name has at most 40 characters."))
    if perspective and not is_perspective(perspective):
        raise Invalid(_("Unknown perspective."))
    token = secrets.token_urlsafe(24)
    person = ParticipantRow(
        cafe_id=cafe.id, token_hash=store.token_hash(token) if phone else store.paper_token_hash(), name=name or None,
        perspective=perspective or None, joined_at=now
    )
    session.add(person)
    session.flush()
    if stays:
        store.attendance_of(session, cafe, person.id).stays = True
        session.flush()
    seating.seat_newcomer(session, cafe, person.id)
    return person, token


def newcomer(session: Session, cafe: CafeRow, name: str, perspective: str, now: datetime, stays: bool = False,
             phone_: bool = True) -> tuple[ParticipantRow, str, list[Broadcast]]:
    """`join`, and what it changes for others: before the café starts, the newcomer's table (its
    people see them arrive) and the staff's screens; once it has started, a newcomer may also move a
    traveller in a later round to fit in, so every itinerary and table it changed is pushed."""
    store.lock(session, cafe)  # people joining at once through several processes are seated one by one
    if not seating.has_started(cafe):
        person, token = join(session, cafe, name, perspective, now, stays=stays, phone=phone_)
        number = store.seat_of(session, cafe, person.id, cafe.round)
        tables = phone.tables_updated(session, cafe, cafe.round, {number}) if number is not None else []
        return person, token, [*tables, Broadcast("cafe_changed", {"reason": "participant_joined"}, ("staff", cafe.id))]
    before = phone.Seating.read(session, cafe)
    person, token = join(session, cafe, name, perspective, now, stays=stays, phone=phone_)
    return person, token, phone.seating_changed(session, cafe, before, "seating_changed")


def set_joining(session: Session, cafe: CafeRow, open_: bool, now: datetime) -> list[Broadcast]:
    """Close the join code to new people now, or open it again for another JOIN_WINDOW."""
    cafe.joins_until = now + rules_of_cafe.JOIN_WINDOW if open_ else now
    session.flush()
    return [phone.cafe_updated(session, cafe, now, "joining_changed")]

