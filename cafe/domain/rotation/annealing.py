"""Simulated annealing over a Schedule: swaps of two people, Kempe chains of swaps that keep
themes new, whole-itinerary swaps, and exchanges of table themes or whole groups.

Deterministic: a seeded generator and an iteration budget, never the clock.
"""
from __future__ import annotations

import math
import random

from cafe.domain.rotation.search import MEET_WEIGHT, Schedule


def _try_chain(schedule: Schedule, p: int, q: int, rounds: list[int], temperature: float, rng: random.Random) -> float:
    """Swap p and q in every given round where they sit apart, if the annealing rule accepts
    the change in cost; returns the change made (0 when refused)."""
    delta = schedule.chain_delta(p, q, rounds)
    if not _accept(delta, temperature, rng):
        return 0
    for rr in rounds:
        if schedule.seat[rr][p] != schedule.seat[rr][q]:
            schedule.swap(rr, p, q)
    return delta


def _accept(delta: float, temperature: float, rng: random.Random) -> bool:
    return delta <= 0 or (delta < 20 * temperature and rng.random() < math.exp(-delta / temperature))


def anneal(schedule: Schedule, *, iterations: int, seed: int, target: int = 0, hot: float = 2.0 * MEET_WEIGHT) -> None:
    """Improve the schedule by swaps, accepting some worse ones while hot to escape dead ends;
    ends holding the best plan seen. Stops early once the cost reaches `target`."""
    rng = random.Random(seed)
    movable = [[p for p in range(schedule.people) if not schedule.fixed[p] and seats[p] >= 0] for seats in schedule.seat]
    rounds = [r for r in range(schedule.rounds) if len(movable[r]) > 1 and schedule.tables > 1]
    best_cost: float = schedule.cost
    best = schedule.snapshot()
    if not rounds or best_cost <= target or iterations <= 0:
        return
    # Swapping two travellers' whole itineraries keeps who-meets-whom of a designed plan intact.
    wanderers = [p for p in movable[0] if all(seats[p] >= 0 for seats in schedule.seat)] if schedule.rounds > 1 else []
    anchored = {t for p, seats in enumerate(schedule.seat[0]) if schedule.fixed[p] and seats >= 0 for t in [seats]}
    loose = [t for t in range(schedule.tables) if t not in anchored]  # tables a whole group may leave
    cold = 0.5
    cooling = (cold / hot) ** (1.0 / iterations)
    temperature = hot
    cost: float = best_cost
    for step in range(iterations):
        temperature *= cooling
        r = rounds[step % len(rounds)]
        roll = rng.random()
        if roll < 0.1 and len(wanderers) > 1:
            delta, settled = _itinerary_swap(schedule, wanderers, temperature, rng)
        elif roll < 0.2 and (schedule.themes_movable or len(loose) > 1):
            delta, settled = _table_exchange(schedule, r, roll, loose, temperature, rng)
        else:
            delta, settled = _seat_swap(schedule, r, movable[r], temperature, rng)
        cost += delta
        if not settled:
            continue
        if cost < best_cost and (cost <= target or temperature < MEET_WEIGHT / 4):
            # Early on the best is soon beaten, so copying the plan waits until it cools.
            best_cost, best = cost, schedule.snapshot()
        if cost <= target:
            return
    if best_cost < cost:
        schedule.load(*best)


# The three kinds of move. Each returns the change in cost it made and whether the step counts
# for keeping the best plan (False: nothing to try, or a plain swap, which goes straight on).

def _itinerary_swap(schedule: Schedule, wanderers: list[int], temperature: float, rng: random.Random) -> tuple[float, bool]:
    """Two travellers swap their whole itineraries."""
    p, q = wanderers[rng.randrange(len(wanderers))], wanderers[rng.randrange(len(wanderers))]
    if p == q:
        return 0, False
    return _try_chain(schedule, p, q, list(range(schedule.rounds)), temperature, rng), True


def _table_exchange(schedule: Schedule, r: int, roll: float, loose: list[int], temperature: float,
                    rng: random.Random) -> tuple[float, bool]:
    """Two tables exchange their themes, or two loose tables their whole groups, in round r."""
    pool = range(schedule.tables) if schedule.themes_movable else loose
    a, b = rng.choice(pool), rng.choice(pool)
    if a == b:
        return 0, False
    move = schedule.theme_swap if schedule.themes_movable and (len(loose) < 2 or roll < 0.15) else schedule.group_swap
    if move == schedule.group_swap and not (a in loose and b in loose):
        return 0, False
    before = schedule.cost
    move(r, a, b)
    delta = schedule.cost - before
    if _accept(delta, temperature, rng):
        return delta, True
    move(r, a, b)
    return 0, True


def _seat_swap(schedule: Schedule, r: int, people: list[int], temperature: float, rng: random.Random) -> tuple[float, bool]:
    """Two people swap seats in round r, or along a chain of rounds that keeps their themes new."""
    p, q = people[rng.randrange(len(people))], people[rng.randrange(len(people))]
    if schedule.seat[r][p] == schedule.seat[r][q]:
        return 0, False
    ta, tb = schedule.theme[r][schedule.seat[r][p]], schedule.theme[r][schedule.seat[r][q]]
    if ta == tb or schedule.rounds == 1:
        delta = schedule.swap_delta(r, p, q)
        if _accept(delta, temperature, rng):
            schedule.swap(r, p, q)
            return delta, False
        return 0, False
    chain = schedule.chain(p, q, r)
    if chain is None:
        return 0, False
    return _try_chain(schedule, p, q, chain, temperature, rng), True
