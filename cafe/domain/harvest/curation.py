"""A facilitator's edits to one theme's harvest: rename, merge, split, move, hide, pin, regroup.

The curated state is a value: `apply(state, op, insights, regroup)` returns a new one or raises
CurationError and leaves nothing half done. Every insight of the theme stays in exactly one
sub-theme or in the hidden set; no sub-theme is empty; a quote is always a shown, quotable member.
"""
from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from cafe.domain.harvest.themes import HarvestInsight, ThemeHarvest
from cafe.domain.harvest.privacy import label_of
from cafe.domain.harvest.words import tokens

UNSORTED = "Unsorted"
MAX_K = 12
MAX_LABEL = 80
OPS = ("rename", "merge", "split", "move", "hide", "unhide", "pin", "unpin", "set_k", "reset")
# A late insight sharing less of its words than this with every sub-theme goes to "Unsorted".
_NEAR_ENOUGH = 0.25

# Builds the automatic grouping of some insights (k sub-themes, or the tool's own choice).
Regroup = Callable[[Sequence[HarvestInsight], "int | None"], ThemeHarvest]


class CurationError(Exception):
    """A refused edit; `reason` is one of unknown_subtheme, unknown_insight, same_subtheme,
    too_small, do_not_quote, not_hidden, already_hidden, bad_op."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


@dataclass(frozen=True)
class CuratedSub:
    """A sub-theme as the facilitator shaped it; `id` never changes while it exists."""

    id: str
    label: str
    insight_ids: tuple[str, ...]
    quote: str | None
    pinned: bool = False


@dataclass(frozen=True)
class Curation:
    """One theme's curated harvest. `hidden` maps a hidden insight to the sub-theme it left."""

    subthemes: tuple[CuratedSub, ...]
    hidden: Mapping[str, str | None] = field(default_factory=dict)
    k: int | None = None
    version: int = 0
    next_id: int = 1


@dataclass(frozen=True)
class Op:
    """One edit. Which fields matter depends on `kind` (see docs/protocol.md, `curate`)."""

    kind: str
    subtheme: str | None = None
    into: str | None = None
    insight_id: str | None = None
    insight_ids: tuple[str, ...] | None = None
    to: str | None = None
    label: str | None = None
    k: int | None = None


def from_harvest(theme: ThemeHarvest, hidden: Mapping[str, str | None] | None = None,
                 k: int | None = None, version: int = 0, next_id: int = 1) -> Curation:
    """The automatic grouping as a curated state, its sub-themes numbered from next_id."""
    subs = tuple(CuratedSub(f"s{next_id + n}", s.label, tuple(s.insight_ids), s.quote)
                 for n, s in enumerate(theme.subthemes) if s.insight_ids)
    return Curation(subs, dict(hidden or {}), k, version, next_id + len(subs))


def to_json(state: Curation) -> dict[str, Any]:
    """The state as stored in the database."""
    return {"subthemes": [{"id": s.id, "label": s.label, "insight_ids": list(s.insight_ids), "quote": s.quote,
                           "pinned": s.pinned} for s in state.subthemes],
            "hidden": dict(state.hidden), "k": state.k, "next_id": state.next_id}


def from_json(data: Mapping[str, Any], version: int) -> Curation:
    """A stored state back (the version lives in its own column)."""
    subs = tuple(CuratedSub(s["id"], s["label"], tuple(s["insight_ids"]), s.get("quote"), bool(s.get("pinned")))
                 for s in data.get("subthemes", []))
    return Curation(subs, dict(data.get("hidden", {})), data.get("k"), version, int(data.get("next_id", len(subs) + 1)))


def reconcile(state: Curation, insights: Sequence[HarvestInsight]) -> Curation:
    """The state for the theme's insights as they are now: gone ones dropped, late ones placed
    in the nearest sub-theme (or in "Unsorted" when none is near)."""
    by_id = {i.id: i for i in insights}
    placed = {i for s in state.subthemes for i in s.insight_ids} | set(state.hidden)
    late = [i for i in insights if i.id not in placed]
    gone = placed - set(by_id)
    if not late and not gone:
        return state
    subs = [replace(s, insight_ids=tuple(i for i in s.insight_ids if i in by_id)) for s in state.subthemes]
    hidden = {i: s for i, s in state.hidden.items() if i in by_id}
    next_id = state.next_id
    if late:
        bags = [set().union(*(tokens(by_id[i].text) for i in s.insight_ids)) for s in subs]
        for item in late:
            words = set(tokens(item.text))
            scores = [_overlap(words, bag) for bag in bags]
            best = max(range(len(subs)), key=lambda j: scores[j], default=None)
            if best is None or scores[best] < _NEAR_ENOUGH:
                best = next((j for j, s in enumerate(subs) if s.label == UNSORTED), None)
                if best is None:
                    subs.append(CuratedSub(f"s{next_id}", UNSORTED, (), None))
                    bags.append(set())
                    next_id, best = next_id + 1, len(subs) - 1
            subs[best] = replace(subs[best], insight_ids=(*subs[best].insight_ids, item.id))
            bags[best] |= words
    return _tidy(replace(state, hidden=hidden, next_id=next_id), subs, by_id)


