"""The harvest: each theme's insights grouped into labelled sub-themes, with quotes and voices."""
from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from cafe.domain.grouping import (
    STOPWORDS, Vector, centroid, cosine, group_texts, stem, tokens, vectorize,
)
from cafe.domain.perspective import PERSPECTIVES

NOT_GIVEN = "not_given"
FALLBACK_LABEL = "Other"
_SENTENCE_END = re.compile(r"[.!?;:\n]")
_SURFACE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


@dataclass(frozen=True)
class HarvestInsight:
    """One insight as the harvest sees it."""

    id: str
    theme: str
    table: int
    round: int
    text: str
    perspective: str | None
    resonance: int
    do_not_quote: bool = False


@dataclass(frozen=True)
class Subtheme:
    """A group of insights on one idea, most resonating first, with a quote that may be shown."""

    label: str
    insight_ids: tuple[str, ...]
    quote: str | None


@dataclass(frozen=True)
class ThemeHarvest:
    """What a theme's conversations produced, ready to show on the wall or export."""

    theme: str
    insight_count: int
    subthemes: tuple[Subtheme, ...]
    top_insight_ids: tuple[str, ...]
    perspectives: dict[str, int]


def short_text(text: str, max_words: int = 5) -> str:
    """A few words from the start of a text, trimmed of filler at both ends."""
    first = _SENTENCE_END.split(text.strip(), maxsplit=1)[0] or text
    found = _SURFACE.findall(first) or _SURFACE.findall(text)
    picked = found
    while picked and picked[0].casefold() in STOPWORDS:
        picked = picked[1:]
    picked = picked[:max_words]
    while picked and picked[-1].casefold() in STOPWORDS:
        picked = picked[:-1]
    picked = picked or found[:max_words]
    if not picked:
        return FALLBACK_LABEL
    return _sentence_case(" ".join(picked))


def _sentence_case(label: str) -> str:
    return label[:1].upper() + label[1:]


def _surfaces(texts: Sequence[str]) -> tuple[list[list[tuple[str, str]]], dict[str, Counter[str]]]:
    """Per text, its content words as (stem, surface); and every stem's surface spellings."""
    seqs: list[list[tuple[str, str]]] = []
    spellings: dict[str, Counter[str]] = {}
    for text in texts:
        seq = []
        for raw in _SURFACE.findall(text):
            word = raw.casefold().replace("’", "'")
            if word in STOPWORDS or len(word) < 3 or not word.replace("'", "").isalpha():
                seq.append(("", ""))  # a break, so pairs only join words that stood together
                continue
            key = stem(word)
            seq.append((key, word))
            # keep acronyms as written, everything else lower case
            spellings.setdefault(key, Counter())[raw if raw.isupper() and len(raw) > 1
                                                 else word.removesuffix("'s")] += 1
        seqs.append(seq)
    return seqs, spellings


def _doc_freq(seqs: Sequence[Sequence[tuple[str, str]]]) -> tuple[Counter[str], Counter[str]]:
    uni: Counter[str] = Counter()
    pairs: Counter[str] = Counter()
    for seq in seqs:
        uni.update({s for s, _ in seq if s})
        pairs.update({f"{a} {b}" for (a, _), (b, _) in zip(seq, seq[1:]) if a and b and a != b})
    return uni, pairs


