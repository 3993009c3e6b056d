"""Measure the harvest's sub-theme grouping against human key points (ArgKP dev set).

Usage: .venv/bin/python bench/harvest.py [path/to/argkp_dev.csv]

Each (topic, stance) pair is one café table and kp_id its gold sub-theme. Prints ARI and NMI
(mean over tables) with k = the true count and with the tool's own k, the mean absolute error
of the tool's count, and the time to group 5,000 insights.
"""
from __future__ import annotations

import csv
import math
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from cafe.domain.grouping import group_texts  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared/data/harvest-dev/argkp_dev.csv"


def _comb2(x: int) -> float:
    return x * (x - 1) / 2


def adjusted_rand(gold: Sequence[str], pred: Sequence[int]) -> float:
    """Adjusted Rand index (Hubert and Arabie)."""
    n = len(gold)
    pairs = Counter(zip(gold, pred))
    index = sum(_comb2(c) for c in pairs.values())
    a = sum(_comb2(c) for c in Counter(gold).values())
    b = sum(_comb2(c) for c in Counter(pred).values())
    expected = a * b / _comb2(n) if n > 1 else 0.0
    top = (a + b) / 2
    if top == expected:
        return 1.0  # both partitions trivial and identical in shape
    return (index - expected) / (top - expected)


def _entropy(counts: Counter, n: int) -> float:
    return -sum(c / n * math.log(c / n) for c in counts.values() if c)


def normalized_mutual_info(gold: Sequence[str], pred: Sequence[int]) -> float:
    """NMI with arithmetic-mean normalisation: I(U;V) / ((H(U) + H(V)) / 2)."""
    n = len(gold)
    cg, cp, joint = Counter(gold), Counter(pred), Counter(zip(gold, pred))
    mi = sum(c / n * math.log(c * n / (cg[g] * cp[p])) for (g, p), c in joint.items())
    hg, hp = _entropy(cg, n), _entropy(cp, n)
    if hg + hp == 0:
        return 1.0
    return mi / ((hg + hp) / 2)


def labels_of(clusters: list[list[int]], n: int) -> list[int]:
    """Cluster number of each index; checks that every index appears exactly once."""
    out = [-1] * n
    for c, members in enumerate(clusters):
        for i in members:
            assert out[i] == -1, "index in two clusters"
            out[i] = c
    assert -1 not in out, "index missing"
    return out


def load(path: Path) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """Rows grouped by table: (topic, stance) -> [(text, kp_id)]."""
    tables: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            tables[(row["topic"], row["stance"])].append((row["text"], row["kp_id"]))
    return dict(tables)


def main(argv: list[str]) -> int:
    """Run the benchmark and print the figures."""
    path = Path(argv[1]) if len(argv) > 1 else DEFAULT_DATA
    if not path.is_file():
        print(f"Data file not found: {path}\nPass the path to argkp_dev.csv as the first argument.",
              file=sys.stderr)
        return 2
    tables = load(path)
    scores: dict[str, list[float]] = defaultdict(list)
    started = time.perf_counter()
    for rows in tables.values():
        texts, gold = [t for t, _ in rows], [g for _, g in rows]
        true_k = len(set(gold))
        given = labels_of(group_texts(texts, true_k), len(texts))
        own_clusters = group_texts(texts)
        own = labels_of(own_clusters, len(texts))
        scores["ari_k"].append(adjusted_rand(gold, given))
        scores["nmi_k"].append(normalized_mutual_info(gold, given))
        scores["ari_own"].append(adjusted_rand(gold, own))
        scores["nmi_own"].append(normalized_mutual_info(gold, own))
        scores["count_err"].append(abs(len(own_clusters) - true_k))
        scores["own_k"].append(len(own_clusters))
        scores["true_k"].append(true_k)
    per_table = (time.perf_counter() - started) / len(tables) / 2
    everything = [t for rows in tables.values() for t, _ in rows]
    big = (everything * (5000 // len(everything) + 1))[:5000]
    started = time.perf_counter()
    group_texts(big)
    big_s = time.perf_counter() - started

    def mean(key: str) -> float:
        return sum(scores[key]) / len(scores[key])

    print(f"{len(tables)} tables, {sum(len(r) for r in tables.values())} insights ({path.name})")
    print(f"{'':14}{'ARI':>8}{'NMI':>8}")
    print(f"{'k = true':14}{mean('ari_k'):8.3f}{mean('nmi_k'):8.3f}")
    print(f"{'own k':14}{mean('ari_own'):8.3f}{mean('nmi_own'):8.3f}")
    print(f"count error (mean |own k - true k|): {mean('count_err'):.2f}"
          f"   mean own k {mean('own_k'):.2f} vs true {mean('true_k'):.2f}")
    print(f"time per table: {per_table * 1000:.1f} ms   5,000 insights: {big_s:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