def with_hidden(state: Curation, ids: Collection[str]) -> Curation:
    """The state with these insights hidden as well (hidden during the rounds, before any curation):
    they leave their sub-themes, and showing one again puts it in "Unsorted"."""
    extra = {i: None for i in ids if i not in state.hidden}
    if not extra:
        return state
    subs = tuple(s for s in (_without(s, set(extra)) for s in state.subthemes) if s.insight_ids)
    return replace(state, subthemes=subs, hidden={**state.hidden, **extra})


def apply(state: Curation, op: Op, insights: Sequence[HarvestInsight], regroup: Regroup) -> Curation:
    """The state after one edit, with its version one higher."""
    by_id = {i.id: i for i in insights}
    state = reconcile(state, insights)
    subs = list(state.subthemes)
    if op.kind not in OPS:
        raise CurationError("bad_op", op.kind)
    if op.kind in ("set_k", "reset"):
        return _regroup_all(state, op, insights, by_id, regroup)
    if op.kind == "split":
        return _split(state, subs, op, by_id, regroup)
    state = _EDITS[op.kind](state, subs, op, by_id)
    return _tidy(replace(state, version=state.version + 1), subs, by_id)


def _regroup_all(state: Curation, op: Op, insights: Sequence[HarvestInsight], by_id: Mapping[str, HarvestInsight],
                 regroup: Regroup) -> Curation:
    """set_k / reset: the shown insights grouped afresh (in k sub-themes, or as many as fit)."""
    if op.kind == "set_k" and (op.k is None or not 1 <= op.k <= MAX_K):
        raise CurationError("bad_op", "k")
    shown = [i for i in insights if i.id not in state.hidden]
    k = op.k if op.kind == "set_k" else None
    fresh = from_harvest(regroup(shown, k), state.hidden, k, state.version + 1, state.next_id)
    return _tidy(fresh, list(fresh.subthemes), by_id)


# Each edit below changes `subs` in place and returns the state (apply tidies and counts the version).
Edit = Callable[[Curation, list[CuratedSub], Op, Mapping[str, HarvestInsight]], Curation]


def _rename(state: Curation, subs: list[CuratedSub], op: Op, by_id: Mapping[str, HarvestInsight]) -> Curation:
    at = _sub_index(subs, op.subtheme)
    label = (op.label or "").strip()
    if not label or len(label) > MAX_LABEL:
        raise CurationError("bad_op", "label")
    subs[at] = replace(subs[at], label=label)
    return state


def _merge(state: Curation, subs: list[CuratedSub], op: Op, by_id: Mapping[str, HarvestInsight]) -> Curation:
    at, into = _sub_index(subs, op.subtheme), _sub_index(subs, op.into)
    if at == into:
        raise CurationError("same_subtheme")
    source, target = subs[at], subs[into]
    keep_pin = target.pinned or not source.pinned
    subs[into] = replace(target, insight_ids=target.insight_ids + source.insight_ids,
                         quote=target.quote if keep_pin else source.quote, pinned=target.pinned or source.pinned)
    del subs[at]
    return state


def _move(state: Curation, subs: list[CuratedSub], op: Op, by_id: Mapping[str, HarvestInsight]) -> Curation:
    where, insight_id = _shown(subs, op, state)
    target = len(subs) if op.to is None else _sub_index(subs, op.to)
    if target == where:
        raise CurationError("same_subtheme")
    if op.to is None:
        subs.append(CuratedSub(f"s{state.next_id}", label_of([by_id[insight_id]]), (), None))
        state = replace(state, next_id=state.next_id + 1)
    subs[where] = _without(subs[where], {insight_id})
    subs[target] = replace(subs[target], insight_ids=(*subs[target].insight_ids, insight_id))
    return state


def _hide(state: Curation, subs: list[CuratedSub], op: Op, by_id: Mapping[str, HarvestInsight]) -> Curation:
    where, insight_id = _shown(subs, op, state)
    state = replace(state, hidden={**state.hidden, insight_id: subs[where].id})
    subs[where] = _without(subs[where], {insight_id})
    return state


def _unhide(state: Curation, subs: list[CuratedSub], op: Op, by_id: Mapping[str, HarvestInsight]) -> Curation:
    insight_id = op.insight_id
    if insight_id is None or insight_id not in state.hidden:
        raise CurationError("not_hidden" if insight_id in by_id else "unknown_insight", str(insight_id))
    home = state.hidden[insight_id] if op.to is None else op.to
    target = next((j for j, s in enumerate(subs) if s.id == home), None)
    if target is None and op.to is not None:
        raise CurationError("unknown_subtheme", op.to)
    if target is None:
        subs.append(CuratedSub(f"s{state.next_id}", UNSORTED, (), None))
        state, target = replace(state, next_id=state.next_id + 1), len(subs) - 1
    subs[target] = replace(subs[target], insight_ids=(*subs[target].insight_ids, insight_id))
    return replace(state, hidden={i: s for i, s in state.hidden.items() if i != insight_id})


