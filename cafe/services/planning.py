"""The whole café's seating plan: planning the rounds to come, their quality figures, and the
facilitator's draft re-plan (propose, swap two people, apply).

Rounds up to the current one are fixed: they have started (or, between rounds, people are
already on their way). Only rounds after it are planned, proposed and applied.
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any, cast

from cafe.messages import _
from sqlalchemy.orm import Session

from cafe import offload, presenters, store
from cafe.domain.plan import Plan
from cafe.domain.rotation.planner import Participant, RotationError, RotationRequest, TableSeating, plan_rotation
from cafe.domain.rotation.metrics import plan_metrics
from cafe.errors import CafeError, Conflict, Invalid
from cafe.models import CafeRow, PlanDraftRow, SeatRow
from cafe.services import printing
from cafe.services.recent import Recent

Rounds = dict[int, dict[int, int]]  # round -> {participant id -> table}
Themes = dict[int, dict[int, str]]  # round -> {table -> theme name}
# Planning runs inside a request: half the planner's default search keeps a 60-person café
# well under a second while still far better than one round at a time.
LIVE_EFFORT = 0.5
# The planner is deterministic (the request carries its seed): a re-plan searched in the read
# phase of `propose_plan` is the one its write phase stores.
_PLANS: Recent[Any] = Recent(8)


def _people(session: Session, cafe: CafeRow) -> list[Participant]:
    """Everyone present, as the planner sees them."""
    by_id = {p.id: p for p in store.participants(session, cafe)}
    hosts = set(store.hosts(session, cafe).values())
    stayers = store.stayer_ids(session, cafe)
    return [Participant(pid, by_id[pid].perspective, pid in hosts, pid in stayers and pid not in hosts)
            for pid in store.present_ids(session, cafe)]


def _table_count(session: Session, cafe: CafeRow) -> int:
    return max((row.number for row in store.tables(session, cafe)), default=1)


def _as_tables(plan: Plan, round_no: int, seats: dict[int, int], tables: int, hosts: dict[int, int]) -> list[TableSeating]:
    members: dict[int, list[int]] = {n: [] for n in range(1, tables + 1)}
    for pid, number in sorted(seats.items()):
        members.setdefault(number, []).append(pid)
    return [TableSeating(n, plan.theme_for(n, round_no).name, hosts.get(n) if hosts.get(n) in people else None, tuple(people))
            for n, people in sorted(members.items())]


def plan_remaining(session: Session, cafe: CafeRow) -> tuple[Rounds, Themes]:
    """A fresh plan of every round after the current one, for everyone present: the seats, and
    every table's theme in every round (rounds under way as they are, the rest as planned)."""
    plan = store.plan_of(cafe)
    tables = _table_count(session, cafe)
    people = _people(session, cafe)
    if cafe.round >= plan.rounds or not people:
        return {}, {}
    played = store.seats_by_round(session, cafe)
    request = RotationRequest(
        participants=tuple(people), tables=tables, rounds=plan.rounds,
        themes=tuple(t.name for t in plan.themes), theme_mode=plan.theme_mode, min_size=0,
        seed=cafe.id * 1000 + cafe.round,
        seating=tuple(tuple(_as_tables(plan, r, played.get(r, {}), tables, {})) for r in range(1, cafe.round + 1)),
    )
    try:
        result = _PLANS.get(request, lambda: offload.run(plan_rotation, request, effort=LIVE_EFFORT))
    except RotationError as error:
        raise Conflict(_("The seating cannot be planned: %(reason)s", reason=str(error))) from None
    present = {p.id for p in people}
    seats = {r: {cast(int, pid): t.table for t in result[r - 1] for pid in t.members if pid in present}
             for r in range(cafe.round + 1, plan.rounds + 1)}
    # The planner may leave the plain rotation (say, hosts keep one theme so that travellers meet
    # only new people and see every theme once): its themes are the café's from now on.
    themes = {r: {t.table: t.theme for t in result[r - 1] if t.theme is not None} for r in range(1, plan.rounds + 1)}
    return seats, themes


def prepare_replan(session: Session, cafe: CafeRow) -> None:
    """Search the re-plan in a read transaction, off the event loop (kept in _PLANS), so that
    `propose` finds it ready; anything wrong is said by `propose` itself."""
    try:
        plan_remaining(session, cafe)
    except CafeError:
        return


def stored_future(session: Session, cafe: CafeRow) -> Rounds:
    """The stored seats of the rounds after the current one, for people present."""
    present = set(store.present_ids(session, cafe))
    by_round = store.seats_by_round(session, cafe, cafe.round + 1)
    return {r: {pid: n for pid, n in seats.items() if pid in present} for r, seats in by_round.items()}


