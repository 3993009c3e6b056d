"""The harvest of a café: themed sub-themes, top insights, hand-over chains, voice counts."""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from cafe.messages import language

from cafe import offload, presenters, store
from cafe.domain.harvest import curation
from cafe.domain.harvest.duplicates import near_duplicates
from cafe.domain.harvest.themes import HarvestInsight, ThemeHarvest, build_harvest
from cafe.domain.harvest.voice import Voice, perspective_key, voice_balance
from cafe.domain.harvest.privacy import Reader
from cafe.services import curations, feedback, harvest_extras, harvest_view
from cafe.services.recent import Recent
from cafe.voicing import ROOM, SUBTHEME, THEME, flags_json, voice_json
from cafe.wordvectors import word_vectors

if TYPE_CHECKING:
    from cafe.services.views import Snapshot

# Grouping is the one costly step and every phone asks for the harvest at once when it starts:
# results are kept per (café, insights, resonance) fingerprint.
_GROUPED: Recent[tuple] = Recent(32)
_PAYLOADS: Recent[dict[str, Any]] = Recent(32)
_REGROUPED: Recent[ThemeHarvest] = Recent(16)


def items(snap: Snapshot) -> list[HarvestInsight]:
    """Every insight of the café as the harvest sees it."""
    return [
        HarvestInsight(
            id=i.id, theme=i.theme, table=i.table_number, round=i.round, text=i.text,
            perspective=snap.people[i.participant_id].perspective if i.participant_id in snap.people else None,
            resonance=snap.resonance.get(i.id, 0), do_not_quote=i.do_not_quote,
        )
        for i in snap.insights
    ]


def regroup(insights: Sequence[HarvestInsight], k: int | None) -> ThemeHarvest:
    """The automatic grouping of some insights of one theme (curation's set_k, reset and split use it)."""
    if not insights:
        return ThemeHarvest("", 0, (), (), {})
    key = (tuple(insights), k)
    return _REGROUPED.get(key, lambda: offload.run(_regroup, insights, k))


def _regroup(insights: list[HarvestInsight], k: int | None) -> ThemeHarvest:
    return build_harvest(insights, [insights[0].theme], k=k, word_vectors=word_vectors())[0]


def _grouped(snap: Snapshot) -> tuple[tuple[ThemeHarvest, curation.Curation, bool], ...]:
    """Per theme: the automatic harvest of its shown insights, the sub-themes to show (the
    facilitator's curation, or the automatic grouping as one) and whether it was curated."""
    themes = [t.name for t in snap.plan.themes]
    every = items(snap)
    stored = curations.stored(snap.session, snap.row)
    moderated = frozenset(i.id for i in snap.insights if i.hidden_at is not None)
    key = (snap.row.id, tuple((h.id, h.resonance, h.do_not_quote, h.text) for h in every), tuple(themes),
           tuple(sorted((theme, c.version) for theme, c in stored.items())), tuple(sorted(moderated)))
    return _GROUPED.get(key, lambda: offload.run(_group, every, themes, stored, moderated))


def _group(every: list[HarvestInsight], themes: list[str], stored: dict[str, curation.Curation],
           moderated: frozenset[str] = frozenset()) -> tuple[tuple[ThemeHarvest, curation.Curation, bool], ...]:
    """The costliest step of a harvest, pure (the embeddings load once per process): computed off
    the event loop."""
    # hidden while curating, or during the rounds (moderated): both start out of the grouping
    hidden = {i for c in stored.values() for i in c.hidden} | moderated
    result = []
    for theme in build_harvest([h for h in every if h.id not in hidden], themes, word_vectors=word_vectors()):
        mine = [h for h in every if h.theme == theme.theme]
        state = curation.reconcile(stored[theme.theme], mine) if theme.theme in stored else curation.from_harvest(theme)
        state = curation.with_hidden(state, [h.id for h in mine if h.id in moderated])
        result.append((theme, state, theme.theme in stored))
    return tuple(result)


def curated(snap: Snapshot) -> dict[str, curation.Curation]:
    """theme -> the sub-themes as shown now (what a `curate` edit applies to)."""
    return {theme.theme: state for theme, state, _ in _grouped(snap)}


def harvest(snap: Snapshot) -> dict[str, Any]:
    """The harvest payload (docs/protocol.md, <harvest>).

    Every phone syncs at once when the harvest starts and the payload is the same for all of them,
    so all but the participants' feedback (cheap, and changing while people tap) is built once per
    state of what it is made of: insights and their resonance, curation, hand-overs, people and
    the language. Like the grouping cache, any process rebuilds it from the database."""
    key = (snap.row.id, language(),
           tuple((i.id, snap.resonance.get(i.id, 0), i.do_not_quote, i.hidden_at is not None, i.text) for i in snap.insights),
           tuple(sorted(curations.versions(snap.session, snap.row).items())),
           tuple((h.id, presenters.iso(h.written_at)) for h in store.handovers(snap.session, snap.row)),
           tuple((p.id, p.name, p.perspective) for p in snap.people.values()),
           tuple(t.number for t in snap.tables))
    base = _PAYLOADS.get(key, lambda: _build(snap))
    # the cached dicts are shared: each payload gets its own theme dicts to carry feedback
    themes = [dict(theme) for theme in base["themes"]]
    return {**base, "themes": themes, "feedback": feedback.attach(snap, themes)}


# What a phone's harvest view uses; the rest (member ids, voice figures, each table's grouping)
# is for the dashboard, the projector and exports, and would cost every phone on venue Wi-Fi.
_PHONE_THEME = ("theme", "insight_count", "top_insights", "feedback")
_PHONE_SUB = ("id", "label", "count", "distinct", "quote", "quote_insight")
_PHONE_TOP = ("participant_count", "insight_count", "feedback", "open_questions")


