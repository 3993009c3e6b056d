"""Measure the rotation planner against a random shuffle that keeps the hard rules.

Usage: .venv/bin/python bench/rotation.py [--quick]

For a grid of cafés (12 to 300 people, tables of 4 to 6, 3 to 5 rounds, with and without
staying hosts, four perspectives in uneven shares, five rotating themes) and for the named
instances where a perfect schedule is known, prints repeated encounters, a lower bound on them
(`metrics.repeat_lower_bound`, which ignores themes), for small cafés the planner's
repeats with no themes to honour (themes rank first and cost encounters in tight rooms), theme
repeats, perspective spread, moves of people who stay put and planning time, next to the mean
of a random shuffle (hosts and stayers kept, table sizes balanced, travellers shuffled, themes
ignored) over five seeds, and of a random shuffle that keeps themes new where it can (the fair
comparison where themes rank first). Then cafés with people who prefer not to move and a re-plan after
rounds already played; ends with 1,000 people at 200 tables over 4 rounds (target < 2 s).
"""
from __future__ import annotations

import math
import random
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from cafe.domain.rotation.planner import (  # noqa: E402
    Participant, RotationRequest, TableSeating, fixed_tables, plan_rotation, table_sizes, theme_index,
)
from cafe.domain.rotation.metrics import (  # noqa: E402
    perspective_spread, plan_metrics, repeat_lower_bound, spread_lower_bound,
)

# A mixed room: about a third with lived experience, some practitioners, carers and managers,
# and a fifth who gave no perspective (None).
PERSPECTIVES = ("lived_experience", "practitioner", "family_carer", "manager", None)
SHARES = (0.35, 0.2, 0.15, 0.1, 0.2)
FIGURES = ("repeat_encounters", "theme_repeats", "perspective_spread", "perspective_clustered", "perspective_missing")


