"""The harvest: each theme's insights grouped into labelled sub-themes, with quotes and voices."""
from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from cafe.domain.grouping import (
    STOPWORDS, Vector, WordVectors, centroid, cosine, group_texts, stem, tokens, vectorize,
)
from cafe.domain.duplicates import near_duplicates
from cafe.domain.words import prose
from cafe.domain.perspective import PERSPECTIVES

NOT_GIVEN = "not_given"
FALLBACK_LABEL = "Other"
_SENTENCE_END = re.compile(r"[.!?;:\n]")
_SURFACE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# General words that carry no idea on their own; fine inside a phrase, never a label's head.
_WEAK = frozenset(stem(w) for w in """
able allow already another anyone believe better certain create easy everybody everyone example
feel good help keep kind know lead mean people person place provide put reason someone sure
take tell try part year""".split())


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
    # Insights that say the same thing, each set in insight_ids' order: the first is the one shown.
    duplicates: tuple[tuple[str, ...], ...] = ()


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
    text = prose(text)
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
        seq, spelled = _surface(text)
        seqs.append(list(seq))
        for key, word in spelled:
            spellings.setdefault(key, Counter())[word] += 1
    return seqs, spellings


@functools.lru_cache(maxsize=16384)
def _surface(text: str) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    """One text's (stem, surface) sequence and its (stem, spelling) pairs; cached as a theme's
    texts are read again for each group's label."""
    seq: list[tuple[str, str]] = []
    spelled: list[tuple[str, str]] = []
    for raw in _SURFACE.findall(prose(text)):
        word = raw.casefold().replace("’", "'")
        if word in STOPWORDS or len(word) < 3 or not word.replace("'", "").isalpha():
            seq.append(("", ""))  # a break, so pairs only join words that stood together
            continue
        key = stem(word)
        seq.append((key, word))
        # keep acronyms as written, everything else lower case
        spelled.append((key, raw if raw.isupper() and len(raw) > 1 else word.removesuffix("'s")))
    return tuple(seq), tuple(spelled)


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
    other_uni, other_pairs = _doc_freq(_surfaces(others)[0]) if others else (Counter(), Counter())
    return _label(texts, other_uni, other_pairs, len(others))


def _label(texts: Sequence[str], other_uni: Counter[str], other_pairs: Counter[str], others: int) -> str:
    """label_for, given how many of the other texts hold each word and word pair."""
    seqs, spellings = _surfaces(texts)
    uni, pairs = _doc_freq(seqs)
    total = len(texts) + others

    def score(dfg: int, dfo: int) -> float:
        # common in the group and rare overall (IDF), and more common here than elsewhere (lift)
        share = dfg / len(texts)
        lift = share / ((dfo + 1) / (others + 1)) if others else 1.0
        return share * math.log((total + 1) / (dfg + dfo + 0.5)) * min(lift, 4.0) ** 0.5

    ranked = sorted(uni, key=lambda s: (-score(uni[s], other_uni[s]), -uni[s], s))
    if not ranked:
        return short_text(texts[0])

    def spell(key: str) -> str:
        return spellings[key].most_common(1)[0][0]

    best_pair = max(pairs, key=lambda p: (score(pairs[p], other_pairs[p]), p), default=None)
    top = score(uni[ranked[0]], other_uni[ranked[0]])
    if best_pair and pairs[best_pair] >= 2 and score(pairs[best_pair], other_pairs[best_pair]) >= 0.45 * top:
        return _sentence_case(" ".join(spell(s) for s in _extend(best_pair.split(), seqs, pairs[best_pair])))
    heads = [key for key in ranked if key not in _WEAK] or ranked
    first = heads[0]
    beside = Counter({p: c for p, c in pairs.items() if first in p.split() and c >= 2})
    if beside:
        # the word people most often wrote next to the group's word makes it a phrase
        return _sentence_case(" ".join(spell(s) for s in beside.most_common(1)[0][0].split()))
    second = next((key for key in heads[1:3]
                   if score(uni[key], other_uni[key]) >= 0.5 * top and uni[key] >= 2), None)
    if second is not None:
        return _sentence_case(f"{spell(first)} and {spell(second)}")
    # Nothing the members share makes a phrase (two words side by side once, spelled from other
    # texts, read as nonsense: "Changed takes"). A short form of the member that carries most of
    # the group's distinctive words says more than a lone word, which is a tag, not a label.
    def weight(seq: Sequence[tuple[str, str]]) -> float:
        return sum(score(uni[k], other_uni[k]) for k in {k for k, _ in seq if k})
    best = max(range(len(texts)), key=lambda i: (weight(seqs[i]), -i))
    fuller = short_text(texts[best])
    return fuller if len(fuller.split()) >= 2 else _sentence_case(spell(first))


