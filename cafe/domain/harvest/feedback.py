"""Participants' feedback on the harvest: who says a theme reflects their conversation, what is missing."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

KINDS = ("reflects", "withdraw", "missing")


@dataclass(frozen=True)
class FeedbackEvent:
    """One accepted feedback event, in the order it arrived; `theme` None means the whole harvest."""

    person: int
    kind: str
    theme: str | None
    text: str | None = None
    do_not_quote: bool = False
    perspective: str | None = None
    at: datetime | None = None


def reflecting(events: Iterable[FeedbackEvent]) -> set[tuple[int, str | None]]:
    """(person, theme) pairs whose latest reflects-or-withdraw is a reflects: once per person and theme."""
    latest: dict[tuple[int, str | None], str] = {}
    for event in events:
        if event.kind in ("reflects", "withdraw"):
            latest[(event.person, event.theme)] = event.kind
    return {key for key, kind in latest.items() if kind == "reflects"}


def note(event: FeedbackEvent) -> dict[str, object]:
    """A "missing" note as shown in a harvest: the text and the writer's perspective, never a name."""
    return {"text": event.text, "perspective": event.perspective, "at": event.at.isoformat() if event.at else None}


def summarise(events: list[FeedbackEvent], themes: Iterable[str]) -> tuple[dict[str, dict[str, object]], dict[str, object]]:
    """Per theme {"reflects", "missing", "missing_count"} and the room's, for the whole harvest plus totals.

    Notes marked "do not quote me" count in `missing_count` but are never listed."""
    held = reflecting(events)
    missing = [e for e in events if e.kind == "missing"]

    def block(theme: str | None) -> dict[str, object]:
        mine = [e for e in missing if e.theme == theme]
        return {
            "reflects": sum(1 for _, t in held if t == theme),
            "missing": [note(e) for e in mine if not e.do_not_quote],
            "missing_count": len(mine),
        }

    per_theme = {name: block(name) for name in themes}
    room = block(None)
    room["totals"] = {
        "reflects": len(held),
        "missing": len(missing),
        "people": len({e.person for e in missing} | {person for person, _ in held}),
    }
    return per_theme, room