def participants(people: int, tables: int, hosts: bool, perspectives: bool = True, stays: int = 0) -> tuple[Participant, ...]:
    """People with perspectives in uneven shares; the first of each table's worth hosts, and
    every so often among the rest someone who prefers not to move (`stays` of them)."""
    cut = [round(people * sum(SHARES[: i + 1])) for i in range(len(SHARES))]
    first = tables if hosts else 0
    step = max(1, (people - first) // (stays + 1))
    staying = {first + step * (k + 1) - 1 for k in range(stays)}
    return tuple(
        Participant(i + 1, PERSPECTIVES[next(k for k, c in enumerate(cut) if i < c)] if perspectives else None,
                    host=hosts and i < tables, stays=i in staying)
        for i in range(people)
    )


def shuffled(request: RotationRequest, seed: int) -> list[list[TableSeating]]:
    """The baseline: hosts and stayers at their tables, everyone else shuffled into balanced seats."""
    rng = random.Random(seed)
    people = list(request.participants)
    fixed = fixed_tables(request)
    counts = [0] * request.tables
    for t in fixed.values():
        counts[t] += 1
    sizes = table_sizes(len(people), counts)
    room = [size - count for size, count in zip(sizes, counts, strict=False)]
    slots = [t for t, free in enumerate(room) for _ in range(free)]
    travellers = [i for i in range(len(people)) if i not in fixed]
    rounds = []
    for r in range(request.rounds):
        rng.shuffle(travellers)
        at = dict(fixed) | dict(zip(travellers, slots, strict=False))
        row = []
        for t in range(request.tables):
            members = tuple(people[i].id for i in sorted(i for i, table in at.items() if table == t))
            theme = theme_index(request.theme_mode, len(request.themes), request.tables, t, r)
            host = next((people[i].id for i, table in fixed.items() if table == t and people[i].host), None)
            row.append(TableSeating(t + 1, request.themes[theme] if theme >= 0 else None, host, members))
        rounds.append(row)
    return rounds


def shuffled_keeping_themes(request: RotationRequest, seed: int) -> list[list[TableSeating]]:
    """A fairer baseline where themes rank first: each round, travellers in random order take a
    random free seat at a table whose theme they have not seen yet (any free seat when none is)."""
    rng = random.Random(seed)
    rounds = shuffled(request, seed)  # the fixed people and the table sizes
    fixed = {request.participants[i].id for i in fixed_tables(request)}
    seen: dict = {p.id: set() for p in request.participants}
    for row in rounds:
        free = [t.table for t in row for m in t.members if m not in fixed]
        movers = [m for t in row for m in t.members if m not in fixed]
        rng.shuffle(movers)
        theme_of = {t.table: t.theme for t in row}
        seat: dict[int, list] = {t.table: [m for m in t.members if m in fixed] for t in row}
        for person in movers:
            fresh = [n for n in free if theme_of[n] not in seen[person]]
            number = rng.choice(fresh or free)
            free.remove(number)
            seat[number].append(person)
        row[:] = [replace(t, members=tuple(sorted(seat[t.table]))) for t in row]
        for t in row:
            for m in t.members:
                seen[m].add(t.theme)
    return rounds


def spread_bound(request: RotationRequest) -> int:
    """The least perspective spread any plan can reach: rounds played as they were, then each
    planned round's bound with hosts and stayers where they sit."""
    people = {p.id: p for p in request.participants}
    played = sum(perspective_spread(tables, people) for tables in request.seating)
    per_round = spread_lower_bound([p.perspective for p in request.participants], request.tables, fixed_tables(request))
    return played + per_round * (request.rounds - len(request.seating))


def measure(label: str, request: RotationRequest, trials: int = 5,
            themeless: bool = False) -> tuple[dict[str, int], float, dict[str, float]]:
    started = time.perf_counter()
    plan = plan_rotation(request)
    seconds = time.perf_counter() - started
    planned = plan_metrics(plan, request.participants)
    assert planned["max_size_gap"] <= 1 or any(p.fixed for p in request.participants), label
    assert planned["moves_of_stayers"] == 0, label
    base = [plan_metrics(shuffled(request, seed), request.participants) for seed in range(trials)]
    baseline = {f: sum(b[f] for b in base) / trials for f in FIGURES}
    if request.themes:
        kept = [plan_metrics(shuffled_keeping_themes(request, seed), request.participants) for seed in range(trials)]
        baseline["kept_repeats"] = sum(b["repeat_encounters"] for b in kept) / trials
        baseline["kept_themes"] = sum(b["theme_repeats"] for b in kept) / trials
    else:
        baseline["kept_repeats"], baseline["kept_themes"] = baseline["repeat_encounters"], baseline["theme_repeats"]
    hosts = sum(p.host for p in request.participants)
    fixed_at = Counter(fixed_tables(request).values()).values()
    bound = repeat_lower_bound(len(request.participants), request.tables, request.rounds, hosts, list(fixed_at))
    plain = "-"
    if themeless and request.themes:
        bare = replace(request, themes=())
        plain = str(plan_metrics(plan_rotation(bare), bare.participants)["repeat_encounters"])
    planned["spread_bound"] = spread_bound(request)
    print(f"{label:<56} {planned['repeat_encounters']:>6} {bound:>5} {plain:>6} {planned['theme_repeats']:>6}"
          f" {planned['perspective_spread']:>6} {planned['spread_bound']:>5} {planned['perspective_clustered']:>5}"
          f" {planned['perspective_missing']:>5} {planned['moves_of_stayers']:>5} {seconds:>7.2f}s |"
          f" {baseline['repeat_encounters']:>8.1f} {baseline['theme_repeats']:>7.1f} {baseline['perspective_spread']:>7.1f}"
          f" {baseline['perspective_clustered']:>6.1f} {baseline['perspective_missing']:>6.1f} |"
          f" {baseline['kept_repeats']:>8.1f} {baseline['kept_themes']:>6.1f}", flush=True)
    return planned, seconds, baseline


def header(title: str) -> None:
    print(f"\n{title}\n{'instance':<56} {'repeat':>6} {'bound':>5} {'no-thm':>6} {'theme':>6} {'spread':>6}"
          f" {'best':>5} {'clust':>5} {'miss':>5} {'moves':>5} {'time':>8} | {'rnd rep':>8} {'theme':>7} {'spread':>7}"
          f" {'clust':>6} {'miss':>6} | {'rnd+thm':>8} {'theme':>6}")


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    themes = tuple(f"Theme {c}" for c in "ABCDE")
    header("Grid: planner | random shuffle (mean of 5) | random shuffle keeping themes new (mean of 5)")
    totals = dict.fromkeys(("planned", "baseline", "kept", "kept_themes", "theme", "bound", "spread", "spread_base", "spread_best",
                            "clustered", "clustered_base", "missing", "missing_base"), 0.0)
    for people in ((12, 40, 120) if quick else (12, 24, 40, 60, 120, 200, 300)):
        for size in (4, 5, 6):
            tables = max(2, math.ceil(people / size))
            for rounds in ((3, 5) if quick else (3, 4, 5)):
                for hosts in (False, True):
                    request = RotationRequest(participants(people, tables, hosts), tables, rounds, themes, seed=1)
                    label = f"{people} people, {tables} tables of ~{size}, {rounds} rounds{', hosts' if hosts else ''}"
                    planned, _, baseline = measure(label, request, themeless=people <= 40)
                    totals["bound"] += repeat_lower_bound(people, tables, rounds, tables if hosts else 0)
                    totals["spread"] += planned["perspective_spread"]
                    totals["spread_base"] += baseline["perspective_spread"]
                    totals["spread_best"] += planned["spread_bound"]
                    for figure in ("clustered", "missing"):
                        totals[figure] += planned[f"perspective_{figure}"]
                        totals[f"{figure}_base"] += baseline[f"perspective_{figure}"]
                    totals["planned"] += planned["repeat_encounters"]
                    totals["baseline"] += baseline["repeat_encounters"]
                    totals["kept"] += baseline["kept_repeats"]
                    totals["kept_themes"] += baseline["kept_themes"]
                    totals["theme"] += planned["theme_repeats"]
    print(f"grid totals: repeated encounters {totals['planned']:.0f} (random {totals['baseline']:.0f}, random keeping "
          f"themes new {totals['kept']:.0f} with {totals['kept_themes']:.0f} theme repeats left, lower bound "
          f"{totals['bound']:.0f}), theme repeats {totals['theme']:.0f}, perspective spread "
          f"{totals['spread']:.0f} (random {totals['spread_base']:.0f}, best possible {totals['spread_best']:.0f}), "
          f"clustered tables {totals['clustered']:.0f} (random {totals['clustered_base']:.0f}), "
          f"tables missing a perspective {totals['missing']:.0f} (random {totals['missing_base']:.0f})")

    header("Perspectives in mixed rooms (35% lived experience, carers, practitioners, managers, 20% not given)")
    mixed = [(40, 8, 4, True), (60, 12, 4, False), (60, 12, 4, True), (120, 24, 5, True), (300, 60, 4, True)]
    for people, tables, rounds, hosts in mixed:
        measure(f"{people} people, {tables} tables, {rounds} rounds{', hosts' if hosts else ''}, 5 themes",
                RotationRequest(participants(people, tables, hosts), tables, rounds, themes, seed=1))

    header("Small tight cafés (themes rank first, so repeats rise above the bound)")
    tight = tuple(Participant(i + 1, PERSPECTIVES[i % 3], host=i < 4) for i in range(16))
    for mode in ("rotate", "fixed"):
        measure(f"16 people, 4 tables, 4 hosts, 3 rounds, 4 themes, {mode}",
                RotationRequest(tight, 4, 3, themes[:4], mode, seed=1))

    header("Named instances (perfect schedules exist)")
    named = [
        ("9 people, 3 tables of 3, 4 rounds", participants(9, 3, False, False), 3, 4, ()),
        ("16 people, 4 tables of 4, 5 rounds", participants(16, 4, False, False), 4, 5, ()),
        ("Kirkman: 15 people, 5 tables of 3, 7 rounds", participants(15, 5, False, False), 5, 7, ()),
        ("40 people, 8 tables, hosts, 4 rounds, 8 themes", participants(40, 8, True), 8, 4, tuple(f"T{i}" for i in range(8))),
        ("40 people, 8 tables, hosts, 4 rounds, 4 themes", participants(40, 8, True), 8, 4, themes[:4]),
        ("40 people, 8 tables, hosts, 4 rounds, no themes", participants(40, 8, True), 8, 4, ()),
    ]
    for label, people_, tables, rounds, names in named:
        measure(label, RotationRequest(people_, tables, rounds, names, seed=1))

    header("People who prefer not to move, and re-planning after rounds already played")
    access = [
        ("40 people, 8 tables, hosts + 3 stay, 4 rounds, 4 themes", participants(40, 8, True, stays=3), 8, 4, themes[:4]),
        ("60 people, 12 tables, 6 stay, 4 rounds, 5 themes", participants(60, 12, False, stays=6), 12, 4, themes),
        ("120 people, 24 tables, hosts + 10 stay, 5 rounds", participants(120, 24, True, stays=10), 24, 5, themes),
    ]
    for label, people_, tables, rounds, names in access:
        measure(label, RotationRequest(people_, tables, rounds, names, seed=1))
    for played in (1, 2):
        for label, people_, tables, rounds, names in (named[3], named[4], access[1]):
            full = RotationRequest(people_, tables, rounds, names, seed=1)
            history = tuple(tuple(round_) for round_ in plan_rotation(replace(full, seed=7))[:played])
            measure(f"{label.split(',')[0]}, {tables} tables, {played} played, {len(names)} themes",
                    replace(full, seating=history))

    header("Scale: 1,000 people at 200 tables over 4 rounds (target < 2 s)")
    for hosts in (False, True):
        measure(f"1000 people, 200 tables, 4 rounds{', hosts' if hosts else ''}",
                RotationRequest(participants(1000, 200, hosts), 200, 4, themes[:4], seed=1), trials=2)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
