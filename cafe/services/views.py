"""Read-side use cases: each screen's state, built from the database alone."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from cafe import live, offload, presenters, store
from cafe.domain.plan import Plan
from cafe.models import CafeRow, InsightRow, ParticipantRow
from cafe.domain.harvest.privacy import Reader
from cafe.services import curations, feedback, harvest_view, harvesting, phone
from cafe.services.recent import Recent


class Snapshot:
    """Everything about one café that the screens need, loaded once per request."""

    def __init__(self, session: Session, cafe: CafeRow, now: datetime, join_url: str, language: str | None = None) -> None:
        self.session, self.row, self.now, self.join_url, self.language = session, cafe, now, join_url, language
        self.plan: Plan = store.plan_of(cafe)
        # What the screen reads (title, questions, cues, theme names) in its language where the plan
        # has it; the harvest and every count keep working on the plan's own theme names.
        self.shown: Plan = self.plan.in_language(language)
        self.people = {p.id: p for p in store.participants(session, cafe)}
        self.tables = store.tables(session, cafe)
        self.gone = store.left_ids(session, cafe)
        self.stayers = store.stayer_ids(session, cafe)
        # People who left keep their seat rows as history but no longer count at a table.
        self.seats = {pid: n for pid, n in store.seats(session, cafe, cafe.round).items() if pid not in self.gone}
        self.insights = store.insights(session, cafe)
        self.resonance = store.resonance_counts(session, cafe)
        self.clock = store.clock_of(cafe)
        # hidden by the facilitator, during the rounds or while curating: one set for every screen
        self.hidden = curations.hidden_ids(session, cafe)
        self._shown_count = 0

    @property
    def hosts(self) -> dict[int, int]:
        """table number -> host participant id, from the tables already loaded."""
        return {t.number: t.host_id for t in self.tables if t.host_id is not None}

    def cafe(self) -> dict[str, Any]:
        data = presenters.cafe(
            self.row, self.shown, self.clock.remaining(self.now), self.now, self.join_url, store.last_nudge(self.session, self.row)
        )
        if self.shown is not self.plan:
            data["title"] = self.shown.title
        return data

    def insight(self, row: InsightRow, viewer: ParticipantRow | None = None, reader: Reader | None = None) -> dict[str, Any]:
        """An <insight> for the dashboard (no viewer), the wall (reader OTHERS) or one phone, which
        gets others' do-not-quote insights without their words."""
        self._shown_count += 1
        if self._shown_count % 50 == 0:
            offload.pause()  # a café of thousands of insights: let other cafés' events in meanwhile
        mine = (row.participant_id == viewer.id) if viewer else None
        if reader is None:
            reader = harvest_view.reader_of(row, viewer) if viewer else Reader.FACILITATOR
        return harvest_view.insight(row, self.people.get(row.participant_id), self.resonance.get(row.id, 0), reader, mine,
                                    self.hidden)

    def visible(self, row: InsightRow, viewer: ParticipantRow | None = None) -> bool:
        """Whether this phone (or, without one, the wall) is told of the insight at all."""
        reader = harvest_view.reader_of(row, viewer) if viewer else Reader.OTHERS
        return harvest_view.visible(row, reader, self.hidden)

    def members(self, number: int) -> list[ParticipantRow]:
        return [self.people[pid] for pid, n in sorted(self.seats.items()) if n == number and pid in self.people]

    def table_states(self, with_members: bool = True) -> list[dict[str, Any]]:
        counts: dict[int, int] = defaultdict(int)
        last: dict[int, datetime] = {}
        for row in self.insights:
            # every insight counts (do-not-quote ones too) but those the facilitator hid
            if row.round == self.row.round and row.id not in self.hidden:
                counts[row.table_number] += 1
                last[row.table_number] = store.utc(row.posted_at)
        return [
            presenters.table(
                t, self.shown, self.row.round, self.members(t.number), counts[t.number], last.get(t.number),
                self._quiet(last.get(t.number)), with_members,
            )
            for t in self.tables
        ]

    def _quiet(self, last_at: datetime | None) -> bool:
        return phone.quiet(self.row.status, self.clock, self.now, last_at)

    def handovers(self, table_number: int | None = None) -> list[dict[str, Any]]:
        return [
            presenters.handover(h, self.shown, None if h.host_participant_id is None else self.people.get(h.host_participant_id))
            for h in store.handovers(self.session, self.row, table_number)
        ]

    def harvest(self) -> dict[str, Any] | None:
        if self.row.stage != "harvest":
            return None
        return harvesting.harvest(self)


