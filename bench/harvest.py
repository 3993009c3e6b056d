"""Measure the harvest's sub-theme grouping against human key points (ArgKP dev set).

Usage: .venv/bin/python bench/harvest.py [path/to/argkp_dev.csv] [--no-embeddings] [--no-cv] [--labels-only]
       [--against REV] [--no-before]

Each (topic, stance) pair is one café table and kp_id its gold sub-theme. Prints ARI and NMI
(mean over tables) with k = the true count and with the tool's own k, the mean absolute error
of the tool's count, the same split into two halves of the topics (alphabetical; the first half
was used while developing, the second confirms on topics not looked at), a cross-validation of
count rules (a scale picked on one part of the topics, scored on the rest: each half for the
other, and leave one topic out) and of the tool's own rule (ln n moved by the evenness of its
groups: slope and centre refitted the same ways; the figures that count), and the time and peak
memory of consolidating 5,000 insights (grouping, labels, quotes) in a fresh process.
Labels are scored against the human key points (see label_quality), for the labeller before
phrase labels (bench/labels_before.py) and the current one, with a sample to read side by side;
--labels-only prints just that and the timing.
Like the live harvest it uses the packaged text embeddings (cafe.wordvectors); --no-embeddings
measures the words-only fallback used when they cannot load.
Before and after: the same bench is run a second time on the `cafe` package of an earlier
revision (--against REV, by default BASELINE_REV, the algorithm before issue 12; read from git
into a temporary folder) and the headline figures are printed side by side. Without git (a
source archive) the figures recorded for that revision are printed instead; --no-before skips it.
"""
from __future__ import annotations

import csv
import json
import math
import os
import resource
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from itertools import permutations
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# The code measured: this checkout's, or an earlier revision's unpacked by run_against.
CODE = os.environ.get("CAFE_BENCH_CODE") or str(REPO)
sys.path.insert(0, CODE)

try:
    from cafe.domain.harvest import grouping
    from cafe.domain.harvest.themes import HarvestInsight, build_harvest, short_text
except ImportError:  # an earlier revision (the "before" run), when the domain was one flat folder
    from cafe.domain import grouping  # type: ignore[no-redef]
    from cafe.domain.harvest import HarvestInsight, build_harvest, short_text  # type: ignore[no-redef]
group_texts, tokens = grouping.group_texts, grouping.tokens
from labels_before import label_before  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared/data/harvest-dev/argkp_dev.csv"


def _comb2(x: int) -> float:
    return x * (x - 1) / 2


def adjusted_rand(gold: Sequence[str], pred: Sequence[int]) -> float:
    """Adjusted Rand index (Hubert and Arabie)."""
    n = len(gold)
    pairs = Counter(zip(gold, pred, strict=False))
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
    cg, cp, joint = Counter(gold), Counter(pred), Counter(zip(gold, pred, strict=False))
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


def key_points(path: Path) -> dict[str, str]:
    """The human key point text of each kp_id."""
    with path.open(newline="", encoding="utf-8") as fh:
        return {row["kp_id"]: row["label"] for row in csv.DictReader(fh)}


def _old_labels(texts: list[str], subs) -> list[str]:
    """The labeller before phrase labels, on the same sub-themes, with the same stand-in for repeats."""
    labels, seen = [], set()
    for sub in subs:
        members = {int(i) for i in sub.insight_ids}
        label = label_before([texts[i] for i in sorted(members)],
                             [t for i, t in enumerate(texts) if i not in members])
        if label in seen:
            label = short_text(texts[int(sub.quote or sub.insight_ids[0])])
        seen.add(label)
        labels.append(label)
    return labels


