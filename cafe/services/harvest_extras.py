"""What the harvest shows beyond each theme: patterns across themes, open questions, each table."""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from cafe import presenters
from cafe.domain.crosscut import crosscutting
from cafe.domain.harvest import HarvestInsight, build_harvest
from cafe.domain.questions import Source, open_questions
from cafe.services.recent import Recent
from cafe.wordvectors import word_vectors

if TYPE_CHECKING:
    from cafe.services.views import Snapshot

QUESTION_LIMIT = 12
# Grouping each table is as costly as grouping each theme; same cache rule as harvesting.py.
_TABLES: Recent[tuple] = Recent(16)


def patterns(themes: Sequence[Mapping[str, Any]], text_of: Mapping[str, str]) -> list[dict[str, Any]]:
    """Sub-themes that recur under two or more themes, from the sub-themes as shown."""
    shown = {
        theme["theme"]: [(sub["label"], [text_of[i] for i in sub["insight_ids"] if i in text_of])
                         for sub in theme["subthemes"]]
        for theme in themes if theme["subthemes"]
    }
    if len(shown) < 2:
        return []
    found = []
    for pattern in crosscutting(shown):
        found.append({
            "label": pattern.label,
            "themes": list(pattern.groups),
            "subthemes": [{"theme": theme, "label": shown[theme][index][0],
                           "id": _sub_id(themes, theme, index)} for theme, index in pattern.members],
        })
    return found


def _sub_id(themes: Sequence[Mapping[str, Any]], theme: str, index: int) -> Any:
    for item in themes:
        if item["theme"] == theme:
            return item["subthemes"][index].get("id")
    return None


def questions(snap: Snapshot, hidden: set[str]) -> list[dict[str, Any]]:
    """The distinct questions raised in insights and hand-overs, most asked first."""
    sources = [
        Source(id=i.id, theme=i.theme, table=i.table_number, round=i.round, text=i.text,
               resonance=snap.resonance.get(i.id, 0), quotable=not i.do_not_quote and i.id not in hidden)
        for i in snap.insights
    ]
    sources += [
        Source(id=None, theme=h["theme"], table=h["table"], round=h["round"], text=bullet)
        for h in snap.handovers() for bullet in h["bullets"]
    ]
    return [
        {"text": q.text, "insight_id": q.insight_id, "themes": list(q.themes),
         "tables": [presenters.table_label(n) for n in q.tables], "resonance": q.resonance, "asked": q.asked}
        for q in open_questions(sources, limit=QUESTION_LIMIT)
    ]


def tables(snap: Snapshot, hidden: set[str], quote: Callable[[str | None], Any]) -> list[dict[str, Any]]:
    """Each table's own conversation over all its rounds, grouped the same way as a theme."""
    items = [
        HarvestInsight(id=i.id, theme=str(i.table_number), table=i.table_number, round=i.round, text=i.text,
                       perspective=None, resonance=snap.resonance.get(i.id, 0), do_not_quote=i.do_not_quote)
        for i in snap.insights if i.id not in hidden
    ]
    key = (snap.row.id, tuple((h.id, h.resonance, h.do_not_quote, h.table) for h in items))
    grouped = _TABLES.get(key, lambda: build_harvest(items, [str(t.number) for t in snap.tables],
                                                      word_vectors=word_vectors()))
    return [
        {"table": int(t.theme), "table_label": presenters.table_label(int(t.theme)), "insight_count": t.insight_count,
         "subthemes": [{"label": s.label, "count": len(s.insight_ids), "quote_insight": quote(s.quote)}
                       for s in t.subthemes]}
        for t in grouped if t.insight_count
    ]