def stored_future_themes(session: Session, cafe: CafeRow) -> Themes:
    """The stored table themes of the rounds after the current one."""
    themes: Themes = {}
    for (number, round_no), theme in store.round_themes(session, cafe).items():
        if round_no > cafe.round:
            themes.setdefault(round_no, {})[number] = theme
    return themes


def _plan_with(cafe: CafeRow, themes: Themes | None) -> Plan:
    """The café's plan, with a draft's table themes laid over the stored ones."""
    plan = store.plan_of(cafe)
    if not themes:
        return plan
    return plan.with_table_themes({(n, r): theme for r, tables in themes.items() for n, theme in tables.items()})


def quality(session: Session, cafe: CafeRow, future: Rounds, themes: Themes | None = None) -> dict[str, int]:
    """The planner's quality figures for the whole café: rounds played plus `future`, with the
    themes people will see (the stored ones, or a draft's `themes`)."""
    plan = _plan_with(cafe, themes)
    tables = _table_count(session, cafe)
    hosts = store.hosts(session, cafe)
    people = _people(session, cafe)
    known = {p.id for p in people}
    by_id = {p.id: p for p in store.participants(session, cafe)}
    people += [Participant(pid, by_id[pid].perspective) for pid in by_id if pid not in known]
    played = store.seats_by_round(session, cafe)
    rounds = [_as_tables(plan, r, played.get(r, {}) if r <= cafe.round else future.get(r, {}), tables, hosts)
              for r in range(1, plan.rounds + 1)]
    return plan_metrics(rounds, people, themes_move=plan.theme_mode == "rotate")


def basis(session: Session, cafe: CafeRow) -> str:
    """What a draft was made for: the round, who is present, hosts and stayers. A draft whose
    basis no longer holds would lose or double someone, so it cannot be applied."""
    data = [cafe.round, store.present_ids(session, cafe), sorted(store.hosts(session, cafe).items()),
            sorted(store.stayer_ids(session, cafe)), _table_count(session, cafe)]
    return hashlib.sha256(json.dumps(data).encode()).hexdigest()


# A draft's JSON keeps its table themes under this key, next to the rounds' seats: a new column
# would not reach existing databases (create_all adds tables, never columns).
_THEMES_KEY = "themes"


def _encode(rounds: Rounds, themes: Themes) -> dict[str, Any]:
    data: dict[str, Any] = {str(r): {str(pid): n for pid, n in seats.items()} for r, seats in rounds.items()}
    data[_THEMES_KEY] = {str(r): {str(n): theme for n, theme in tables.items()} for r, tables in themes.items()}
    return data


def _decode(rounds: dict[str, Any]) -> Rounds:
    return {int(r): {int(pid): n for pid, n in seats.items()} for r, seats in rounds.items() if r != _THEMES_KEY}


def _decode_themes(rounds: dict[str, Any]) -> Themes | None:
    """A draft's table themes; None for a draft stored before drafts carried them."""
    if _THEMES_KEY not in rounds:
        return None
    return {int(r): {int(n): theme for n, theme in tables.items()} for r, tables in rounds[_THEMES_KEY].items()}


def _require_started(cafe: CafeRow) -> None:
    if cafe.round == 1 and cafe.status == "ready":
        raise Conflict(_("The whole café is planned when the first round starts."))
    if cafe.round >= store.plan_of(cafe).rounds:
        raise Conflict(_("This is the last round: there is nothing left to plan."))


def propose(session: Session, cafe: CafeRow, kind: str, now: datetime) -> PlanDraftRow:
    """Make a draft of the rounds to come: a fresh re-plan, or a copy of the stored plan to edit."""
    _require_started(cafe)
    if kind == "replan":
        rounds, all_themes = plan_remaining(session, cafe)
        themes = {r: tables for r, tables in all_themes.items() if r > cafe.round}
    else:
        rounds, themes = stored_future(session, cafe), stored_future_themes(session, cafe)
    made_for = basis(session, cafe)
    draft = store.plan_draft(session, cafe)
    if draft is None:
        draft = PlanDraftRow(cafe_id=cafe.id, version=0, kind=kind, basis=made_for, rounds={}, created_at=now)
        session.add(draft)
    draft.version = (draft.version or 0) + 1
    draft.kind, draft.basis, draft.rounds, draft.created_at = kind, made_for, _encode(rounds, themes), now
    session.flush()
    return draft


def _draft(session: Session, cafe: CafeRow, version: int) -> PlanDraftRow:
    draft = store.plan_draft(session, cafe)
    if draft is None:
        raise Conflict(_("There is no proposed plan: propose one first."))
    if draft.version != version:
        raise Conflict(_("The proposed plan has changed meanwhile: look again before changing it."))
    if draft.basis != basis(session, cafe):
        raise Conflict(_("People arrived, left or changed roles since this plan was proposed: propose it again."))
    return draft


