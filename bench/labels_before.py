"""The sub-theme labeller as it was before phrase labels, frozen so the bench can compare.

Distinctive stems and pairs of adjacent content stems, falling back to "X and Y"; stems
spelled by their most common surface. Kept only as a baseline for bench/harvest.py.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

from cafe.domain.harvest.grouping import STOPWORDS, stem
from cafe.domain.harvest.labels import short_text  # unchanged by phrase labels
from cafe.domain.harvest.words import prose
import itertools

_SURFACE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_WEAK = frozenset(stem(w) for w in """
able allow already another anyone believe better certain create easy everybody everyone example
feel good help keep kind know lead mean people person place provide put reason someone sure
take tell try part year""".split())


def _sentence_case(label: str) -> str:
    return label[:1].upper() + label[1:]


def _surfaces(texts: Sequence[str]) -> tuple[list[list[tuple[str, str]]], dict[str, Counter[str]]]:
    seqs: list[list[tuple[str, str]]] = []
    spellings: dict[str, Counter[str]] = {}
    for text in texts:
        seq: list[tuple[str, str]] = []
        for raw in _SURFACE.findall(prose(text)):
            word = raw.casefold().replace("’", "'")
            if word in STOPWORDS or len(word) < 3 or not word.replace("'", "").isalpha():
                seq.append(("", ""))
                continue
            key = stem(word)
            seq.append((key, word))
            spelled = raw if raw.isupper() and len(raw) > 1 else word.removesuffix("'s")
            spellings.setdefault(key, Counter())[spelled] += 1
        seqs.append(seq)
    return seqs, spellings


def _doc_freq(seqs: Sequence[Sequence[tuple[str, str]]]) -> tuple[Counter[str], Counter[str]]:
    uni: Counter[str] = Counter()
    pairs: Counter[str] = Counter()
    for seq in seqs:
        uni.update({s for s, _ in seq if s})
        pairs.update({f"{a} {b}" for (a, _), (b, _) in itertools.pairwise(seq) if a and b and a != b})
    return uni, pairs


def label_before(texts: Sequence[str], others: Sequence[str] = ()) -> str:
    """The old label of a group, given the rest of its theme."""
    texts = [t for t in texts if t.strip()]
    if not texts:
        return "Other"
    if len(texts) == 1:
        return short_text(texts[0])
    other_uni, other_pairs = _doc_freq(_surfaces(others)[0]) if others else (Counter(), Counter())
    seqs, spellings = _surfaces(texts)
    uni, pairs = _doc_freq(seqs)
    n_others = len(others)
    total = len(texts) + n_others

    def score(dfg: int, dfo: int) -> float:
        share = dfg / len(texts)
        lift = share / ((dfo + 1) / (n_others + 1)) if n_others else 1.0
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
        return _sentence_case(" ".join(spell(s) for s in beside.most_common(1)[0][0].split()))
    second = next((key for key in heads[1:3]
                   if score(uni[key], other_uni[key]) >= 0.5 * top and uni[key] >= 2), None)
    if second is not None:
        return _sentence_case(f"{spell(first)} and {spell(second)}")

    def weight(seq: Sequence[tuple[str, str]]) -> float:
        return sum(score(uni[k], other_uni[k]) for k in {k for k, _ in seq if k})
    best = max(range(len(texts)), key=lambda i: (weight(seqs[i]), -i))
    fuller = short_text(texts[best])
    return fuller if len(fuller.split()) >= 2 else _sentence_case(spell(first))


def _extend(pair: list[str], seqs: Sequence[Sequence[tuple[str, str]]], count: int) -> list[str]:
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
