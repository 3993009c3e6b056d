"""Even out perspectives over the tables without giving up anything the café ranks higher.

Runs after the annealing, in two steps. With no rounds played yet, `relabel` chooses who walks
which route (a traveller's tables, round by round): the routes stay, so encounters, themes and
sitting still cannot change, and an annealing on the labels alone may roam freely. Then
`even_out` swaps two travellers of different perspectives, in one round or along their whole
routes, keeping a swap only if it leaves theme repeats and encounters no worse and perspectives
no less even (swaps that change nothing the café counts are kept too, to walk across plateaus).
Deterministic: a seeded generator and an iteration budget.
"""
from __future__ import annotations

import math
import random

from collections.abc import Callable

from cafe.domain.rotation.search import Schedule

def uneven(schedule: Schedule, counts: list[list[list[int]]] | None = None) -> list[tuple[int, int, int, int]]:
    """(round, table, perspective, how many too many (+) or too few (-)) wherever a table holds
    a perspective outside its even share of that round (floor or ceil of count / tables)."""
    found = []
    tables = schedule.tables
    for r, row in enumerate(schedule.counts if counts is None else counts):
        for k in range(schedule.kinds):
            total = sum(table[k] for table in row)
            low, extra = divmod(total, tables)
            high = low + (extra > 0)
            for t, table in enumerate(row):
                c = table[k]
                if c > high:
                    found.append((r, t, k, c - high))
                elif c < low:
                    found.append((r, t, k, c - low))
    return found


def even_out(schedule: Schedule, *, iterations: int, seed: int) -> None:
    """Swap travellers to bring every perspective to its even share, never at the cost of a
    theme repeat or an encounter; a less even step is taken now and then while warm, and the
    best plan seen is kept. Stops early once all are even."""
    if schedule.kinds == 0 or schedule.tables < 2 or iterations <= 0:
        return
    rng = random.Random(seed)
    whole = {p for p in range(schedule.people)
             if not schedule.fixed[p] and all(seats[p] >= 0 for seats in schedule.seat)}
    # Without rounds played, two whole itineraries trading places change nobody's encounters,
    # themes or sitting still: only the perspectives each table sees.
    routes_free = not schedule.past
    # A traveller moved to a table of another theme may see it twice: tables sharing a theme
    # are the likeliest partners, else a chain of swaps over the rounds keeps themes new.
    alike = _tables_by_theme(schedule)
    hot, cold = 2.0, 0.2
    cooling = (cold / hot) ** (1.0 / iterations)
    temperature = hot

    def accept(parts: tuple[int, int, int, int]) -> bool:
        theme, meet, spread, stay = parts
        if theme > 0 or meet > 0:
            return False
        if spread > 0:  # a step back on perspectives alone, while warm, to leave a dead end
            return rng.random() < math.exp(-spread / temperature)
        return spread < 0 or stay <= 0

    def standing() -> tuple[int, int, int, int]:
        return schedule.theme_cost, schedule.meet_cost, schedule.spread_cost, schedule.stay_cost

    best, best_plan = standing(), schedule.snapshot()
    todo: list[tuple[int, int, int, int]] = []
    for step in range(iterations):
        temperature *= cooling
        if step % 128 == 0 or not todo:
            todo = uneven(schedule)
            if not todo:
                return
        if standing() < best:
            best, best_plan = standing(), schedule.snapshot()
        r, a, k, off = todo[rng.randrange(len(todo))]
        move = _pick(schedule, rng, r, a, k, off, alike[r][schedule.theme[r][a]])
        if move is None:
            continue
        p, q = move  # p holds perspective k and leaves its table for q's
        _try_swap(schedule, r, p, q, p in whole and q in whole, routes_free, accept)
    if best < standing():
        schedule.load(*best_plan)


def _tables_by_theme(schedule: Schedule) -> list[dict[int, list[int]]]:
    """Per round, theme -> the tables holding it."""
    alike: list[dict[int, list[int]]] = []
    for row in schedule.theme:
        same: dict[int, list[int]] = {}
        for t, th in enumerate(row):
            same.setdefault(th, []).append(t)
        alike.append(same)
    return alike


