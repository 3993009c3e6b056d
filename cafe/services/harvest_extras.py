"""What the harvest shows beyond each theme: patterns across themes, open questions, each table."""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from cafe import offload, presenters
from cafe.domain.harvest.crosscut import crosscutting
from cafe.domain.harvest.themes import HarvestInsight, build_harvest
from cafe.domain.harvest.questions import Source, open_questions
from cafe.services import harvest_view
from cafe.services.recent import Recent
from cafe.wordvectors import word_vectors

if TYPE_CHECKING:
    from cafe.services.views import Snapshot

QUESTION_LIMIT = 12
# Grouping each table is as costly as grouping each theme; same cache rule as harvesting.py.
_TABLES: Recent[tuple] = Recent(16)


def patterns(themes: Sequence[Mapping[str, Any]], text_of: Mapping[str, str]) -> list[dict[str, Any]]:
    """Sub-themes that recur under two or more themes, from the sub-themes as shown.

    `text_of` holds only quotable texts (harvest_view.quotable_texts): a pattern's label is made of
    words, so a sub-theme none of whose words may be shown takes no part in any pattern."""
    shown: dict[str, list[tuple[str, list[str]]]] = {}
    subs: dict[str, list[Mapping[str, Any]]] = {}
    for theme in themes:
        for sub in theme["subthemes"]:
            texts = [text_of[i] for i in sub["insight_ids"] if i in text_of]
            if texts:
                # two neutral labels ("2 notes kept private") are no shared idea: never matched by label
                name = f"\0{theme['theme']}\0{sub.get('id')}" if sub.get("private_label") else sub["label"]
                shown.setdefault(theme["theme"], []).append((name, texts))
                subs.setdefault(theme["theme"], []).append(sub)
    if len(shown) < 2:
        return []
    found = []
    for pattern in crosscutting(shown):
        found.append({
            "label": pattern.label,
            "themes": list(pattern.groups),
            "subthemes": [{"theme": theme, "label": subs[theme][index]["label"],
                           "id": subs[theme][index].get("id")} for theme, index in pattern.members],
        })
    return found


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
        for q in offload.run(open_questions, sources, limit=QUESTION_LIMIT)
    ]


def _group_tables(items: list[HarvestInsight], numbers: list[str]) -> tuple[Any, ...]:
    """Pure, and costly for a big café: computed off the event loop."""
    return build_harvest(items, numbers, word_vectors=word_vectors())


def tables(snap: Snapshot, hidden: set[str], quote: Callable[[str | None], Any]) -> list[dict[str, Any]]:
    """Each table's own conversation over all its rounds, grouped the same way as a theme."""
    items = [
        HarvestInsight(id=i.id, theme=str(i.table_number), table=i.table_number, round=i.round, text=i.text,
                       perspective=None, resonance=snap.resonance.get(i.id, 0), do_not_quote=i.do_not_quote)
        for i in snap.insights if i.id not in hidden
    ]
    key = (snap.row.id, tuple((h.id, h.resonance, h.do_not_quote, h.table, h.text) for h in items))  # text: an edit relabels
    numbers = [str(t.number) for t in snap.tables]
    grouped = _TABLES.get(key, lambda: offload.run(_group_tables, items, numbers))
    return [
        {"table": int(t.theme), "table_label": presenters.table_label(int(t.theme)), "insight_count": t.insight_count,
         "subthemes": [{"label": harvest_view.label(s.label, len(s.insight_ids)), "count": len(s.insight_ids),
                        "quote_insight": quote(s.quote)}
                       for s in t.subthemes]}
        for t in grouped if t.insight_count
    ]
