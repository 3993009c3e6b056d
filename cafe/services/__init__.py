"""Use cases: load through the store, decide with the domain, save, and say what to broadcast.

Every function takes an open Session (the caller owns the transaction) and, where time
matters, `now`, so that tests and the demo can drive the clock.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any


@dataclass(frozen=True)
class Broadcast:
    """Something to emit after the transaction commits. `audience` is one of
    ("cafe", cafe_id), ("staff", cafe_id), ("facilitator", cafe_id), ("wall", cafe_id) or
    ("table", cafe_id, round, table)."""

    event: str
    payload: Any
    audience: tuple


def utcnow() -> datetime:
    """The one clock the services read."""
    return datetime.now(UTC)
