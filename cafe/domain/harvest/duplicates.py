"""Near-duplicate insights: texts that say the same thing in (almost) the same words."""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from cafe.domain.harvest.words import tokens, words

# Share of their distinct content words two texts must have in common (Jaccard) to be one voice.
SAME = 0.8


def _key(text: str) -> frozenset[str]:
    found = frozenset(tokens(text))
    return found or frozenset(words(text))


def near_duplicates(texts: Sequence[str]) -> list[list[int]]:
    """Sets of two or more indices whose texts are near-identical, each in index order, by first index.

    Candidates meet by prefix filtering (rarest words first), so a theme of thousands stays quick."""
    keys = [_key(t) for t in texts]
    df = Counter(w for key in keys for w in key)
    order = [sorted(key, key=lambda w: (df[w], w)) for key in keys]
    parent = list(range(len(texts)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    seen: dict[str, list[int]] = {}
    for i, ws in enumerate(order):
        if not ws:
            continue
        # two sets with Jaccard >= SAME share a word among each one's first len - ceil(SAME*len) + 1
        prefix = ws[: len(ws) - math.ceil(SAME * len(ws)) + 1]
        met: set[int] = set()
        for w in prefix:
            met.update(seen.setdefault(w, []))
            seen[w].append(i)
        for j in met:
            a, b = keys[i], keys[j]
            if len(a & b) >= SAME * len(a | b):
                ri, rj = find(i), find(j)
                parent[max(ri, rj)] = min(ri, rj)
    sets: dict[int, list[int]] = {}
    for i in range(len(texts)):
        sets.setdefault(find(i), []).append(i)
    return sorted((s for s in sets.values() if len(s) > 1), key=lambda s: s[0])
