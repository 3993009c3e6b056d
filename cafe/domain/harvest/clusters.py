"""Numeric side of grouping: sparse word vectors and dense text vectors, trees, k-means refining."""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy import sparse
from scipy.cluster.hierarchy import linkage
from scipy.spatial.distance import squareform

# Rows of a similarity block at a time: bounds memory to BLOCK x n floats for any n.
BLOCK = 512


class Texts:
    """Unit vectors for texts: TF-IDF words (sparse) beside text embeddings (dense), equal weight.

    Either part may be missing; a row with nothing in it stays all zero and matches nothing."""

    def __init__(self, words: sparse.csr_matrix | None, dense: np.ndarray | None) -> None:
        parts = [p for p in (words, dense) if p is not None]
        # both parts unit length, each scaled so that neither view outweighs the other
        scale = 1.0 / math.sqrt(len(parts))
        self.words = None if words is None else words * scale
        self.dense = None if dense is None else dense * scale
        self.n = parts[0].shape[0]
        if len(parts) > 1:
            # a text without shared words is all embedding, still unit length
            unit = self.mixed(sparse.identity(self.n, format="csr"))
            self.words, self.dense = unit.words, unit.dense

    def dot(self, rows: np.ndarray | slice, other: Texts) -> np.ndarray:
        """Dense dot products of some rows of self with every row of other."""
        count = len(range(self.n)[rows]) if isinstance(rows, slice) else len(rows)
        out = np.zeros((count, other.n))
        if self.words is not None and other.words is not None:
            out += (self.words[rows] @ other.words.T).toarray()
        if self.dense is not None and other.dense is not None:
            out += self.dense[rows] @ other.dense.T
        return out

    def mixed(self, weights: sparse.csr_matrix) -> Texts:
        """Rows replaced by weights @ rows, then made unit length again."""
        words = None if self.words is None else sparse.csr_matrix(weights @ self.words)
        dense = None if self.dense is None else np.asarray(weights @ self.dense)
        rows = weights.shape[0]
        sq = np.zeros(rows)
        if words is not None:
            sq += np.asarray(words.multiply(words).sum(axis=1)).ravel()
        if dense is not None:
            sq += (dense * dense).sum(axis=1)
        inv = sparse.diags(1.0 / np.maximum(np.sqrt(sq), 1e-12))
        out = Texts.__new__(Texts)
        out.words = None if words is None else sparse.csr_matrix(inv @ words)
        # dense rows keep their precision (float32 makes the big products cheaper)
        out.dense = None if dense is None or self.dense is None else np.asarray(inv @ dense, dtype=self.dense.dtype)
        out.n = rows
        return out

    def sums(self, labels: np.ndarray, k: int) -> Texts:
        """Per label, the sum of its rows (made unit length), as a Texts of k rows; label -1 is left out."""
        given = np.flatnonzero(labels >= 0)
        onehot = sparse.csr_matrix((np.ones(len(given)), (labels[given], given)), shape=(k, self.n))
        return self.mixed(onehot)


def unit_rows(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length; all-zero rows stay zero."""
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms > 0, norms, 1.0)


def centred_unit(embeddings: np.ndarray) -> np.ndarray:
    """Text embeddings less their mean: what a theme's texts all share is its topic, not a sub-theme."""
    embeddings = unit_rows(embeddings)
    return unit_rows(embeddings - embeddings.mean(axis=0, keepdims=True))


def sparse_rows(vectors: Sequence[dict[str, float]]) -> sparse.csr_matrix:
    """Dict vectors as a sparse matrix over their shared vocabulary."""
    index: dict[str, int] = {}
    rows, cols, vals = [], [], []
    for r, vec in enumerate(vectors):
        for f, v in vec.items():
            rows.append(r)
            cols.append(index.setdefault(f, len(index)))
            vals.append(v)
    return sparse.csr_matrix((vals, (rows, cols)), shape=(len(vectors), max(1, len(index))))


def tree(sim: np.ndarray) -> list[tuple[float, int, int]]:
    """Average-link merges (similarity, a, b) of a similarity matrix, most similar first.

    a and b name each merged cluster by its lowest item, the form `grouping.cut` applies."""
    n = len(sim)
    if n < 2:
        return []
    dist = np.clip(1.0 - (sim + sim.T) / 2, 0.0, None)
    np.fill_diagonal(dist, 0.0)
    lowest = list(range(n))
    merges = []
    for a, b, d, _ in linkage(squareform(dist, checks=False), "average"):
        ra, rb = lowest[int(a)], lowest[int(b)]
        lowest.append(min(ra, rb))
        merges.append((1.0 - float(d), min(ra, rb), max(ra, rb)))
    return merges


def neighbour_mix(texts: Texts, size: int) -> Texts:
    """Each text averaged with the mean of its `size` nearest texts: short texts borrow context."""
    n = texts.n
    size = min(size, n - 1)
    if size < 1:
        return texts
    rows, cols = [], []
    for start in range(0, n, BLOCK):
        block = texts.dot(slice(start, start + BLOCK), texts)
        for r in range(len(block)):
            block[r, start + r] = -np.inf
        near = np.argpartition(-block, size - 1, axis=1)[:, :size]
        rows.append(np.repeat(np.arange(start, start + len(block)), size))
        cols.append(near.ravel())
    weights = sparse.csr_matrix((np.full(n * size, 1.0 / size), (np.concatenate(rows), np.concatenate(cols))),
                                shape=(n, n)) + sparse.identity(n, format="csr")
    return texts.mixed(weights)


def kmeans(texts: Texts, labels: np.ndarray, k: int, rounds: int = 20) -> np.ndarray:
    """Spherical k-means from given labels; keeps exactly k non-empty groups, ties stay put."""
    labels = labels.copy()
    for _ in range(rounds):
        centres = texts.sums(labels, k)
        new = np.empty_like(labels)
        for start in range(0, texts.n, BLOCK):
            scores = texts.dot(slice(start, start + BLOCK), centres)
            best = scores.argmax(axis=1)
            own = labels[start:start + len(scores)]
            keep = scores[np.arange(len(scores)), own] >= scores[np.arange(len(scores)), best] - 1e-12
            new[start:start + len(scores)] = np.where(keep, own, best)
        for empty in sorted(set(range(k)) - set(new.tolist())):
            # an emptied group takes the member its largest group fits least
            donor = int(np.bincount(new, minlength=k).argmax())
            members = np.flatnonzero(new == donor)
            fit = texts.dot(members, centres)[:, donor]
            new[members[int(fit.argmin())]] = empty
        if np.array_equal(new, labels):
            break
        labels = new
    return labels