def for_phone(payload: dict[str, Any] | None) -> dict[str, Any] | None:
    """The harvest as a phone gets it: the same themes, sub-themes, quotes and feedback, lighter."""
    if payload is None:
        return None
    themes = [{**{k: t[k] for k in _PHONE_THEME if k in t},
               "subthemes": [{k: s[k] for k in _PHONE_SUB if k in s} for s in t["subthemes"]]}
              for t in payload["themes"]]
    return {**{k: payload[k] for k in _PHONE_TOP if k in payload}, "themes": themes}


def _build(snap: Snapshot) -> dict[str, Any]:
    """The harvest payload without participants' feedback."""
    by_id = {i.id: i for i in snap.insights}

    grouped = _grouped(snap)
    # insights the facilitator hid: nothing shown may use them
    hidden = {i for _, state, _ in grouped for i in state.hidden}

    def shown(insight_id: str | None) -> dict[str, Any] | None:
        """The insight as a quote, if its words may be shown to all."""
        row = by_id.get(insight_id) if insight_id else None
        return snap.insight(row) if row is not None and harvest_view.readable(row, Reader.OTHERS, hidden) else None

    order = {i.id: n for n, i in enumerate(snap.insights)}
    resonance = lambda i: snap.resonance.get(i, 0)  # noqa: E731
    themes = []
    ranked: list[list[tuple[curation.CuratedSub, list[str]]]] = []
    for _theme, state, _curated in grouped:
        # ranked by size, then resonance; the facilitator's order breaks ties
        by_size = sorted(state.subthemes, key=lambda s: (-len(s.insight_ids), -sum(map(resonance, s.insight_ids))))
        ranked.append([(s, sorted(s.insight_ids, key=lambda i: (-resonance(i), order.get(i, 0)))) for s in by_size])
    # every sub-theme's near-duplicates in one go, off the event loop (a big café has thousands)
    same = iter(offload.run(_duplicates, [[by_id[i].text if i in by_id else "" for i in members]
                                          for subs in ranked for _, members in subs]))
    for (theme, state, is_curated), subs in zip(grouped, ranked, strict=False):
        themes.append({
            "theme": theme.theme,
            "insight_count": theme.insight_count,
            "subthemes": [_subtheme(s, members, next(same), shown) for s, members in subs],
            "top_insights": [x for x in (shown(i) for i in theme.top_insight_ids) if x],
            "perspectives": dict(theme.perspectives),
            "version": state.version if is_curated else 0,
            "curated": is_curated,
            "k": state.k,
            "hidden": sorted(state.hidden, key=lambda i: order.get(i, 0)),
        })
    chains = []
    handovers = snap.handovers()
    for table in snap.tables:
        chain = [h for h in handovers if h["table"] == table.number]
        if chain:
            chains.append({"table": table.number, "table_label": presenters.table_label(table.number), "handovers": chain})
    room = Counter(p.perspective or "not_given" for p in snap.people.values())
    payload = {
        "themes": themes,
        "crosscutting": offload.run(harvest_extras.patterns, themes, harvest_view.quotable_texts(snap.insights, hidden)),
        "open_questions": harvest_extras.questions(snap, hidden),
        "tables": harvest_extras.tables(snap, hidden, shown),
        "handover_chains": chains,
        "perspectives": dict(room),
        "participant_count": len(snap.people),
        "insight_count": len(snap.insights) - len(hidden),
        "hidden_count": len(hidden),
    }
    add_voice(payload, snap, hidden)
    return payload


def _duplicates(texts_per_sub: list[list[str]]) -> list[list[list[int]]]:
    """Each sub-theme's groups of near-identical members, by position (pure)."""
    return [[list(found) for found in near_duplicates(texts)] for texts in texts_per_sub]


def _subtheme(sub: curation.CuratedSub, members: list[str], found: list[list[int]], shown) -> dict[str, Any]:
    """One sub-theme as shown, most resonating member first; near-identical members are grouped
    under the first of them (`duplicates`), so a point made twice is one voice, counted twice."""
    same = [[members[i] for i in group] for group in found]
    return {"id": sub.id, "label": harvest_view.label(sub.label, len(members)),
            "private_label": harvest_view.is_private_label(sub.label), "insight_ids": members, "count": len(members),
            "distinct": len(members) - sum(len(found) - 1 for found in same), "duplicates": same,
            "quote": sub.quote, "quote_insight": shown(sub.quote), "pinned": sub.pinned}


def add_voice(payload: dict[str, Any], snap: Snapshot, hidden: set[str]) -> None:
    """Voice balance for the room, each theme and each sub-theme, and the flags among them.

    Hidden insights shaped nothing that is shown, so they count in no voice figure."""
    room = Counter(perspective_key(p.perspective) for p in snap.people.values())
    voices = {
        i.id: Voice(snap.people[i.participant_id].perspective if i.participant_id in snap.people else None,
                    snap.resonance.get(i.id, 0))
        for i in snap.insights if i.id not in hidden
    }
    overall = voice_balance(voices.values(), room)
    payload["voice"] = voice_json(overall)
    flags = flags_json(overall, ROOM)
    for theme in payload["themes"]:
        name = theme["theme"]
        balance = voice_balance((voices[i.id] for i in snap.insights if i.theme == name and i.id in voices), room)
        theme["voice"] = voice_json(balance)
        flags += flags_json(balance, THEME, name)
        for sub in theme["subthemes"]:
            balance = voice_balance((voices[i] for i in sub["insight_ids"] if i in voices), room)
            sub["voice"] = voice_json(balance)
            flags += flags_json(balance, SUBTHEME, name, sub["label"], sub.get("id"))
    payload["voice_flags"] = flags