def _try_swap(schedule: Schedule, r: int, p: int, q: int, both_whole: bool, routes_free: bool,
              accept: Callable[[tuple[int, int, int, int]], bool]) -> None:
    """Swap p and q if `accept` takes the change: along their whole routes when both travel every
    round, else in round r when the tables share a theme, else along a chain that keeps themes new."""
    all_rounds = list(range(schedule.rounds))
    if both_whole:
        parts = (0, 0, _route_spread(schedule, p, q), 0) if routes_free else schedule.chain_parts(p, q, all_rounds)
        if accept(parts):
            _swap_along(schedule, p, q, all_rounds)
            return
    seats = schedule.seat[r]
    if schedule.theme[r][seats[p]] == schedule.theme[r][seats[q]]:
        if accept(schedule.swap_parts(r, p, q)):
            schedule.swap(r, p, q)
        return
    chain = schedule.chain(p, q, r)
    if chain is not None and accept(schedule.chain_parts(p, q, chain)):
        _swap_along(schedule, p, q, chain)


def _swap_along(schedule: Schedule, p: int, q: int, rounds: list[int]) -> None:
    for rr in rounds:
        if schedule.seat[rr][p] != schedule.seat[rr][q]:
            schedule.swap(rr, p, q)


def _route_spread(schedule: Schedule, p: int, q: int) -> int:
    """Change in perspective squares if p and q traded their whole itineraries."""
    kp, kq = schedule.perspective[p], schedule.perspective[q]
    change = 0
    for seats, row in zip(schedule.seat, schedule.counts, strict=False):
        a, b = seats[p], seats[q]
        if a != b:
            if kp >= 0:
                change += 2 * (row[b][kp] - row[a][kp] + 1)
            if kq >= 0:
                change += 2 * (row[a][kq] - row[b][kq] + 1)
    return change


def _pick(schedule: Schedule, rng: random.Random, r: int, a: int, k: int, off: int,
          alike: list[int]) -> tuple[int, int] | None:
    """Two travellers to swap in round r: one of perspective k leaving a table with too many of
    it (or from a fuller table, when table a has too few) for one of another perspective at a
    table with fewer (table a itself when it has too few); the other table is the best of a few
    drawn at random (often among the tables sharing table a's theme, `alike`), so a big room
    costs no more than a small one."""
    counts = schedule.counts[r]
    members = schedule.members[r]
    fixed, perspective = schedule.fixed, schedule.perspective
    pool = alike if len(alike) > 1 and rng.random() < 0.5 else range(schedule.tables)
    drawn = [t for t in (rng.choice(pool) for _ in range(6)) if t != a]
    if not drawn:
        return None
    if off > 0:
        source, target = a, min(drawn, key=lambda t: counts[t][k])
        if counts[target][k] >= counts[a][k] - 1:
            return None
    else:
        source, target = max(drawn, key=lambda t: counts[t][k]), a
        if counts[source][k] <= counts[a][k] + 1:
            return None
    leaving = [p for p in members[source] if perspective[p] == k and not fixed[p]]
    arriving = [q for q in members[target] if perspective[q] != k and not fixed[q]]
    if not leaving or not arriving:
        return None
    return rng.choice(leaving), rng.choice(arriving)