def _pin(state: Curation, subs: list[CuratedSub], op: Op, by_id: Mapping[str, HarvestInsight]) -> Curation:
    where, insight_id = _shown(subs, op, state)
    if by_id[insight_id].do_not_quote:
        raise CurationError("do_not_quote", insight_id)
    subs[where] = replace(subs[where], quote=insight_id, pinned=True)
    return state


def _unpin(state: Curation, subs: list[CuratedSub], op: Op, by_id: Mapping[str, HarvestInsight]) -> Curation:
    at = _sub_index(subs, op.subtheme)
    subs[at] = replace(subs[at], pinned=False)
    return state


_EDITS: dict[str, Edit] = {"rename": _rename, "merge": _merge, "move": _move, "hide": _hide, "unhide": _unhide,
                           "pin": _pin, "unpin": _unpin}


def _split(state: Curation, subs: list[CuratedSub], op: Op, by_id: Mapping[str, HarvestInsight],
           regroup: Regroup) -> Curation:
    """Two sub-themes from one: the picked insights move out, or the members are regrouped in two."""
    at = _sub_index(subs, op.subtheme)
    source = subs[at]
    if op.insight_ids is None:
        if len(source.insight_ids) < 2:
            raise CurationError("too_small", source.id)
        halves = regroup([by_id[i] for i in source.insight_ids], 2).subthemes
        if len(halves) < 2:
            raise CurationError("too_small", source.id)
        keep, out = halves[0], [i for h in halves[1:] for i in h.insight_ids]
        # the source keeps its id and label (perhaps the facilitator's); the new part gets a fresh label
        subs[at] = replace(source, insight_ids=tuple(keep.insight_ids))
        picked = tuple(out)
    else:
        picked = tuple(dict.fromkeys(op.insight_ids))
        for insight_id in picked:
            if insight_id not in by_id:
                raise CurationError("unknown_insight", insight_id)
            if insight_id not in source.insight_ids:
                raise CurationError("unknown_insight", f"{insight_id} is not in {source.id}")
        if not picked or len(picked) >= len(source.insight_ids):
            raise CurationError("too_small", source.id)
        subs[at] = _without(source, set(picked))
    rest = [by_id[i] for i in subs[at].insight_ids]
    subs.insert(at + 1, CuratedSub(f"s{state.next_id}", label_of([by_id[i] for i in picked], rest), picked, None))
    return _tidy(replace(state, version=state.version + 1, next_id=state.next_id + 1), subs, by_id)


def _overlap(words: set[str], bag: set[str]) -> float:
    """How much of a text's vocabulary a sub-theme shares (0..1)."""
    return len(words & bag) / len(words) if words and bag else 0.0


def _sub_index(subs: Sequence[CuratedSub], sub_id: str | None) -> int:
    for n, sub in enumerate(subs):
        if sub.id == sub_id:
            return n
    raise CurationError("unknown_subtheme", str(sub_id))


def _where(subs: Sequence[CuratedSub], insight_id: str | None, state: Curation) -> int:
    """The sub-theme holding a shown insight."""
    for n, sub in enumerate(subs):
        if insight_id in sub.insight_ids:
            return n
    raise CurationError("already_hidden" if insight_id in state.hidden else "unknown_insight", str(insight_id))


def _shown(subs: Sequence[CuratedSub], op: Op, state: Curation) -> tuple[int, str]:
    """The sub-theme showing the op's insight, and that insight's id."""
    if op.insight_id is None:
        raise CurationError("unknown_insight", str(None))
    return _where(subs, op.insight_id, state), op.insight_id


def _without(sub: CuratedSub, ids: set[str]) -> CuratedSub:
    kept = tuple(i for i in sub.insight_ids if i not in ids)
    pinned = sub.pinned and sub.quote not in ids
    return replace(sub, insight_ids=kept, pinned=pinned, quote=sub.quote if sub.quote not in ids else None)


def _tidy(state: Curation, subs: Sequence[CuratedSub], by_id: Mapping[str, HarvestInsight]) -> Curation:
    """Drop empty sub-themes and give each the quote it may show."""
    kept = []
    for sub in subs:
        if not sub.insight_ids:
            continue
        ok = sub.quote in sub.insight_ids and not by_id[sub.quote].do_not_quote
        if not ok:
            sub = replace(sub, quote=_best_quote(sub.insight_ids, by_id), pinned=False)
        kept.append(sub)
    return replace(state, subthemes=tuple(kept))


def _best_quote(ids: Sequence[str], by_id: Mapping[str, HarvestInsight]) -> str | None:
    """The quotable member that resonated most; the earliest placed wins a tie."""
    quotable = [(n, i) for n, i in enumerate(ids) if not by_id[i].do_not_quote]
    if not quotable:
        return None
    return max(quotable, key=lambda ni: (by_id[ni[1]].resonance, -ni[0]))[1]
