"""Grouping short texts by shared vocabulary: TF-IDF vectors, average-link consensus clustering."""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence

from cafe.domain.words import STOPWORDS, stem, tokens, words

__all__ = ["STOPWORDS", "Vector", "WordVectors", "centroid", "cosine", "group_texts", "stem",
           "tokens", "vectorize", "words"]

Vector = dict[str, float]
# Optional word embeddings: a vector for each word asked about (see cafe.harvest_cli for one).
WordVectors = Callable[[Sequence[str]], Sequence[Sequence[float]]]
# Above this size the full similarity matrix costs too much; cluster a spread sample instead.
SAMPLE_CAP = 400
# Two words count as related when their embeddings' cosine reaches this.
RELATED = 0.5


def vectorize(token_lists: Sequence[Sequence[str]]) -> list[Vector]:
    """Unit-length TF-IDF vectors; terms seen in only one text are dropped as they link nothing."""
    bags = [Counter(toks) for toks in token_lists]
    n = len(bags)
    df: Counter[str] = Counter(t for bag in bags for t in bag)
    idf = {t: math.log((n + 1) / (d + 1)) + 1.0 for t, d in df.items() if d > 1}
    vectors = []
    for bag in bags:
        vec = {t: (1.0 + math.log(c)) * idf[t] for t, c in bag.items() if t in idf}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        vectors.append({t: v / norm for t, v in vec.items()})
    return vectors


def cosine(a: Vector, b: Vector) -> float:
    """Dot product of two unit vectors."""
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(f, 0.0) for f, v in a.items())


def centroid(vectors: Sequence[Vector]) -> Vector:
    """Unit-length mean of vectors."""
    total: dict[str, float] = {}
    for vec in vectors:
        for f, v in vec.items():
            total[f] = total.get(f, 0.0) + v
    norm = math.sqrt(sum(v * v for v in total.values())) or 1.0
    return {f: v / norm for f, v in total.items()}


def similarity_matrix(vectors: Sequence[Vector]) -> list[list[float]]:
    """All pairwise cosines, via an inverted index so sparse texts cost little."""
    n = len(vectors)
    postings: dict[str, list[tuple[int, float]]] = {}
    for i, vec in enumerate(vectors):
        for f, v in vec.items():
            postings.setdefault(f, []).append((i, v))
    sim = [[0.0] * n for _ in range(n)]
    for plist in postings.values():
        for x, (i, vi) in enumerate(plist):
            row = sim[i]
            for j, vj in plist[x + 1:]:
                row[j] += vi * vj
    for i in range(n):
        sim[i][i] = 1.0
        for j in range(i + 1, n):
            sim[j][i] = sim[i][j]
    return sim


def average_link(sim: Sequence[Sequence[float]]) -> list[tuple[float, int, int]]:
    """Average-link merges (similarity, a, b), most similar first, by the nearest-neighbour chain."""
    n = len(sim)
    neg = float("-inf")
    rows: list[list[float] | None] = [list(r) for r in sim]
    for i in range(n):
        rows[i][i] = neg  # type: ignore[index]
    size = [1] * n
    alive = list(range(n))
    merges: list[tuple[float, int, int]] = []
    chain: list[int] = []
    while len(alive) > 1:
        if not chain:
            chain.append(alive[0])
        a = chain[-1]
        row = rows[a]
        best = max(row)  # type: ignore[arg-type]
        b = chain[-2] if len(chain) > 1 and row[chain[-2]] == best else row.index(best)  # type: ignore
        if len(chain) < 2 or b != chain[-2]:
            chain.append(b)
            continue
        chain.pop(), chain.pop()
        a, b = min(a, b), max(a, b)
        merges.append((best, a, b))
        na, nb = size[a], size[b]
        new = [(na * x + nb * y) / (na + nb) for x, y in zip(rows[a], rows[b])]  # type: ignore
        new[a] = new[b] = neg
        rows[a], rows[b] = new, None
        size[a] += nb
        alive.remove(b)
        for c in alive:
            rows[c][a] = new[c]  # type: ignore[index]
            rows[c][b] = neg  # type: ignore[index]
    merges.sort(key=lambda m: -m[0])
    return merges


def cut(n: int, merges: Sequence[tuple[float, int, int]], k: int) -> list[list[int]]:
    """Clusters left after applying merges until k remain, each listed in index order."""
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for _, a, b in merges[: max(0, n - k)]:
        ra, rb = find(a), find(b)
        parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())


def co_association(n: int, partitions: Sequence[Sequence[Sequence[int]]]) -> list[list[float]]:
    """Share of partitions in which each pair of items sits in the same cluster."""
    member_rows: list[list[list[int]]] = [[] for _ in range(n)]
    for partition in partitions:
        for members in partition:
            row = [0] * n
            for i in members:
                row[i] = 1
            for i in members:
                member_rows[i].append(row)
    share = 1.0 / len(partitions)
    return [[c * share for c in map(sum, zip(*rows))] for rows in member_rows]


def choose_k(n: int, merges: Sequence[tuple[float, int, int]]) -> int:
    """How many groups: halfway between a size prior and the clear clusters the tree shows."""
    # A café table's harvest reads best with about sqrt(n)/2 sub-themes (50 insights -> 4).
    prior = max(1, math.floor(math.sqrt(n) / 2 + 0.5))
    # Clear clusters: those big enough to matter when the tree is cut generously.
    generous = cut(n, merges, min(n, math.ceil(math.sqrt(n)) + 1))
    clear = sum(1 for g in generous if len(g) >= max(2.0, 0.07 * n))
    k = math.floor((prior + max(1, clear)) / 2 + 0.5)
    # Groups sharing no word at all with each other are kept apart whatever the prior says.
    apart = sum(1 for g in cut(n, [m for m in merges if m[0] > 0.0], 1) if len(g) >= 2)
    return max(1, min(n, math.ceil(math.sqrt(n)) + 1, max(k, apart)))