def swap(session: Session, cafe: CafeRow, version: int, round_no: int, first: int, second: int) -> PlanDraftRow:
    """Exchange two people's tables in one round of the draft."""
    draft = _draft(session, cafe, version)
    rounds = _decode(draft.rounds)
    if round_no <= cafe.round or round_no not in rounds:
        raise Conflict(_("Only rounds that have not started can change."))
    if first == second:
        raise Invalid(_("Choose two different people."))
    seats = rounds[round_no]
    for pid in (first, second):
        store.participant(session, cafe, pid)
        if pid not in seats:
            raise Conflict(_("That person is not at the café any more."))
    if seats[first] == seats[second]:
        raise Conflict(_("Those two sit at the same table in that round already."))
    hosts = {pid: number for number, pid in store.hosts(session, cafe).items()}
    stayers = store.stayer_ids(session, cafe)
    for pid in (first, second):
        who = printing.person_text(store.participant(session, cafe, pid).name, pid)
        if pid in hosts:
            raise Conflict(_("%(who)s hosts table %(table)s and stays there every round.",
                             who=who, table=presenters.table_label(hosts[pid])))
        if pid in stayers:
            raise Conflict(_("%(who)s asked to stay at one table.", who=who))
    seats[first], seats[second] = seats[second], seats[first]
    draft.rounds = _encode(rounds, _decode_themes(draft.rounds) or {})
    draft.version += 1
    session.flush()
    return draft


def apply(session: Session, cafe: CafeRow, version: int) -> None:
    """Store the draft as the seating and table themes of the rounds that have not started, all in one go."""
    draft = _draft(session, cafe, version)
    rounds = {r: seats for r, seats in _decode(draft.rounds).items() if r > cafe.round}
    themes = _decode_themes(draft.rounds)
    present = set(store.present_ids(session, cafe))
    for seats in rounds.values():
        if set(seats) != present:
            raise Conflict(_("The proposed plan does not seat everyone present: propose it again."))
    store.clear_seats_from(session, cafe, cafe.round + 1)
    session.flush()
    session.add_all(SeatRow(cafe_id=cafe.id, participant_id=pid, round=r, table_number=n)
                    for r, seats in rounds.items() for pid, n in seats.items())
    if themes is not None:
        store.save_round_themes(session, cafe, {r: t for r, t in themes.items() if r > cafe.round}, cafe.round + 1)
    session.delete(draft)
    session.flush()


def discard(session: Session, cafe: CafeRow) -> None:
    """Throw the draft away."""
    draft = store.plan_draft(session, cafe)
    if draft is not None:
        session.delete(draft)
        session.flush()


def _rounds_view(cafe: CafeRow, plan: Plan, rounds: Rounds, tables: int, first: int, last: int) -> list[dict[str, Any]]:
    view = []
    for r in range(first, last + 1):
        seats = rounds.get(r, {})
        view.append({"round": r, "started": r <= cafe.round, "tables": [
            {"table": n, "label": presenters.table_label(n), "theme": plan.theme_for(n, r).name,
             "members": sorted(pid for pid, t in seats.items() if t == n)}
            for n in range(1, tables + 1)]})
    return view


def plan_view(session: Session, cafe: CafeRow) -> dict[str, Any]:
    """The Seating plan screen's picture: the stored plan, the draft, and their quality."""
    plan = store.plan_of(cafe)
    tables = _table_count(session, cafe)
    hosts = {pid: n for n, pid in store.hosts(session, cafe).items()}
    stayers, gone = store.stayer_ids(session, cafe), store.left_ids(session, cafe)
    present = set(store.present_ids(session, cafe))
    stored = {r: {pid: n for pid, n in seats.items() if pid in present or r <= cafe.round}
              for r, seats in store.seats_by_round(session, cafe).items()}
    draft = store.plan_draft(session, cafe)
    view: dict[str, Any] = {
        "round": cafe.round, "rounds": plan.rounds, "status": cafe.status,
        "planned": cafe.round > 1 or cafe.status != "ready",
        "people": [{**presenters.person(p), "host_table": hosts.get(p.id), "stays": p.id in stayers, "left": p.id in gone}
                   for p in store.participants(session, cafe)],
        "current": {"rounds": _rounds_view(cafe, plan, stored, tables, 1, plan.rounds),
                    "metrics": quality(session, cafe, stored_future(session, cafe))},
        "draft": None,
    }
    if draft is not None:
        rounds, themes = _decode(draft.rounds), _decode_themes(draft.rounds)
        view["draft"] = {
            "version": draft.version, "kind": draft.kind, "stale": draft.basis != basis(session, cafe),
            "rounds": _rounds_view(cafe, _plan_with(cafe, themes), rounds, tables, cafe.round + 1, plan.rounds),
            "metrics": quality(session, cafe, rounds, themes),
        }
    return view