def facilitator_state(snap: Snapshot, urls: dict[str, Any]) -> dict[str, Any]:
    """The dashboard's whole picture."""
    next_seats = store.seats(snap.session, snap.row, snap.row.round + 1) if snap.row.round < snap.plan.rounds else None
    next_seats = {pid: n for pid, n in next_seats.items() if pid not in snap.gone} if next_seats else None
    hosts = snap.hosts
    host_of = {pid: number for number, pid in hosts.items()}
    return {
        "role": "facilitator",
        "cafe": snap.cafe(),
        "tables": snap.table_states(),
        "insights": [snap.insight(i) for i in snap.insights],
        "handovers": snap.handovers(),
        "participants": [
            {**presenters.person(p), "table": snap.seats.get(p.id), "is_host": p.id in host_of,
             "left": p.id in snap.gone, "stays": p.id in snap.stayers}
            for p in snap.people.values()
        ],
        "next_seating": [{"participant_id": pid, "table": n} for pid, n in sorted(next_seats.items())] if next_seats else None,
        "harvest": snap.harvest(),
        "feedback_notes": feedback.notes(snap) if snap.row.stage == "harvest" else [],
        "urls": urls,
        "versions": live.versions(snap.session, snap.row.id, ["cafe", "facilitator"]),
    }


def wall_state(snap: Snapshot) -> dict[str, Any]:
    """The projector: no names of tables' members, no words marked "do not quote me" (those come
    withheld, so the counts are the dashboard's), nothing the facilitator hid."""
    return {
        "role": "wall",
        "cafe": snap.cafe(),
        "tables": snap.table_states(with_members=False),
        "insights": [snap.insight(i, reader=Reader.OTHERS) for i in snap.insights if snap.visible(i)],
        "harvest": snap.harvest(),
        "versions": live.versions(snap.session, snap.row.id, ["cafe", "wall"]),
    }


def participant_state(snap: Snapshot, me: ParticipantRow) -> dict[str, Any]:
    """One phone's view, read with the snapshot's session, clock and language (phone.py: it reads
    the phone's table only)."""
    return phone_state(snap.session, snap.row, me, snap.now, snap.join_url, snap.language)


def phone_state(session: Session, cafe: CafeRow, me: ParticipantRow, now: datetime, join_url: str,
                language: str | None) -> dict[str, Any]:
    """One phone's view: my table, its talk, my hand-over duty, where I go next (phone.py)."""
    return phone.phone_state(session, cafe, me, now, join_url, language,
                             lambda: phone_harvest(session, cafe, now, join_url, language))


# The harvest as phones get it, per café, language and state of what it is made of: the café's and
# the wall's stream numbers rise with every change to it (an edit, a hidden insight, feedback), so
# a room of phones asking at once costs one build.
_PHONE_HARVEST: Recent[dict[str, Any] | None] = Recent(8)


def phone_harvest(session: Session, cafe: CafeRow, now: datetime, join_url: str, language: str | None) -> dict[str, Any] | None:
    """The harvest for a phone (the same for every phone of the café in one language)."""
    numbers = live.versions(session, cafe.id, ["cafe", "wall", "facilitator"])
    # the café's code and creation time as well as its id: two databases (tests, a restored copy) may share ids
    key = (str(session.get_bind().engine.url), cafe.id, cafe.code, str(cafe.created_at), language,
           numbers["cafe"], numbers["wall"], numbers["facilitator"])
    return _PHONE_HARVEST.get(key, lambda: harvesting.for_phone(Snapshot(session, cafe, now, join_url, language).harvest()))