def refine(vectors: Sequence[Vector], groups: list[list[int]], rounds: int = 3) -> list[list[int]]:
    """A few rounds of spherical k-means from a partition; never changes the number of groups."""
    k = len(groups)
    label = [0] * len(vectors)
    for g, members in enumerate(groups):
        for i in members:
            label[i] = g
    for _ in range(rounds):
        members_of: list[list[Vector]] = [[] for _ in range(k)]
        for i, g in enumerate(label):
            members_of[g].append(vectors[i])
        cents = [centroid(m) for m in members_of]
        new = []
        for i, vec in enumerate(vectors):
            scores = [cosine(vec, c) for c in cents]
            best = max(scores)
            # ties (an empty vector scores 0 everywhere) stay put rather than drift to group 0
            new.append(label[i] if scores[label[i]] >= best else scores.index(best))
        for g in set(range(k)) - set(new):
            donor = Counter(new).most_common(1)[0][0]
            loner = min((i for i, d in enumerate(new) if d == donor),
                        key=lambda i: cosine(vectors[i], cents[donor]))
            new[loner] = g
        if new == label:
            break
        label = new
    out: list[list[int]] = [[] for _ in range(k)]
    for i, g in enumerate(label):
        out[g].append(i)
    return out


def _nearest(vectors: Sequence[Vector], groups: list[list[int]]) -> list[list[int]]:
    """Add every item not yet in a group to the group with the closest centroid."""
    taken = {i for g in groups for i in g}
    cents = [centroid([vectors[i] for i in g]) for g in groups]
    out = [list(g) for g in groups]
    for i, vec in enumerate(vectors):
        if i not in taken:
            scores = [(cosine(vec, c), len(g)) for c, g in zip(cents, groups)]
            out[scores.index(max(scores))].append(i)
    return out


def related_similarity(texts: Sequence[str], vectors: Sequence[Vector],
                       word_vectors: WordVectors) -> list[list[float]]:
    """Soft cosine: texts also meet through related words (fees/cost), not only shared ones."""
    import numpy as np  # only with the optional embeddings, which bring numpy

    spelling: dict[str, Counter[str]] = {}
    for text in texts:
        for word in words(text):
            spelling.setdefault(stem(word), Counter())[word] += 1
    feats = sorted({f for vec in vectors for f in vec})
    if not feats:
        return [[1.0 if i == j else 0.0 for j in range(len(texts))] for i in range(len(texts))]
    index = {f: c for c, f in enumerate(feats)}
    emb = np.asarray(word_vectors([spelling[f].most_common(1)[0][0] if f in spelling else f
                                   for f in feats]), dtype=float)
    emb /= np.maximum(np.linalg.norm(emb, axis=1, keepdims=True), 1e-12)
    related = emb @ emb.T
    related[related < RELATED] = 0.0
    np.fill_diagonal(related, 1.0)
    bag = np.zeros((len(vectors), len(feats)))
    for row, vec in enumerate(vectors):
        for f, v in vec.items():
            bag[row, index[f]] = v
    soft = bag @ related
    soft /= np.maximum(np.linalg.norm(soft, axis=1, keepdims=True), 1e-12)
    sim = soft @ soft.T
    np.fill_diagonal(sim, 1.0)
    return sim.tolist()


def group_texts(texts: Sequence[str], k: int | None = None,
                word_vectors: WordVectors | None = None) -> list[list[int]]:
    """Clusters of indices into texts, every index once; exactly min(k, n) clusters when k is given.

    With word vectors, a fourth view lets texts meet through related words as well."""
    n = len(texts)
    if n == 0:
        return []
    k = None if k is None else max(1, min(k, n))
    if n == 1 or k == 1:
        return [list(range(n))]
    stems = [tokens(t) for t in texts]
    # Three views of the same words; cut stems catch families the light stemmer misses.
    views = [vectorize(stems)] + [vectorize([[s[:p] for s in toks] for toks in stems])
                                  for p in (5, 7)]
    # Texts sharing no word with any other would only be placed by ties; they join the largest
    # group afterwards instead of bending the tree.
    core = [i for i in range(n) if views[0][i]]
    if len(core) < max(2, k or 2):
        core = list(range(n))
    cap = max(SAMPLE_CAP, k or 0)
    sample = core if len(core) <= cap else [core[i * len(core) // cap] for i in range(cap)]
    m = len(sample)
    sims = [similarity_matrix([view[i] for i in sample]) for view in views]
    trees = [average_link(sim) for sim in sims]
    if k is None:
        k = choose_k(m, trees[0])
        if k == 1:
            return [list(range(n))]
    if word_vectors is not None:
        trees.append(average_link(related_similarity([texts[i] for i in sample],
                                                     [views[0][i] for i in sample], word_vectors)))
    # Consensus over views and nearby cuts steadies the noisy similarities of short texts.
    agreement = co_association(m, [cut(m, tree, min(m, k + extra))
                                    for tree in trees for extra in (0, 1, 2)])
    groups = [[sample[i] for i in g] for g in cut(m, average_link(agreement), k)]
    groups = refine(views[0], _nearest(views[0], groups))
    groups = [sorted(g) for g in groups]
    return sorted(groups, key=lambda g: (-len(g), g[0]))
