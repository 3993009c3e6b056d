"""The report's voice-balance tables and flags, and participants' feedback on the harvest."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from cafe.domain.harvest.voice import LIVED_EXPERIENCE, MIN_EVIDENCE, MIN_LIVED_IN_ROOM
from cafe.voicing import flag_text, percent


@dataclass
class VoiceRow:
    """One perspective's share of the room, of the insights and of the resonance."""

    key: str
    label: str
    room: int
    room_share: float
    insights: int
    insight_share: float
    resonance: int
    resonance_share: float
    lived: bool

    @property
    def room_pct(self) -> str:
        return percent(self.room_share)

    @property
    def insight_pct(self) -> str:
        return percent(self.insight_share)

    @property
    def resonance_pct(self) -> str:
        return percent(self.resonance_share)


@dataclass
class VoiceTable:
    """Voice balance of one scope: a row per perspective, the lived-experience row, its flags."""

    rows: list[VoiceRow]
    lived: VoiceRow
    insight_count: int
    flags: list[str]


@dataclass
class FeedbackNote:
    kind: str  # "reflects" or "missing"
    text: str
    where: str  # theme name or "the harvest as a whole"
    perspective: str


@dataclass
class Feedback:
    """What participants said about the harvest: counts per theme and every note they wrote."""

    counts: list[tuple[str, int, int]]  # (where, "reflects" count, "missing" count)
    notes: list[FeedbackNote]


def rule_text() -> str:
    """How flags are decided, in one sentence for the report."""
    return _("A flag means people with lived experience (including family carers) wrote, or received resonance for, "
             "less than half their share of the room. Flags need at least %(people)s such people in the room and "
             "%(n)s insights (or resonances). Resonance counts for the insight's author.",
             people=MIN_LIVED_IN_ROOM, n=MIN_EVIDENCE)


def _row(key: str, raw: Mapping[str, Any], label: str, lived: bool) -> VoiceRow:
    return VoiceRow(key, label, int(raw.get("room", 0)), float(raw.get("room_share", 0)), int(raw.get("insights", 0)),
                    float(raw.get("insight_share", 0)), int(raw.get("resonance", 0)),
                    float(raw.get("resonance_share", 0)), lived)


def voice_table(raw: Mapping[str, Any] | None, flags: list[str], label: Callable[[str], str]) -> VoiceTable | None:
    """A `voice` object of the harvest as a table, largest room share first; None without one."""
    if not raw:
        return None
    rows = [_row(key, share, label(key), key in LIVED_EXPERIENCE) for key, share in (raw.get("perspectives") or {}).items()
            if share.get("room") or share.get("insights")]
    rows.sort(key=lambda r: (-r.room, -r.insights))
    lived = _row("lived", raw.get("lived_experience") or {}, _("People with lived experience (together)"), True)
    return VoiceTable(rows, lived, int(raw.get("insight_count", 0)), flags)


def flag_texts(flags: list[Mapping[str, Any]], **where: Any) -> list[str]:
    """Sentences for the harvest's `voice_flags` that match `where` (e.g. scope='theme', theme='Pay')."""
    chosen = [f for f in flags if all(f.get(k) == v for k, v in where.items())]
    return [flag_text(f) if "measure" in f else str(f.get("text", "")) for f in chosen]


def feedback(raw: Any, label: Callable[[str | None], str]) -> Feedback | None:
    """Participants' feedback from the export, or None when the export has none."""
    if not isinstance(raw, list) or not raw:
        return None
    whole = _("The harvest as a whole")
    counts: dict[str, list[int]] = {}
    notes = []
    for item in raw:
        if not isinstance(item, Mapping):
            continue
        where = str(item.get("theme") or whole)
        kind = "missing" if item.get("kind") == "missing" else "reflects"
        tally = counts.setdefault(where, [0, 0])
        tally[kind == "missing"] += 1
        if item.get("text"):
            notes.append(FeedbackNote(kind, str(item["text"]), where, label(item.get("perspective"))))
    return Feedback([(where, r, m) for where, (r, m) in counts.items()], notes)
