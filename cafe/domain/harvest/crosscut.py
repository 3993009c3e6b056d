"""Cross-cutting patterns: sub-themes that recur under two or more themes (or groups).

Each sub-theme is described by what sets it apart within its own theme: the centroid of its
insights' TF-IDF vectors less the centroid of the whole theme (positive part), so the words every table of a
theme uses (its topic) do not make its sub-themes look alike elsewhere. Two sub-themes of
different themes are the same pattern when they carry the same label or when those
descriptions point the same way (cosine >= SAME_PATTERN). A pattern is a connected set of
such sub-themes that spans at least two themes.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cafe.domain.harvest.grouping import Vector, centroid, cosine, tokens, vectorize
from cafe.domain.harvest.themes import label_for

SAME_PATTERN = 0.4


@dataclass(frozen=True)
class Pattern:
    """One idea heard under several themes: its label, the themes, and (theme, index) sub-themes."""

    label: str
    groups: tuple[str, ...]
    members: tuple[tuple[str, int], ...]


def _apart(sub: Vector, whole: Vector) -> Vector:
    # only what the sub-theme has more of: sharing what two sub-themes both lack is no pattern
    diff = {f: v - whole.get(f, 0.0) for f, v in sub.items() if v > whole.get(f, 0.0)}
    norm = math.sqrt(sum(v * v for v in diff.values())) or 1.0
    return {f: v / norm for f, v in diff.items()}


def crosscutting(themes: Mapping[str, Sequence[tuple[str, Sequence[str]]]]) -> list[Pattern]:
    """Patterns across themes, given each theme's sub-themes as (label, texts); widest first."""
    keys: list[tuple[str, int]] = []
    texts: list[list[str]] = []
    for theme, subs in themes.items():
        for index, (_, members) in enumerate(subs):
            keys.append((theme, index))
            texts.append(list(members))
    flat = [t for members in texts for t in members]
    vectors = vectorize([tokens(t) for t in flat])
    own: list[Vector] = []
    by_theme: dict[str, list[Vector]] = {theme: [] for theme in themes}
    start = 0
    for (theme, _), members in zip(keys, texts, strict=False):
        own.append(centroid(vectors[start:start + len(members)]))
        by_theme[theme].extend(vectors[start:start + len(members)])
        start += len(members)
    whole = {theme: centroid(found) for theme, found in by_theme.items()}
    apart = [_apart(vec, whole[theme]) for (theme, _), vec in zip(keys, own, strict=False)]
    labels = [themes[t][i][0].casefold() for t, i in keys]
    parent = list(range(len(keys)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a in range(len(keys)):
        for b in range(a + 1, len(keys)):
            if keys[a][0] != keys[b][0] and (labels[a] == labels[b]
                                             or cosine(apart[a], apart[b]) >= SAME_PATTERN):
                parent[find(b)] = find(a)
    sets: dict[int, list[int]] = {}
    for i in range(len(keys)):
        sets.setdefault(find(i), []).append(i)
    patterns = []
    for indices in sets.values():
        groups = tuple(dict.fromkeys(keys[i][0] for i in indices))
        if len(groups) < 2:
            continue
        inside = [t for i in indices for t in texts[i]]
        inside_keys = set(indices)
        outside = [t for i in range(len(keys)) if i not in inside_keys for t in texts[i]]
        patterns.append(Pattern(label_for(inside, outside), groups, tuple(keys[i] for i in indices)))
    patterns.sort(key=lambda p: (-len(p.groups), -len(p.members), p.members))
    return patterns
