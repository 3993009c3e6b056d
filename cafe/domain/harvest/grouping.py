"""Grouping short texts: average-link consensus over word views, then k-means on words and embeddings."""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from cafe.domain.harvest import clusters
from cafe.domain.harvest.words import STOPWORDS, prose, stem, tokens, words

__all__ = ["STOPWORDS", "Vector", "WordVectors", "centroid", "cosine", "evenness", "group_texts", "own_count",
           "stem", "tokens", "vectorize", "words"]

Vector = dict[str, float]
# Optional embeddings: a vector for each word or text asked about (see cafe.wordvectors).
WordVectors = Callable[[Sequence[str]], Sequence[Sequence[float]]]
# Above this size the full similarity matrix costs too much; cluster a spread sample instead.
SAMPLE_CAP = 400
# Sub-themes per ln(insights) when the tool chooses; 1 is the parameter-free choice, and
# bench/harvest.py checks it by picking the scale on one half of the topics and scoring the other.
COUNT_SCALE = 1.0
# Smooth inverse frequency (Arora et al. 2017, their default): a word's weight in a text's
# embedding is SIF / (SIF + its share of the theme's words), so words every text uses fade.
SIF = 1e-3
# The own count moves from ln n by EVEN_SLOPE * (evenness - EVEN_CENTRE), rounded, at most one
# either way: evenness is that of the groups found at the ln n count and its two neighbours.
# Fitted on the development tables (ArgKP): the centre is their mean evenness, so on average the
# count stays ln n, the slope least squares of (true count - ln n) on evenness; bench/harvest.py
# refits both on one part of the topics and scores the count on the others.
EVEN_SLOPE = 3.5
EVEN_CENTRE = 0.78


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


def choose_k(n: int, merges: Sequence[tuple[float, int, int]], total: int | None = None,
             evenness: float | None = None) -> int:
    """How many groups: about ln(total), one more or fewer as the groups come out even or not, and
    more only where groups share no word at all.

    merges form a tree over n texts, a sample of the total (all of them unless given); evenness is
    that of the groups found about that count (see `evenness`), unknown unless given."""
    # Themes grow slowly with the number of insights: new ideas appear like new tables in a
    # Chinese-restaurant process (about ln n of them), the one-off remarks joining a neighbour.
    # Structure criteria (silhouette, gap statistic, eigengap, clear tree cuts, stability under
    # resampling, agreement between views) gave no count signal in short opinions that held on
    # unseen topics; bench/harvest.py cross-validates the scale.
    scaled = math.log(max(total or n, 1)) * COUNT_SCALE
    prior = max(1, math.floor(scaled + 0.5))
    if evenness is not None:
        # the one signal that held in cross-validation: where the groups about ln n come out even
        # the table holds more distinct ideas, where one group takes most of it fewer
        shifted = math.floor(scaled + EVEN_SLOPE * (evenness - EVEN_CENTRE) + 0.5)
        prior = max(1, prior - 1, min(prior + 1, shifted))
    # Groups sharing no word at all with each other are kept apart whatever the prior says.
    apart = sum(1 for g in cut(n, [m for m in merges if m[0] > 0.0], 1) if len(g) >= 2)
    return max(1, min(n, math.ceil(math.sqrt(n)) + 1, max(prior, apart)))


def evenness(labels: np.ndarray) -> float:
    """How evenly texts spread over the groups: exp(entropy of group shares) / groups, in (0, 1]."""
    sizes = np.bincount(labels)
    shares = sizes[sizes > 0] / len(labels)
    return float(math.exp(-(shares * np.log(shares)).sum()) / len(shares))


def _agreement(n: int, partitions: Sequence[Sequence[Sequence[int]]]) -> np.ndarray:
    """Share of partitions in which each pair of items sits in the same cluster."""
    together = np.zeros((n, n))
    for partition in partitions:
        label = np.empty(n, dtype=int)
        for g, members in enumerate(partition):
            label[members] = g
        together += label[:, None] == label[None, :]
    return together / len(partitions)


@dataclass(frozen=True)
class _Prepared:
    """What grouping reads whatever the count: a spread sample, its trees, the texts as vectors."""

    n: int
    sample: np.ndarray
    trees: list[list[tuple[float, int, int]]]
    texts: clusters.Texts
    mixed: clusters.Texts


def group_texts(texts: Sequence[str], k: int | None = None,
                word_vectors: WordVectors | None = None) -> list[list[int]]:
    """Clusters of indices into texts, every index once; exactly min(k, n) clusters when k is given.

    Word vectors (see cafe.wordvectors), when given, embed each whole text as a further view."""
    n = len(texts)
    if n == 0:
        return []
    k = None if k is None else max(1, min(k, n))
    if n == 1 or k == 1:
        return [list(range(n))]
    prep = _prepare(texts, k, word_vectors)
    if k is None:
        k, labels, _ = _own_count(prep)
        if k == 1:
            return [list(range(n))]
    else:
        labels = _partition(prep, k)
    groups = [np.flatnonzero(labels == g).tolist() for g in range(k)]
    return sorted((g for g in groups if g), key=lambda g: (-len(g), g[0]))


def own_count(texts: Sequence[str], word_vectors: WordVectors | None = None) -> tuple[int, float | None]:
    """The count group_texts chooses for texts, and the evenness it read (None: not read)."""
    if len(texts) < 2:
        return len(texts), None
    k, _, even = _own_count(_prepare(texts, None, word_vectors))
    return k, even


