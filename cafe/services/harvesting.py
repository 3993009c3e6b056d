"""The harvest of a café: themed sub-themes, top insights, hand-over chains, voice counts."""
from __future__ import annotations

from collections import Counter, OrderedDict
from typing import TYPE_CHECKING, Any

from cafe.services import feedback
from cafe import presenters
from cafe.domain.harvest import HarvestInsight, build_harvest

if TYPE_CHECKING:
    from cafe.services.views import Snapshot

# Grouping is the one costly step and every phone asks for the harvest at once when it starts:
# results are kept per (café, insights, resonance) fingerprint. A cache, not state: any process
# rebuilds the same result from the database.
_CACHE: OrderedDict[tuple, tuple] = OrderedDict()
_CACHE_SIZE = 32


def _grouped(snap: Snapshot) -> tuple:
    themes = [t.name for t in snap.plan.themes]
    items = [
        HarvestInsight(
            id=i.id, theme=i.theme, table=i.table_number, round=i.round, text=i.text,
            perspective=snap.people[i.participant_id].perspective if i.participant_id in snap.people else None,
            resonance=snap.resonance.get(i.id, 0), do_not_quote=i.do_not_quote,
        )
        for i in snap.insights
    ]
    key = (snap.row.id, tuple((h.id, h.resonance, h.do_not_quote) for h in items), tuple(themes))
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    result = build_harvest(items, themes)
    _CACHE[key] = result
    if len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return result


def harvest(snap: Snapshot) -> dict[str, Any]:
    """The harvest payload (docs/protocol.md, <harvest>)."""
    by_id = {i.id: i for i in snap.insights}

    def shown(insight_id: str | None) -> dict[str, Any] | None:
        row = by_id.get(insight_id) if insight_id else None
        return snap.insight(row) if row is not None and not row.do_not_quote else None

    themes = []
    for theme in _grouped(snap):
        themes.append({
            "theme": theme.theme,
            "insight_count": theme.insight_count,
            "subthemes": [
                {"label": s.label, "insight_ids": list(s.insight_ids), "count": len(s.insight_ids),
                 "quote": s.quote, "quote_insight": shown(s.quote)}
                for s in theme.subthemes
            ],
            "top_insights": [x for x in (shown(i) for i in theme.top_insight_ids) if x],
            "perspectives": dict(theme.perspectives),
        })
    room_feedback = feedback.attach(snap, themes)  # adds each theme's "feedback"; the room's goes below
    chains = []
    handovers = snap.handovers()
    for table in snap.tables:
        chain = [h for h in handovers if h["table"] == table.number]
        if chain:
            chains.append({"table": table.number, "table_label": presenters.table_label(table.number), "handovers": chain})
    room = Counter(p.perspective or "not_given" for p in snap.people.values())
    return {
        "themes": themes,
        "handover_chains": chains,
        "perspectives": dict(room),
        "participant_count": len(snap.people),
        "insight_count": len(snap.insights),
        "feedback": room_feedback,
    }
