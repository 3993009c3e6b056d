"""Voice balance as JSON for the harvest payload, and its flags in words a facilitator can read aloud."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import format_percent
from flask_babel import gettext as _

from cafe.domain.harvest.voice import INSIGHTS, Share, VoiceBalance

ROOM, THEME, SUBTHEME = "room", "theme", "subtheme"


def _share(share: Share) -> dict[str, Any]:
    return {"room": share.room, "room_share": round(share.room_share, 4), "insights": share.insights,
            "insight_share": round(share.insight_share, 4), "resonance": share.resonance,
            "resonance_share": round(share.resonance_share, 4)}


def voice_json(balance: VoiceBalance) -> dict[str, Any]:
    """The `voice` object of a theme, sub-theme or the whole room (docs/protocol.md, <voice>)."""
    return {
        "insight_count": balance.insight_count,
        "resonance_count": balance.resonance_count,
        "perspectives": {key: _share(share) for key, share in balance.perspectives.items()},
        "lived_experience": _share(balance.lived_experience),
        "flags": [flag.measure for flag in balance.flags],
    }


def percent(share: float) -> str:
    """A share as a whole percentage in the reader's locale ('8%')."""
    return format_percent(round(float(share), 2))


def flag_text(flag: Mapping[str, Any]) -> str:
    """One flag as a sentence, e.g. 'Citizen Leader: 1 of 12 insights (8%) came from people with
    lived experience, who are 35% of the room.'"""
    scope = flag.get("scope")
    if scope == ROOM or not flag.get("theme"):
        where = _("The whole café")
    elif scope == SUBTHEME and flag.get("subtheme"):
        where = _("%(theme)s › %(subtheme)s", theme=flag["theme"], subtheme=flag["subtheme"])
    else:
        where = str(flag["theme"])
    numbers = {"where": where, "count": int(flag.get("count", 0)), "total": int(flag.get("total", 0)),
               "share": percent(flag.get("share", 0)), "room": percent(flag.get("room_share", 0))}
    if flag.get("measure") == INSIGHTS:
        return _("%(where)s: %(count)s of %(total)s insights (%(share)s) came from people with lived experience, "
                 "who are %(room)s of the room.", **numbers)
    return _("%(where)s: %(count)s of %(total)s resonances (%(share)s) went to insights from people with lived "
             "experience, who are %(room)s of the room.", **numbers)


def flags_json(balance: VoiceBalance, scope: str, theme: str | None = None, subtheme: str | None = None,
               subtheme_id: Any = None) -> list[dict[str, Any]]:
    """The balance's flags as entries of the harvest's `voice_flags` list, each with its sentence."""
    out = []
    for flag in balance.flags:
        entry: dict[str, Any] = {
            "scope": scope, "theme": theme, "subtheme": subtheme, "measure": flag.measure, "count": flag.count,
            "total": flag.total, "share": round(flag.share, 4), "room_share": round(flag.room_share, 4),
        }
        if subtheme_id is not None:
            entry["subtheme_id"] = subtheme_id
        entry["text"] = flag_text(entry)
        out.append(entry)
    return out