def label_quality(tables: dict, gold_text: dict[str, str], vectors) -> tuple[dict, list]:
    """Per method, per gold sub-theme: (topic, precision, recall, coverage, words) of the label of the
    predicted sub-theme sharing most of its members (k = the true count).

    precision: share of the label's content stems found in the key point; recall: share of the
    key point's content stems found in the label; coverage: share of the predicted sub-theme's
    members holding all the label's content stems (faithfulness to the members' words).
    """
    rows: dict[str, list[tuple[str, float, float, float, int]]] = {"before": [], "now": []}
    samples = []
    for (topic, _), table in tables.items():
        texts, gold = [t for t, _ in table], [g for _, g in table]
        insights = [HarvestInsight(str(n), "t", 1, 1, t, None, 0) for n, t in enumerate(texts)]
        (theme,) = build_harvest(insights, ["t"], k=len(set(gold)), word_vectors=vectors)
        labels = {"before": _old_labels(texts, theme.subthemes), "now": [s.label for s in theme.subthemes]}
        member_sets = [{int(i) for i in s.insight_ids} for s in theme.subthemes]
        for kp in sorted(set(gold)):
            inside = {i for i, g in enumerate(gold) if g == kp}
            best = max(range(len(member_sets)), key=lambda j: (len(inside & member_sets[j]), -j))
            want = set(tokens(gold_text[kp]))
            for method, found in labels.items():
                have = set(tokens(found[best]))
                precision = len(have & want) / len(have) if have else 0.0
                recall = len(have & want) / len(want) if want else 0.0
                holding = sum(have <= set(tokens(texts[i])) for i in member_sets[best])
                rows[method].append((topic, precision, recall, holding / len(member_sets[best]),
                                     len(found[best].split())))
            samples.append((gold_text[kp], labels["before"][best], labels["now"][best]))
    return rows, samples