def relabel(schedule: Schedule, *, iterations: int, seed: int) -> None:
    """With no rounds played, choose which traveller walks which route (their tables, round by
    round) so that perspectives come out even: the routes stay as they are, so nobody's
    encounters, themes or sitting still change. Simulated annealing on the labels alone."""
    if schedule.past or schedule.kinds == 0 or schedule.tables < 2 or iterations <= 0:
        return
    whole = [p for p in range(schedule.people)
             if not schedule.fixed[p] and all(seats[p] >= 0 for seats in schedule.seat)]
    labels = [schedule.perspective[p] for p in whole]
    if len(set(labels)) < 2:
        return
    routes = [[seats[p] for seats in schedule.seat] for p in whole]
    counts = [[list(table) for table in row] for row in schedule.counts]
    rng = random.Random(seed)
    at: list[list[list[int]]] = [[[] for _ in range(schedule.tables)] for _ in routes[0]]  # round, table -> routes through it
    for i, route in enumerate(routes):
        for r, t in enumerate(route):
            at[r][t].append(i)
    cost = best_cost = 0
    best = list(labels)
    hot, cold = 4.0, 0.3
    cooling = (cold / hot) ** (1.0 / iterations)
    temperature = hot
    n = len(whole)
    todo: list[tuple[int, int, int, int]] = []
    for step in range(iterations):
        temperature *= cooling
        if step % 64 == 0:
            todo = uneven(schedule, counts)
            if not todo:
                break
        pair = _pick_routes(rng, n, schedule.tables, todo, counts, at, labels)
        if pair is None:
            continue
        i, j = pair
        ki, kj = labels[i], labels[j]
        if ki == kj:
            continue
        delta = _trade_delta(routes[i], routes[j], counts, ki, kj)
        if delta > 0 and rng.random() >= math.exp(-delta / temperature):
            continue
        _trade(routes[i], routes[j], counts, ki, kj)
        labels[i], labels[j] = kj, ki
        cost += delta
        if cost < best_cost:
            best_cost, best = cost, list(labels)
    if best_cost >= 0:
        return
    _hand_out(schedule, whole, routes, best)


def _pick_routes(rng: random.Random, n: int, tables: int, todo: list[tuple[int, int, int, int]],
                 counts: list[list[list[int]]], at: list[list[list[int]]], labels: list[int]) -> tuple[int, int] | None:
    """Two routes whose labels to trade: now and then any two, else one labelled k through a table
    with too many k (or a fuller one) and one labelled otherwise through a table with fewer."""
    if rng.random() < 0.2:  # now and then any two, to leave a dead end
        return rng.randrange(n), rng.randrange(n)
    r, a, k, off = todo[rng.randrange(len(todo))]
    row = counts[r]
    drawn = [rng.randrange(tables) for _ in range(6)]
    if off > 0:
        b = min(drawn, key=lambda t: row[t][k])
        source, target = a, b
    else:
        b = max(drawn, key=lambda t: row[t][k])
        source, target = b, a
    with_k = [i for i in at[r][source] if labels[i] == k]
    without = [j for j in at[r][target] if labels[j] != k]
    if not with_k or not without:
        return None
    return rng.choice(with_k), rng.choice(without)


def _trade_delta(route_i: list[int], route_j: list[int], counts: list[list[list[int]]], ki: int, kj: int) -> int:
    """Change in perspective squares if the routes' labels ki and kj traded places."""
    delta = 0
    for r, (a, b) in enumerate(zip(route_i, route_j, strict=False)):
        if a != b:
            row = counts[r]
            if ki >= 0:
                delta += 2 * (row[b][ki] - row[a][ki] + 1)
            if kj >= 0:
                delta += 2 * (row[a][kj] - row[b][kj] + 1)
    return delta


def _trade(route_i: list[int], route_j: list[int], counts: list[list[list[int]]], ki: int, kj: int) -> None:
    """Count the traded labels at their new tables."""
    for r, (a, b) in enumerate(zip(route_i, route_j, strict=False)):
        if a != b:
            row = counts[r]
            if ki >= 0:
                row[a][ki] -= 1
                row[b][ki] += 1
            if kj >= 0:
                row[b][kj] -= 1
                row[a][kj] += 1


def _hand_out(schedule: Schedule, whole: list[int], routes: list[list[int]], best: list[int]) -> None:
    """Give the routes labelled k to the people holding k (people of one perspective are alike
    here), keeping the plan only if nothing the café ranks higher changed."""
    walkers: dict[int, list[int]] = {}
    for p in whole:
        walkers.setdefault(schedule.perspective[p], []).append(p)
    plan, themes = schedule.snapshot()
    before = (schedule.theme_cost, schedule.meet_cost, schedule.stay_cost)
    for route, k in zip(routes, best, strict=False):
        p = walkers[k].pop()
        for r, t in enumerate(route):
            plan[r][p] = t
    kept = schedule.snapshot()
    schedule.load(plan, themes)
    if (schedule.theme_cost, schedule.meet_cost, schedule.stay_cost) != before:  # pragma: no cover - a guard
        schedule.load(*kept)