def label_for(texts: Sequence[str], others: Sequence[str] = ()) -> str:
    """Two or three words a person might write for a group: its words most distinctive vs the rest."""
    texts = [t for t in texts if t.strip()]
    if not texts:
        return FALLBACK_LABEL
    if len(texts) == 1:
        return short_text(texts[0])
    seqs, spellings = _surfaces(texts)
    uni, pairs = _doc_freq(seqs)
    other_uni, other_pairs = _doc_freq(_surfaces(others)[0]) if others else (Counter(), Counter())
    total = len(texts) + len(others)

    def score(dfg: int, dfo: int) -> float:
        # common in the group and rare overall (IDF), and more common here than elsewhere (lift)
        share = dfg / len(texts)
        lift = share / ((dfo + 1) / (len(others) + 1)) if others else 1.0
        return share * math.log((total + 1) / (dfg + dfo + 0.5)) * min(lift, 4.0) ** 0.5

    ranked = sorted(uni, key=lambda s: (-score(uni[s], other_uni[s]), -uni[s], s))
    if not ranked:
        return short_text(texts[0])

    def spell(key: str) -> str:
        return spellings[key].most_common(1)[0][0]

    best_pair = max(pairs, key=lambda p: (score(pairs[p], other_pairs[p]), p), default=None)
    top = score(uni[ranked[0]], other_uni[ranked[0]])
    if best_pair and pairs[best_pair] >= 2 and score(pairs[best_pair], other_pairs[best_pair]) >= 0.6 * top:
        phrase = [spell(s) for s in best_pair.split()]
        return _sentence_case(" ".join(phrase))
    picked = [ranked[0]]
    for key in ranked[1:3]:
        if score(uni[key], other_uni[key]) >= 0.5 * top and uni[key] >= 2:
            picked.append(key)
    return _sentence_case(", ".join(spell(s) for s in picked))


def _quote(members: Sequence[int], insights: Sequence[HarvestInsight],
           vectors: Sequence[Vector]) -> str | None:
    """The quotable insight nearest the group's centre; resonance, then order, break ties."""
    quotable = [i for i in members if not insights[i].do_not_quote]
    if not quotable:
        return None
    centre = centroid([vectors[i] for i in members])
    best = max(quotable, key=lambda i: (round(cosine(vectors[i], centre), 2), insights[i].resonance, -i))
    return insights[best].id


def _theme_harvest(theme: str, insights: Sequence[HarvestInsight]) -> ThemeHarvest:
    texts = [ins.text for ins in insights]
    vectors = vectorize([tokens(t) for t in texts])
    groups = group_texts(texts)
    groups.sort(key=lambda g: (-len(g), -sum(insights[i].resonance for i in g), min(g)))
    subthemes: list[Subtheme] = []
    seen: set[str] = set()
    for members in groups:
        inside = set(members)
        label = label_for([texts[i] for i in members],
                          [texts[i] for i in range(len(texts)) if i not in inside])
        quote = _quote(members, insights, vectors)
        if label in seen:
            stand_in = next((ins for ins in insights if ins.id == quote), insights[members[0]])
            label = short_text(stand_in.text)
        seen.add(label)
        ordered = sorted(members, key=lambda i: (-insights[i].resonance, i))
        subthemes.append(Subtheme(label, tuple(insights[i].id for i in ordered), quote))
    top = sorted((i for i, ins in enumerate(insights) if ins.resonance > 0 and not ins.do_not_quote),
                 key=lambda i: (-insights[i].resonance, i))[:3]
    return ThemeHarvest(theme, len(insights), tuple(subthemes),
                        tuple(insights[i].id for i in top), count_perspectives(insights))


def count_perspectives(insights: Sequence[HarvestInsight]) -> dict[str, int]:
    """Insights per perspective, known keys in form order, then others, then not given."""
    counts = Counter(ins.perspective or NOT_GIVEN for ins in insights)
    order = [p for p in PERSPECTIVES if p in counts]
    order += sorted(p for p in counts if p not in PERSPECTIVES and p != NOT_GIVEN)
    order += [NOT_GIVEN] if NOT_GIVEN in counts else []
    return {p: counts[p] for p in order}


def build_harvest(insights: Sequence[HarvestInsight], themes: Sequence[str]) -> tuple[ThemeHarvest, ...]:
    """One harvest per theme in the given order, then any themes only the insights name."""
    by_theme: dict[str, list[HarvestInsight]] = {t: [] for t in themes}
    for ins in insights:
        by_theme.setdefault(ins.theme, []).append(ins)
    return tuple(_theme_harvest(theme, items) for theme, items in by_theme.items())