def _own_count(prep: _Prepared) -> tuple[int, np.ndarray, float | None]:
    """The count chosen, its groups' labels and the evenness read: ln n, moved by the evenness of
    the groups about it."""
    m = len(prep.sample)
    base = choose_k(m, prep.trees[0], prep.n)
    if base == 1:
        return 1, np.zeros(prep.n, dtype=int), None
    found = _evenness_about(prep, base)
    even = float(np.mean([evenness(labels) for labels in found.values()])) if found else None
    k = choose_k(m, prep.trees[0], prep.n, even)
    same = k in found and len(prep.sample) == prep.n
    return k, found[k] if same else _partition(prep, k), even


def _evenness_about(prep: _Prepared, base: int) -> dict[int, np.ndarray]:
    """The groups at base and its two neighbours (two groups or more, at most the sample's size);
    of every text, or of the sample alone when it is one (its evenness speaks for the whole)."""
    alone = len(prep.sample) < prep.n
    return {c: _partition(prep, c, alone) for c in (base - 1, base, base + 1) if 2 <= c <= len(prep.sample)}


def _prepare(texts: Sequence[str], k: int | None, word_vectors: WordVectors | None) -> _Prepared:
    """Views, sample and trees of texts (two or more), and the vectors k-means refines on."""
    n = len(texts)
    stems = [tokens(t) for t in texts]
    # Three views of the same words; cut stems catch families the light stemmer misses.
    views = [clusters.sparse_rows(vectorize(stems))] + [
        clusters.sparse_rows(vectorize([[s[:p] for s in toks] for toks in stems])) for p in (5, 7)]
    embedded = _embed(texts, word_vectors)
    # Texts sharing no word with any other would only be placed by ties; they join a group
    # afterwards instead of bending the trees.
    core = np.flatnonzero(views[0].getnnz(axis=1) > 0)
    if len(core) < max(2, k or 2):
        core = np.arange(n)
    cap = max(SAMPLE_CAP, k or 0)
    sample = core if len(core) <= cap else core[np.arange(cap) * len(core) // cap]
    sims = [(view[sample] @ view[sample].T).toarray() for view in views]
    if embedded is not None:
        sims.append(embedded[sample] @ embedded[sample].T)
    trees = [clusters.tree(sim) for sim in sims]
    # k-means works on words and embedding together, each text blended with its nearest
    # neighbours (about sqrt(n), a scale-free choice) for context.
    texts_vec = clusters.Texts(views[0], embedded)
    return _Prepared(n, sample, trees, texts_vec, clusters.neighbour_mix(texts_vec, math.ceil(math.sqrt(n))))


def _partition(prep: _Prepared, k: int, sample_only: bool = False) -> np.ndarray:
    """Group labels 0..k-1 of every text (or of the sample's): consensus of the trees on the sample,
    then k-means."""
    m, sample = len(prep.sample), prep.sample
    # Consensus over views and nearby cuts steadies the noisy similarities of short texts.
    agreement = _agreement(m, [cut(m, t, min(m, k + extra)) for t in prep.trees for extra in (0, 1, 2)])
    labels = np.full(prep.n, -1)
    for g, members in enumerate(cut(m, clusters.tree(agreement), k)):
        labels[sample[members]] = g
    if sample_only:
        rows = sparse.csr_matrix((np.ones(m), (np.arange(m), sample)), shape=(m, prep.n))
        return clusters.kmeans(prep.mixed.mixed(rows), labels[sample], k)
    # Then every text, sample or not, settles by k-means.
    rest = np.flatnonzero(labels < 0)
    if len(rest):
        scores = prep.texts.dot(rest, prep.texts.sums(labels, k))
        labels[rest] = scores.argmax(axis=1)
    return clusters.kmeans(prep.mixed, labels, k)


def _embed(texts: Sequence[str], word_vectors: WordVectors | None) -> np.ndarray | None:
    """Centred unit embeddings of whole texts, or None without vectors or when they say nothing.

    Two halves side by side: the model's own pooling of the text, and its words pooled with
    weights that fade the words the whole theme uses (the topic), so what differs stands out."""
    if word_vectors is None:
        return None
    found = np.asarray(word_vectors([prose(t) for t in texts]), dtype=float)
    if found.ndim != 2 or len(found) != len(texts) or not np.isfinite(found).all():
        return None
    parts = [clusters.centred_unit(found)]
    weighted = _weighted_words(texts, word_vectors)
    if weighted is not None:
        parts.append(clusters.centred_unit(weighted))
    # single precision: ample for cosines, and the neighbour and k-means products cost less
    embedded = clusters.unit_rows(np.hstack(parts)).astype(np.float32)
    return embedded if np.abs(embedded).sum() > 0 else None


def _weighted_words(texts: Sequence[str], word_vectors: WordVectors) -> np.ndarray | None:
    """Each text as the SIF-weighted mean of its words' unit vectors, or None if that fails."""
    bags = [words(t) for t in texts]
    counts = Counter(w for bag in bags for w in bag)
    if not counts:
        return None
    vocab = sorted(counts)
    index = {w: c for c, w in enumerate(vocab)}
    vectors = np.asarray(word_vectors(vocab), dtype=float)
    if vectors.ndim != 2 or len(vectors) != len(vocab) or not np.isfinite(vectors).all():
        return None
    total = sum(counts.values())
    rows = [r for r, bag in enumerate(bags) for _ in bag]
    cols = [index[w] for bag in bags for w in bag]
    vals = [SIF / (SIF + counts[w] / total) / len(bag) for bag in bags for w in bag]
    weights = sparse.csr_matrix((vals, (rows, cols)), shape=(len(texts), len(vocab)))
    return np.asarray(weights @ clusters.unit_rows(vectors))
