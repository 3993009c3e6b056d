"""The café as one aggregate: its stage, round and round status decide who may do what.

Services load a `Cafe` (and the `Person` asking) from the stored rows, ask it, and only then write.
A broken rule raises `Refused` with a code from docs/protocol.md and a reason key; the services
turn the reason into a translated sentence, so nothing here knows about languages or HTTP.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum

from cafe.domain.timer import RoundStatus


class Stage(str, Enum):
    """The café's two stages: the rounds of conversation, then the harvest."""

    ROUNDS = "rounds"
    HARVEST = "harvest"


class Refused(Exception):
    """A rule of the café forbids the request; nothing may be written."""

    def __init__(self, reason: str, code: str = "conflict") -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


# How long a café's join code lets new people in when the facilitator sets nothing: long enough
# for a café planned a few days ahead, short enough that an old code stops seating strangers.
JOIN_WINDOW = timedelta(days=7)


def joins_close_at(created_at: datetime, joins_until: datetime | None) -> datetime:
    """When the join code stops seating new people: the facilitator's choice, or JOIN_WINDOW after creation."""
    return joins_until if joins_until is not None else created_at + JOIN_WINDOW


# How long a nudge is news: the wall and the phones show it this long after it was sent, so someone
# who joins later never reads an old "please wrap up" as meant for now.
NUDGE_LIFETIME = timedelta(minutes=5)


def nudge_expires_at(sent_at: datetime) -> datetime:
    """When a nudge stops being shown (derived from its stored time, so nothing else is stored)."""
    return sent_at + NUDGE_LIFETIME


def may_join(created_at: datetime, joins_until: datetime | None, now: datetime) -> bool:
    """Whether a new person may join now (people who joined before keep their phone either way)."""
    return now < joins_close_at(created_at, joins_until)


def ensure_may_join(created_at: datetime, joins_until: datetime | None, now: datetime) -> None:
    """New people join while the code is open; the facilitator closes it, or it lapses."""
    if not may_join(created_at, joins_until, now):
        raise Refused("joining_closed")


# A round whose timer has started: its tables have met, so what they said may be posted.
_UNDER_WAY = (RoundStatus.RUNNING, RoundStatus.PAUSED, RoundStatus.ENDED)


@dataclass(frozen=True)
class Person:
    """A participant as the rules see them: where they sat, whether they left, which table they host."""

    id: int
    seats: Mapping[int, int] = field(default_factory=dict)  # round -> table number
    left: bool = False
    hosts: int | None = None  # the table this person hosts, if any

    def table_in(self, round_no: int) -> int | None:
        """The table this person sat at in a round."""
        return self.seats.get(round_no)


