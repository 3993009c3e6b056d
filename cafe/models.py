"""Database rows. Café state lives here, never only in a process's memory."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class CafeRow(Base):
    """One café: its plan, its stage and the current round's stored clock."""

    __tablename__ = "cafes"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True, index=True)
    host_token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    title: Mapped[str] = mapped_column(String(200))
    plan: Mapped[dict] = mapped_column(JSON)
    stage: Mapped[str] = mapped_column(String(16), default="rounds")
    round: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16), default="ready")
    duration_s: Mapped[int] = mapped_column(Integer)
    deadline: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    remaining_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    theme_stride: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # When the join code stops seating new people; None: JOIN_WINDOW after created_at (domain/cafe.py).
    joins_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class TableRow(Base):
    """A table of the café; its host stays at it for the whole café."""

    __tablename__ = "tables"
    __table_args__ = (UniqueConstraint("cafe_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    cafe_id: Mapped[int] = mapped_column(ForeignKey("cafes.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    host_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id", ondelete="SET NULL"), nullable=True)


class ParticipantRow(Base):
    """A person at the café, known only by a token on their phone."""

    __tablename__ = "participants"
    id: Mapped[int] = mapped_column(primary_key=True)
    cafe_id: Mapped[int] = mapped_column(ForeignKey("cafes.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    name: Mapped[str | None] = mapped_column(String(40), nullable=True)
    perspective: Mapped[str | None] = mapped_column(String(32), nullable=True)
    joined_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SeatRow(Base):
    """Where a person sits in one round; the next round's rows are the planned rotation."""

    __tablename__ = "seats"
    # the index: a change at one table is pushed to the people seated there, looked up per change
    __table_args__ = (UniqueConstraint("participant_id", "round"), Index("ix_seats_table", "cafe_id", "round", "table_number"))
    id: Mapped[int] = mapped_column(primary_key=True)
    cafe_id: Mapped[int] = mapped_column(ForeignKey("cafes.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    round: Mapped[int] = mapped_column(Integer)
    table_number: Mapped[int] = mapped_column(Integer)


class InsightRow(Base):
    """An insight posted at a table; its id is made on the phone so a resend is stored once."""

    __tablename__ = "insights"
    # a phone's state reads its own table's insights only
    __table_args__ = (Index("ix_insights_table", "cafe_id", "round", "table_number"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    cafe_id: Mapped[int] = mapped_column(ForeignKey("cafes.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    round: Mapped[int] = mapped_column(Integer)
    table_number: Mapped[int] = mapped_column(Integer)
    theme: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    do_not_quote: Mapped[bool] = mapped_column(Boolean, default=False)
    posted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    # When the facilitator hid it during the rounds (None: shown); it stays in the record, marked.
    hidden_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # Who wrote it down when it is not the person's own post: "host" or "facilitator" (None: their own).
    scribe: Mapped[str | None] = mapped_column(String(16), nullable=True, default=None)


class ResonanceRow(Base):
    """One person's "resonates" on one insight; the key makes it once per person."""

    __tablename__ = "resonances"
    insight_id: Mapped[str] = mapped_column(ForeignKey("insights.id", ondelete="CASCADE"), primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True)


class HandoverRow(Base):
    """A table host's hand-over for the next round's newcomers; one per table and round."""

    __tablename__ = "handovers"
    __table_args__ = (UniqueConstraint("cafe_id", "round", "table_number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    cafe_id: Mapped[int] = mapped_column(ForeignKey("cafes.id", ondelete="CASCADE"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    table_number: Mapped[int] = mapped_column(Integer)
    host_participant_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id", ondelete="SET NULL"), nullable=True)
    bullets: Mapped[list] = mapped_column(JSON)
    written_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class NudgeRow(Base):
    """A broadcast message from the facilitator."""

    __tablename__ = "nudges"
    id: Mapped[int] = mapped_column(primary_key=True)
    cafe_id: Mapped[int] = mapped_column(ForeignKey("cafes.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RoundLogRow(Base):
    """When each round really started and ended, for the record."""

    __tablename__ = "round_log"
    __table_args__ = (UniqueConstraint("cafe_id", "round"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    cafe_id: Mapped[int] = mapped_column(ForeignKey("cafes.id", ondelete="CASCADE"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class HarvestCurationRow(Base):
    """The facilitator's edits to one theme's harvest (cafe.domain.harvest.curation, as JSON); made on the
    first edit. `version` rises with every edit so that a stale window's edit is refused."""

    __tablename__ = "harvest_curations"
    __table_args__ = (UniqueConstraint("cafe_id", "theme"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    cafe_id: Mapped[int] = mapped_column(ForeignKey("cafes.id", ondelete="CASCADE"), index=True)
    theme: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer, default=1)
    state: Mapped[dict] = mapped_column(JSON)


class FeedbackRow(Base):
    """A participant's word on the harvest: "reflects our conversation", its withdrawal, or what is missing.

    Every accepted event is kept, in arrival order (`seq`): its id is made on the phone, so a resend
    is stored once, and the latest reflects/withdraw of a person and theme decides whether it counts."""

    __tablename__ = "feedback"
    seq: Mapped[int] = mapped_column(primary_key=True)
    id: Mapped[str] = mapped_column(String(36), unique=True, index=True)
    cafe_id: Mapped[int] = mapped_column(ForeignKey("cafes.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # "reflects", "withdraw" or "missing"
    theme: Mapped[str | None] = mapped_column(String(200), nullable=True)  # None: the harvest as a whole
    text: Mapped[str | None] = mapped_column(Text, nullable=True)
    do_not_quote: Mapped[bool] = mapped_column(Boolean, default=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
class AttendanceRow(Base):
    """How a person takes part in the rotation: whether they prefer not to move, and when they
    left. A table of its own, not columns on participants: `create_all` adds missing tables to
    an existing database but never adds columns."""

    __tablename__ = "attendance"
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True)
    cafe_id: Mapped[int] = mapped_column(ForeignKey("cafes.id", ondelete="CASCADE"), index=True)
    stays: Mapped[bool] = mapped_column(Boolean, default=False)
    left_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class PlanDraftRow(Base):
    """A proposed seating for the rounds that have not started, waiting for the facilitator to
    apply it; one per café. `rounds` maps a round number (as text) to {participant id: table},
    and its "themes" entry a round number to {table: theme name} (see services/planning.py)."""

    __tablename__ = "plan_drafts"
    cafe_id: Mapped[int] = mapped_column(ForeignKey("cafes.id", ondelete="CASCADE"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    kind: Mapped[str] = mapped_column(String(16))
    basis: Mapped[str] = mapped_column(String(64))
    rounds: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RoundThemeRow(Base):
    """The theme a table discusses in a round, as the café's seating plan chose it (the planner may
    leave the plain rotation so that travellers meet new people and new themes). Written with the
    plan; a table or round without a row follows the rotation (`Plan.theme_for`)."""

    __tablename__ = "round_themes"
    __table_args__ = (UniqueConstraint("cafe_id", "round", "table_number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    cafe_id: Mapped[int] = mapped_column(ForeignKey("cafes.id", ondelete="CASCADE"))
    round: Mapped[int] = mapped_column(Integer)
    table_number: Mapped[int] = mapped_column(Integer)
    theme: Mapped[str] = mapped_column(String(200))


class HealthProbeRow(Base):
    """Scratch rows /healthz writes and deletes in one committed transaction, to prove the
    database can still write (a full disk or read-only file answers SELECT 1 happily)."""

    __tablename__ = "health_probes"
    id: Mapped[int] = mapped_column(primary_key=True)
    payload: Mapped[str] = mapped_column(Text)


class LiveStreamRow(Base):
    """How many changes one stream of a café has pushed ("cafe", "facilitator", "wall", a table's
    "t:<round>:<table>" or a person's "p:<id>"). Every pushed event carries its stream's new number,
    so a screen that sees a number skipped knows it missed one and asks for its state again; kept in
    the database so that several processes number one stream together."""

    __tablename__ = "live_streams"
    cafe_id: Mapped[int] = mapped_column(ForeignKey("cafes.id", ondelete="CASCADE"), primary_key=True)
    stream: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
