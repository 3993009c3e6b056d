"""Voice balance: whose insights and whose resonance shaped a theme, against who was in the room.

The point (and the reason for the flag) is that people with lived experience are heard, not
present as tokens: a theme where they are a third of the room but wrote almost none of what
was said, or whose most-resonated ideas all came from others, deserves a second look.

Choices, each named below so tests and docs can point at them:
- Resonance an insight received counts for its AUTHOR's perspective (whose ideas moved the
  room), not the perspective of the people who resonated.
- Room shares use every participant; "not given" and "prefer not to say" are shown like any
  perspective but are never flagged.
- Only the lived-experience group is flagged, and only with enough evidence to be fair.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

NOT_GIVEN = "not_given"
# Family carers speak from lived experience of care too (as in the ICIC 2023 workshop paper).
LIVED_EXPERIENCE: frozenset[str] = frozenset({"lived_experience", "family_carer"})
# Never flagged: people who gave no perspective are not a group whose voice can be missing.
NEVER_FLAGGED: frozenset[str] = frozenset({NOT_GIVEN, "prefer_not_to_say"})
# Evidence needed before a flag is fair: at least this many lived-experience people in the room...
MIN_LIVED_IN_ROOM = 2
# ...and at least this many insights (or resonances, for the resonance flag) in the theme.
MIN_EVIDENCE = 5
# A flag fires when the lived-experience share is strictly below this fraction of its room share.
FLAG_BELOW = 0.5

INSIGHTS = "insights"
RESONANCE = "resonance"


@dataclass(frozen=True)
class Voice:
    """One insight as voice balance sees it: its author's perspective and the resonance it got."""

    perspective: str | None
    resonance: int = 0


@dataclass(frozen=True)
class Share:
    """One perspective's (or group's) people, insights and resonance, with shares of each total."""

    room: int
    room_share: float
    insights: int
    insight_share: float
    resonance: int
    resonance_share: float


@dataclass(frozen=True)
class Flag:
    """Lived-experience voices under-represented on one measure (insights or resonance)."""

    measure: str
    count: int
    total: int
    share: float
    room_share: float


@dataclass(frozen=True)
class VoiceBalance:
    """Shares by perspective for one scope (room, theme or sub-theme), and any flags."""

    insight_count: int
    resonance_count: int
    perspectives: dict[str, Share]
    lived_experience: Share
    flags: tuple[Flag, ...]


def perspective_key(perspective: str | None) -> str:
    """The key a perspective is counted under; no perspective counts as 'not_given'."""
    return perspective or NOT_GIVEN


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _flag(measure: str, count: int, total: int, room_share: float, lived_in_room: int) -> Flag | None:
    """A flag when the evidence is enough and the share is well below the room share."""
    if lived_in_room < MIN_LIVED_IN_ROOM or total < MIN_EVIDENCE:
        return None
    share = _share(count, total)
    if share < FLAG_BELOW * room_share:
        return Flag(measure, count, total, share, room_share)
    return None


def voice_balance(voices: Iterable[Voice], room: Mapping[str, int] | Mapping[str | None, int]) -> VoiceBalance:
    """Voice balance of some insights against the room (perspective key -> people present)."""
    voices = list(voices)
    people: dict[str, int] = {}
    for key, n in room.items():
        people[perspective_key(key)] = people.get(perspective_key(key), 0) + int(n)
    written: dict[str, int] = {}
    received: dict[str, int] = {}
    for voice in voices:
        key = perspective_key(voice.perspective)
        written[key] = written.get(key, 0) + 1
        received[key] = received.get(key, 0) + max(0, int(voice.resonance))
    room_total, insight_total, resonance_total = sum(people.values()), len(voices), sum(received.values())

    def share(keys: Iterable[str]) -> Share:
        keys = list(keys)
        n_room = sum(people.get(k, 0) for k in keys)
        n_written = sum(written.get(k, 0) for k in keys)
        n_received = sum(received.get(k, 0) for k in keys)
        return Share(n_room, _share(n_room, room_total), n_written, _share(n_written, insight_total),
                     n_received, _share(n_received, resonance_total))

    keys = list(people) + [k for k in written if k not in people]
    lived = share(LIVED_EXPERIENCE)
    flags = tuple(f for f in (
        _flag(INSIGHTS, lived.insights, insight_total, lived.room_share, lived.room),
        _flag(RESONANCE, lived.resonance, resonance_total, lived.room_share, lived.room),
    ) if f is not None)
    return VoiceBalance(insight_total, resonance_total, {k: share([k]) for k in keys}, lived, flags)