def _extend(pair: list[str], seqs: Sequence[Sequence[tuple[str, str]]], count: int) -> list[str]:
    """A pair grown to three words when most texts using it use the same third word with it."""
    around: Counter[tuple[str, ...]] = Counter()
    for seq in seqs:
        keys = [k for k, _ in seq]
        found = set()
        for i in range(len(keys) - 1):
            if keys[i:i + 2] == pair:
                if i > 0 and keys[i - 1]:
                    found.add((keys[i - 1], *pair))
                if i + 2 < len(keys) and keys[i + 2]:
                    found.add((*pair, keys[i + 2]))
        around.update(found)
    best = max(around.items(), key=lambda kv: (kv[1], kv[0]), default=None)
    return list(best[0]) if best and best[1] >= max(2, 0.8 * count) else pair


def _quote(members: Sequence[int], insights: Sequence[HarvestInsight],
           vectors: Sequence[Vector]) -> str | None:
    """The quotable insight nearest the group's centre; resonance, then order, break ties."""
    quotable = [i for i in members if not insights[i].do_not_quote]
    if not quotable:
        return None
    centre = centroid([vectors[i] for i in members])
    best = max(quotable, key=lambda i: (round(cosine(vectors[i], centre), 2), insights[i].resonance, -i))
    return insights[best].id


def _theme_harvest(theme: str, insights: Sequence[HarvestInsight], k: int | None,
                   word_vectors: WordVectors | None) -> ThemeHarvest:
    texts = [ins.text for ins in insights]
    vectors = vectorize([tokens(t) for t in texts])
    groups = group_texts(texts, k, word_vectors)
    groups.sort(key=lambda g: (-len(g), -sum(insights[i].resonance for i in g), min(g)))
    subthemes: list[Subtheme] = []
    seen: set[str] = set()
    # word counts over the whole theme once; each group's 'others' is the whole minus the group
    all_uni, all_pairs = _doc_freq(_surfaces(texts)[0])
    for members in groups:
        inside = [texts[i] for i in members if texts[i].strip()]
        if len(inside) <= 1 or len(groups) == 1:
            label = label_for(inside)
        else:
            uni, pairs = _doc_freq(_surfaces(inside)[0])
            label = _label(inside, all_uni - uni, all_pairs - pairs, len(texts) - len(members))
        quote = _quote(members, insights, vectors)
        if label in seen:
            stand_in = next((ins for ins in insights if ins.id == quote), insights[members[0]])
            label = short_text(stand_in.text)
        seen.add(label)
        ordered = sorted(members, key=lambda i: (-insights[i].resonance, i))
        same = tuple(tuple(insights[ordered[j]].id for j in found)
                     for found in near_duplicates([texts[i] for i in ordered]))
        subthemes.append(Subtheme(label, tuple(insights[i].id for i in ordered), quote, same))
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


def build_harvest(insights: Sequence[HarvestInsight], themes: Sequence[str], *, k: int | None = None,
                  word_vectors: WordVectors | None = None) -> tuple[ThemeHarvest, ...]:
    """One harvest per theme in the given order, then any themes only the insights name.

    k asks for that many sub-themes in every theme; word vectors, when given, help grouping."""
    by_theme: dict[str, list[HarvestInsight]] = {t: [] for t in themes}
    for ins in insights:
        by_theme.setdefault(ins.theme, []).append(ins)
    return tuple(_theme_harvest(theme, items, k, word_vectors) for theme, items in by_theme.items())