@dataclass(frozen=True)
class Cafe:
    """Stage, current round and its status: the state every permission depends on."""

    stage: Stage
    round: int
    rounds: int
    status: RoundStatus

    @classmethod
    def of(cls, stage: str, round_no: int, rounds: int, status: str) -> Cafe:
        """Build from stored values (an unknown stage or status is a stored-data bug, raised as ValueError)."""
        return cls(Stage(stage), round_no, rounds, RoundStatus(status))

    # -- what the café is doing -------------------------------------------------------------
    @property
    def in_rounds(self) -> bool:
        return self.stage is Stage.ROUNDS

    @property
    def in_harvest(self) -> bool:
        return self.stage is Stage.HARVEST

    @property
    def has_started(self) -> bool:
        """Whether the first round's timer has started (before that nobody's future seats are planned)."""
        return self.round > 1 or self.status is not RoundStatus.READY

    @property
    def round_is_live(self) -> bool:
        """Whether the round's timer runs or is paused (not ready, not ended)."""
        return self.status in (RoundStatus.RUNNING, RoundStatus.PAUSED)

    def can_post(self, round_no: int) -> bool:
        """Whether an insight may be filed under `round_no` now: only during the rounds, under the
        current round once it has started, or under an earlier round (written offline, sent late)."""
        if not self.in_rounds or not 1 <= round_no <= self.round:
            return False
        return round_no < self.round or self.status in _UNDER_WAY

    # -- participants ----------------------------------------------------------------------------
    def _ensure_present(self, person: Person) -> None:
        if person.left:
            raise Refused("left_cafe")

    def ensure_may_post(self, person: Person, written_in: int | None = None) -> tuple[int, int]:
        """The (round, table) an insight is filed under; an insight written offline names its round."""
        self._ensure_present(person)
        round_no = self.round
        if written_in is not None and written_in < self.round and person.table_in(written_in) is not None:
            round_no = written_in
        if not self.in_rounds:
            raise Refused("rounds_over")
        if not self.can_post(round_no):
            raise Refused("round_not_started")
        table = person.table_in(round_no)
        if table is None:
            raise Refused("no_seat")
        return round_no, table

    def ensure_may_scribe(self, scribe: Person | None, subject: Person) -> tuple[int, int]:
        """The (round, table) an insight written on someone's behalf is filed under: the facilitator
        (`scribe` None) may write for anyone seated, a table host only for a person at the table they host."""
        if scribe is not None:
            self._ensure_present(scribe)
            if scribe.id == subject.id:
                raise Refused("scribe_self")
            table_now = subject.table_in(self.round)
            if table_now is None or scribe.hosts != table_now or scribe.table_in(self.round) != table_now:
                raise Refused("not_scribe", code="forbidden")
        return self.ensure_may_post(subject)

    def ensure_may_resonate(self, person: Person, author_id: int, insight_round: int, insight_table: int) -> None:
        """One may mark insights of a table one sat at, but never one's own."""
        self._ensure_present(person)
        if person.table_in(insight_round) != insight_table:
            raise Refused("not_your_table", code="forbidden")
        if author_id == person.id:
            raise Refused("own_insight")

    def ensure_may_correct(self, person: Person, author_id: int, insight_round: int) -> None:
        """An author edits or withdraws their own insight while its round is open (under way, not
        ended): once the round is over, what the table heard is the record."""
        self._ensure_present(person)
        if author_id != person.id:
            raise Refused("not_your_insight", code="forbidden")
        if not self.in_rounds:
            raise Refused("rounds_over")
        if insight_round != self.round or not self.round_is_live:
            raise Refused("round_closed")

    def ensure_may_submit_handover(self, person: Person) -> int:
        """The table whose hand-over this host writes, during the rounds only."""
        self._ensure_present(person)
        if not self.in_rounds:
            raise Refused("rounds_over")
        table = person.table_in(self.round)
        if table is None or person.hosts != table:
            raise Refused("not_host", code="forbidden")
        return table

    def ensure_may_give_feedback(self, person: Person) -> None:
        """Word on the harvest is taken once it has started, from people still here."""
        self._ensure_present(person)
        if not self.in_harvest:
            raise Refused("harvest_not_started")

    # -- the facilitator ---------------------------------------------------------------------------
    def ensure_rounds(self) -> None:
        """Round controls (start, pause, resume, extend, end) only work before the harvest."""
        if not self.in_rounds:
            raise Refused("rounds_over")

    def ensure_may_move_on(self) -> None:
        """The next round follows a round that has started, and only up to the plan's last."""
        self.ensure_rounds()
        if self.round >= self.rounds:
            raise Refused("last_round")
        if self.status is RoundStatus.READY:
            raise Refused("round_not_started")

    def ensure_may_start_harvest(self) -> None:
        """The harvest starts once, after the last round has started."""
        if self.in_harvest:
            raise Refused("harvest_started")
        if self.round < self.rounds or self.status is RoundStatus.READY:
            raise Refused("harvest_too_early")

    def ensure_may_moderate(self) -> None:
        """The facilitator hides (or shows again) an insight during the rounds; in the harvest the
        studio's hide does it."""
        if not self.in_rounds:
            raise Refused("rounds_over")

    def ensure_may_curate(self) -> None:
        """The harvest's themes are edited once it exists."""
        if not self.in_harvest:
            raise Refused("harvest_not_started")
