"""The round clock as a value: the deadline is stored, every screen derives time left from it."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import Enum


class RoundStatus(str, Enum):
    READY = "ready"
    RUNNING = "running"
    PAUSED = "paused"
    ENDED = "ended"


class ClockError(Exception):
    """A control that does not fit the round's status (e.g. pausing a round that is not running)."""


@dataclass(frozen=True)
class RoundClock:
    """A round's timer. Running: `deadline` is set. Paused: `remaining_s` holds the time left."""

    duration_s: int
    status: RoundStatus = RoundStatus.READY
    deadline: datetime | None = None
    remaining_s: float | None = None

    def remaining(self, now: datetime) -> float:
        """Seconds left at `now`; negative once a running round is past its deadline."""
        if self.status is RoundStatus.RUNNING and self.deadline is not None:
            return (self.deadline - now).total_seconds()
        if self.status is RoundStatus.PAUSED and self.remaining_s is not None:
            return self.remaining_s
        if self.status is RoundStatus.ENDED:
            return 0.0
        return float(self.duration_s)

    def start(self, now: datetime) -> RoundClock:
        """Start a ready round: the deadline is now plus its duration."""
        self._require(RoundStatus.READY, "start")
        return replace(self, status=RoundStatus.RUNNING, deadline=now + timedelta(seconds=self.duration_s), remaining_s=None)

    def pause(self, now: datetime) -> RoundClock:
        """Freeze the time left."""
        self._require(RoundStatus.RUNNING, "pause")
        return replace(self, status=RoundStatus.PAUSED, deadline=None, remaining_s=max(0.0, self.remaining(now)))

    def resume(self, now: datetime) -> RoundClock:
        """Run again from the frozen time left."""
        self._require(RoundStatus.PAUSED, "resume")
        left = self.remaining_s or 0.0
        return replace(self, status=RoundStatus.RUNNING, deadline=now + timedelta(seconds=left), remaining_s=None)

    def extend(self, seconds: int, now: datetime) -> RoundClock:
        """Add time to a running or paused round; an overdue round gets the time from now."""
        if self.status is RoundStatus.RUNNING and self.deadline is not None:
            base = max(self.deadline, now)
            return replace(self, deadline=base + timedelta(seconds=seconds), duration_s=self.duration_s + seconds)
        if self.status is RoundStatus.PAUSED:
            return replace(self, remaining_s=(self.remaining_s or 0.0) + seconds, duration_s=self.duration_s + seconds)
        raise ClockError(f"cannot extend a round that is {self.status.value}")

    def end(self, now: datetime) -> RoundClock:
        """Stop a running or paused round."""
        if self.status not in (RoundStatus.RUNNING, RoundStatus.PAUSED):
            raise ClockError(f"cannot end a round that is {self.status.value}")
        return replace(self, status=RoundStatus.ENDED, deadline=None, remaining_s=None)

    def _require(self, status: RoundStatus, action: str) -> None:
        if self.status is not status:
            raise ClockError(f"cannot {action} a round that is {self.status.value}")