def print_label_quality(tables: dict, path: Path, vectors, halves: dict[str, set[str]]) -> dict[str, float]:
    """The label figure, before and now, by half of the topics, and ten labels beside key points;
    returns the current labeller's precision and recall per half for the summary."""
    rows, samples = label_quality(tables, key_points(path), vectors)
    print(f"\nlabels vs human key points (k = true count; mean over {len(samples)} gold sub-themes)")
    print(f"{'':16}{'method':8}{'precision':>10}{'recall':>8}{'coverage':>10}{'words':>7}")
    summary: dict[str, float] = {}
    for name, part in [("all tables", None), *halves.items()]:
        for method, found in rows.items():
            picked = [r for r in found if part is None or r[0] in part]
            means = [sum(r[c] for r in picked) / len(picked) for c in (1, 2, 3, 4)]
            print(f"{name:16}{method:8}{means[0]:10.3f}{means[1]:8.3f}{means[2]:10.3f}{means[3]:7.2f}")
            if method == "now":
                summary[f"label precision {name}"], summary[f"label recall {name}"] = means[0], means[1]
    print(f"\n{'human key point':58}{'before':28}now")
    for gold, old, new in samples[:: max(1, len(samples) // 10)][:10]:
        print(f"{gold[:56]:58}{old[:26]:28}{new}")
    return summary


def consolidate_5000(path: Path, embeddings: bool) -> str:
    """Run in a fresh process: time and peak memory of one 5,000-insight harvest."""
    vectors = None
    if embeddings:
        from cafe.wordvectors import word_vectors
        vectors = word_vectors()
    everything = [t for rows in load(path).values() for t, _ in rows]
    big = (everything * (5000 // len(everything) + 1))[:5000]
    insights = [HarvestInsight(str(n), "All", 1, 1, text, None, n % 4) for n, text in enumerate(big)]
    started, cpu = time.perf_counter(), time.process_time()
    (theme,) = build_harvest(insights, ["All"], word_vectors=vectors)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # CPU time beside the wall clock: on a shared, busy machine the wall clock says more about the others
    return (f"{seconds:.2f} s (CPU {cpu:.2f} s), peak memory {peak_mb:.0f} MB ({len(theme.subthemes)} sub-themes)")


def timed_5000(path: Path, embeddings: bool, summary: dict[str, float]) -> None:
    """Consolidate 5,000 insights in a fresh process (of the same code), print and record the time."""
    child = [sys.executable, __file__, str(path), "--consolidate-5000"] + ([] if embeddings else ["--no-embeddings"])
    done = subprocess.run(child, capture_output=True, text=True, check=False)
    said = done.stdout.strip() or done.stderr.strip()
    print(f"\n5,000 insights consolidated: {said}")
    if said.split(" ", 1)[0].replace(".", "", 1).isdigit():
        summary["5,000 insights, s"] = float(said.split(" ", 1)[0])


def score_tables(tables: dict[tuple[str, str], list[tuple[str, str]]], vectors) -> dict[str, list[float]]:
    """Per-table scores with k given and with the tool's own k."""
    scores: dict[str, list[float]] = defaultdict(list)
    for rows in tables.values():
        texts, gold = [t for t, _ in rows], [g for _, g in rows]
        true_k = len(set(gold))
        given = labels_of(group_texts(texts, true_k, vectors), len(texts))
        own_clusters = group_texts(texts, None, vectors)
        own = labels_of(own_clusters, len(texts))
        scores["ari_k"].append(adjusted_rand(gold, given))
        scores["nmi_k"].append(normalized_mutual_info(gold, given))
        scores["ari_own"].append(adjusted_rand(gold, own))
        scores["nmi_own"].append(normalized_mutual_info(gold, own))
        scores["count_err"].append(abs(len(own_clusters) - true_k))
        scores["own_k"].append(len(own_clusters))
        scores["true_k"].append(true_k)
    return scores


# Count rules k = round(c * f(n)) with a scale c to choose; each family's parameter-free scale
# is in the grid, so cross-validation can confirm or overrule it.
FAMILIES = {
    "c * ln n": (math.log, [x / 10 for x in range(5, 16)]),
    "c * sqrt n": (math.sqrt, [x / 40 for x in range(10, 31)]),
    "constant c": (lambda n: 1.0, [float(x) for x in range(2, 8)]),
}
SCALE = "c * ln n"  # the prior cafe.domain.harvest.grouping.choose_k starts from (with COUNT_SCALE = 1)
OWN_RULE = "ln n, moved by evenness"  # the tool's own count (grouping.own_count), refitted per fold
CV_SPLITS = ("fit dev half, score held-out half", "fit held-out half, score dev half", "leave one topic out")


def _rule_k(family: str, c: float, n: int) -> int:
    return max(1, math.floor(c * FAMILIES[family][0](n) + 0.5))


def _fit(family: str, train: list[tuple[int, int]]) -> float:
    """The scale with the least mean count error on (n, true k) pairs; ties: the middle one."""
    grid = FAMILIES[family][1]
    errors = [sum(abs(_rule_k(family, c, n) - k) for n, k in train) for c in grid]
    best = [c for c, e in zip(grid, errors, strict=False) if e == min(errors)]
    return best[(len(best) - 1) // 2]


def _even_k(n: int, even: float, slope: float, centre: float) -> int:
    """grouping.choose_k's count from ln n and evenness, with the given slope and centre (no apart groups)."""
    scaled = math.log(n) * grouping.COUNT_SCALE
    prior = max(1, math.floor(scaled + 0.5))
    return max(1, prior - 1, min(prior + 1, math.floor(scaled + slope * (even - centre) + 0.5)))


def _fit_even(train: list[tuple[int, int, float]]) -> tuple[float, float]:
    """Slope and centre as grouping fits them on (n, true k, evenness): the centre is the mean evenness
    (on average the count stays ln n), the slope least squares of true k - ln n on evenness."""
    evens = [e for _, _, e in train]
    centre = sum(evens) / len(evens)
    ys = [k - math.log(n) * grouping.COUNT_SCALE for n, k, _ in train]
    mean_y = sum(ys) / len(ys)
    spread = sum((e - centre) ** 2 for e in evens)
    slope = sum((e - centre) * (y - mean_y) for e, y in zip(evens, ys, strict=False)) / spread if spread else 0.0
    return slope, centre


def own_rule_cv(tables: dict, scores: dict, vectors, halves: dict[str, set[str]], at_k) -> tuple[list[str], dict]:
    """The tool's own count rule with its fitted constants refitted on one part of the topics and
    scored on the rest; a rule with nothing fitted (before evenness) is scored as it is."""
    keys = list(tables)
    topics = sorted({topic for topic, _ in keys})
    parts = {CV_SPLITS[0]: (halves["dev half"], halves["held-out half"]),
             CV_SPLITS[1]: (halves["held-out half"], halves["dev half"])}
    parts.update({f"{CV_SPLITS[2]}: {topic}": (set(topics) - {topic}, {topic}) for topic in topics})
    if not hasattr(grouping, "own_count"):
        picks = {name: [(i, scores["own_k"][i]) for i, key in enumerate(keys) if key[0] in score_on]
                 for name, (_, score_on) in parts.items()}
        fits = dict.fromkeys(CV_SPLITS, "nothing fitted")
        mismatch = 0
    else:
        found = [grouping.own_count([t for t, _ in tables[key]], vectors) for key in keys]
        mismatch = sum(k != own for (k, _), own in zip(found, scores["own_k"], strict=False))
        data = [(len(tables[key]), true, e if e is not None else math.nan)
                for key, true, (_, e) in zip(keys, scores["true_k"], found, strict=False)]
        picks, fits = {}, {}
        for name, (fit_on, score_on) in parts.items():
            slope, centre = _fit_even([d for key, d in zip(keys, data, strict=False) if key[0] in fit_on])
            fits[name] = f"slope {slope:.2f}, centre {centre:.3f}"
            picks[name] = [(i, _even_k(data[i][0], data[i][2], slope, centre))
                           for i, key in enumerate(keys) if key[0] in score_on]
        slope, centre = _fit_even(data)
        fits[CV_SPLITS[2]] = f"all tables: slope {slope:.2f}, centre {centre:.3f} (tool: " \
                             f"{grouping.EVEN_SLOPE:.2f}, {grouping.EVEN_CENTRE:.3f})"
    picks[CV_SPLITS[2]] = [p for name, got in picks.items() if name.startswith(CV_SPLITS[2] + ":") for p in got]
    lines = [f"\nthe tool's own count rule ({OWN_RULE if hasattr(grouping, 'own_count') else SCALE + ', c = 1'}),"
             " constants refitted on one part and scored on the other:"]
    if mismatch:
        lines.append(f"  (own_count disagrees with group_texts on {mismatch} tables)")
    lines.append(f"{'split':42}{'count err':>10}{'ARI':>7}{'NMI':>7}  fitted")
    figures: dict[str, float] = {}
    for name in CV_SPLITS:
        ks = picks[name]
        err = sum(abs(k - scores["true_k"][i]) for i, k in ks) / len(ks)
        ari = sum(at_k(i, k)[0] for i, k in ks) / len(ks)
        nmi = sum(at_k(i, k)[1] for i, k in ks) / len(ks)
        lines.append(f"{name:42}{err:10.2f}{ari:7.3f}{nmi:7.3f}  {fits[name]}")
        short = {CV_SPLITS[0]: "dev -> held-out", CV_SPLITS[1]: "held-out -> dev", CV_SPLITS[2]: "leave one topic out"}[name]
        figures.update({f"count err CV {short}": err, f"ARI own CV {short}": ari, f"NMI own CV {short}": nmi})
    return lines, figures


def cross_validate(tables: dict, scores: dict, vectors, halves: dict[str, set[str]]) -> tuple[list[str], dict]:
    """Lines reporting count error and ARI/NMI of each count rule fitted on some topics, scored on others,
    and the headline figures of the tool's own rule so refitted."""
    keys = list(tables)
    sizes = [(len(tables[key]), t) for key, t in zip(keys, scores["true_k"], strict=False)]
    cache: dict[tuple[int, int], tuple[float, float]] = {}

    def at_k(i: int, k: int) -> tuple[float, float]:
        if (i, k) not in cache:
            texts, gold = [t for t, _ in tables[keys[i]]], [g for _, g in tables[keys[i]]]
            pred = labels_of(group_texts(texts, k, vectors), len(texts))
            cache[(i, k)] = (adjusted_rand(gold, pred), normalized_mutual_info(gold, pred))
        return cache[(i, k)]

    splits = {f"fit {a}, score {b}": (halves[a], halves[b]) for a, b in permutations(halves, 2)}
    topics = sorted({topic for topic, _ in keys})
    lines = [f"{'count rule':12}{'split':42}{'scale':>7}{'count err':>10}{'ARI':>7}{'NMI':>7}"]
    for family in FAMILIES:
        rows = []
        for name, (fit_on, score_on) in splits.items():
            c = _fit(family, [sizes[i] for i, key in enumerate(keys) if key[0] in fit_on])
            rows.append((name, f"{c:7.2f}", [(i, c) for i, key in enumerate(keys) if key[0] in score_on]))
        # leave one topic out: every table scored by the scale fitted on the other topics
        loto = []
        for topic in topics:
            c = _fit(family, [sizes[i] for i, key in enumerate(keys) if key[0] != topic])
            loto += [(i, c) for i, key in enumerate(keys) if key[0] == topic]
        rows.append(("leave one topic out", f"{'':7}", loto))
        for name, scale, picks in rows:
            ks = [(i, _rule_k(family, c, sizes[i][0])) for i, c in picks]
            err = sum(abs(k - sizes[i][1]) for i, k in ks) / len(ks)
            ari = sum(at_k(i, k)[0] for i, k in ks) / len(ks)
            nmi = sum(at_k(i, k)[1] for i, k in ks) / len(ks)
            lines.append(f"{family:12}{name:42}{scale}{err:10.2f}{ari:7.3f}{nmi:7.3f}")
    own_lines, figures = own_rule_cv(tables, scores, vectors, halves, at_k)
    return lines + own_lines, figures


# The revision whose algorithm "before" means, and its figures (this bench, with embeddings) for
# checkouts without git history.
BASELINE_REV = "0cf4e2892678d4e325c64accdb11b58002c8b06e"
RECORDED_BASELINE = {
    "ARI own all tables": 0.309, "NMI own all tables": 0.365, "count err all tables": 0.75,
    "ARI own dev half": 0.344, "NMI own dev half": 0.399, "count err dev half": 0.80,
    "ARI own held-out half": 0.275, "NMI own held-out half": 0.330, "count err held-out half": 0.70,
    "ARI k=true dev half": 0.360, "ARI k=true held-out half": 0.349,
    "count err LOTO, c * ln n refitted": 0.85,
    "count err CV dev -> held-out": 0.70, "ARI own CV dev -> held-out": 0.275, "NMI own CV dev -> held-out": 0.330,
    "count err CV held-out -> dev": 0.80, "ARI own CV held-out -> dev": 0.344, "NMI own CV held-out -> dev": 0.399,
    "count err CV leave one topic out": 0.75, "ARI own CV leave one topic out": 0.309,
    "NMI own CV leave one topic out": 0.365,
    "label precision dev half": 0.353, "label recall dev half": 0.187,
    "label precision held-out half": 0.295, "label recall held-out half": 0.184,
    "5,000 insights, s": 3.6,
}
SUMMARY_TAG = "SUMMARY "


def grouping_figures(tables: dict, scores: dict, halves: dict[str, set[str]], per_table: float,
                     embeddings: bool, path: Path) -> dict[str, float]:
    """Print ARI, NMI and count error per half of the topics; return them for the summary."""
    keys = list(tables)

    def mean(key: str, topics_in: set[str] | None = None) -> float:
        picked = [v for (topic, _), v in zip(keys, scores[key], strict=False) if topics_in is None or topic in topics_in]
        return sum(picked) / len(picked)

    print(f"{len(tables)} tables, {sum(len(r) for r in tables.values())} insights ({path.name})"
          f"{', with text embeddings' if embeddings else ', words only'}")
    print(f"{'':16}{'ARI k=true':>11}{'NMI k=true':>11}{'ARI own':>9}{'NMI own':>9}{'count err':>10}")
    summary: dict[str, float] = {}
    for name, part in [("all tables", None), *halves.items()]:
        row = {"ARI k=true": mean("ari_k", part), "NMI k=true": mean("nmi_k", part), "ARI own": mean("ari_own", part),
               "NMI own": mean("nmi_own", part), "count err": mean("count_err", part)}
        print(f"{name:16}" + "".join(f"{v:{w}.3f}" if w != 10 else f"{v:10.2f}"
                                     for v, w in zip(row.values(), (11, 11, 9, 9, 10), strict=False)))
        summary.update({f"{k} {name}": v for k, v in row.items()})
    print(f"mean own k {mean('own_k'):.2f} vs true {mean('true_k'):.2f}; time per table: {per_table * 1000:.1f} ms")
    return summary


def run_against(rev: str, argv: list[str]) -> dict[str, float] | None:
    """This bench on the cafe package of an earlier revision; its summary, or None without git."""
    with tempfile.TemporaryDirectory() as folder:
        archive = Path(folder) / "cafe.tar"
        made = subprocess.run(["git", "-C", str(REPO), "archive", "-o", str(archive), rev, "cafe"],
                              capture_output=True, text=True, check=False)
        if made.returncode:
            return None
        with tarfile.open(archive) as tar:
            tar.extractall(folder, filter="data")
        args = [a for a in argv[1:] if a not in ("--against", rev)] + ["--no-before"]
        done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=False,
                              env={**os.environ, "CAFE_BENCH_CODE": folder})
    lines = done.stdout.splitlines()
    print(f"\n===== before: the algorithm at {rev[:10]} =====")
    print("\n".join(line for line in lines if not line.startswith(SUMMARY_TAG)) or done.stderr)
    found = [line for line in lines if line.startswith(SUMMARY_TAG)]
    return json.loads(found[-1][len(SUMMARY_TAG):]) if found else None


def print_before_after(before: dict[str, float], after: dict[str, float], source: str) -> None:
    """The headline figures side by side."""
    print(f"\n===== before ({source}) and after =====")
    print(f"{'figure':40}{'before':>9}{'after':>9}")
    for key in RECORDED_BASELINE:
        if key in after:
            old = f"{before[key]:9.3f}" if key in before else f"{'-':>9}"
            print(f"{key:40}{old}{after[key]:9.3f}")


def measure(argv: list[str], path: Path, embeddings: bool) -> dict[str, float] | None:
    """Every figure of the code under CODE, printed; the headline ones returned (None: no vectors)."""
    vectors = None
    if embeddings:
        from cafe.wordvectors import word_vectors
        vectors = word_vectors()
        if vectors is None:
            print("the text embeddings did not load (is wordllama installed?); try --no-embeddings",
                  file=sys.stderr)
            return None
    tables = load(path)
    topics = sorted({topic for topic, _ in tables})
    halves = {"dev half": set(topics[: len(topics) // 2]), "held-out half": set(topics[len(topics) // 2:])}
    summary: dict[str, float] = {}
    if "--labels-only" not in argv:
        started = time.perf_counter()
        scores = score_tables(tables, vectors)
        per_table = (time.perf_counter() - started) / len(tables) / 2
        summary.update(grouping_figures(tables, scores, halves, per_table, embeddings, path))
        if "--no-cv" not in argv:
            print(f"\ncross-validation of the count rule (the tool starts from {SCALE} with c = 1):")
            lines, figures = cross_validate(tables, scores, vectors, halves)
            print("\n".join(lines))
            summary.update(figures)
            loto = next(line for line in lines if line.startswith(SCALE) and "leave one topic out" in line)
            summary["count err LOTO, c * ln n refitted"] = float(loto.split()[-3])
    summary.update(print_label_quality(tables, path, vectors, halves))
    timed_5000(path, embeddings, summary)
    return summary


def main(argv: list[str]) -> int:
    """Run the benchmark and print the figures, before and after."""
    embeddings = "--no-embeddings" not in argv
    args = [a for i, a in enumerate(argv[1:], 1) if not a.startswith("--") and argv[i - 1] != "--against"]
    path = Path(args[0]) if args else DEFAULT_DATA
    if not path.is_file():
        print(f"Data file not found: {path}\nPass the path to argkp_dev.csv as the first argument.",
              file=sys.stderr)
        return 2
    if "--consolidate-5000" in argv:
        print(consolidate_5000(path, embeddings))
        return 0
    before, source = None, ""
    if "--no-before" not in argv:
        rev = argv[argv.index("--against") + 1] if "--against" in argv else BASELINE_REV
        before, source = run_against(rev, argv), f"measured at {rev[:10]}"
        if before is None:
            before, source = RECORDED_BASELINE, f"recorded for {BASELINE_REV[:10]}"
        print("\n===== after: this checkout =====")
    after = measure(argv, path, embeddings)
    if after is None:
        return 2
    print(SUMMARY_TAG + json.dumps(after))
    if before is not None:
        print_before_after(before, after, source)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
