"""Starting plans for the seating search: a random one, and designs that are already perfect.

A plan here is, per round, the table (from 0) of every person index (-1 when absent).
"""
from __future__ import annotations

import heapq
import math
import random
from collections import Counter
from collections.abc import Mapping, Sequence

from cafe.domain.rotation.designs import grid_columns, grid_rounds, kirkman_rounds, ring, themed_grid
from cafe.domain.rotation.search import PERSPECTIVE_WEIGHT

Plan = list[list[int]]


def random_start(everyone: int, present: int, fixed: Mapping[int, int], sizes: Sequence[int],
                 rounds: int, rng: random.Random) -> Plan:
    """Unmovable people at their tables, the rest shuffled into the seats left."""
    plan = []
    travellers = [i for i in range(present) if i not in fixed]
    room = list(sizes)
    for t in fixed.values():
        room[t] -= 1
    slots = [t for t, free in enumerate(room) for _ in range(free)]
    for _ in range(rounds):
        seats = [-1] * everyone
        for i, t in fixed.items():
            seats[i] = t
        rng.shuffle(travellers)
        for i, t in zip(travellers, slots, strict=False):
            seats[i] = t
        plan.append(seats)
    return plan


def table_sizes(people: int, fixed: Sequence[int]) -> list[int]:
    """Sizes as even as the unmovable seats allow: fill the emptiest table, lowest number first."""
    sizes = list(fixed)
    heap = [(size, t) for t, size in enumerate(sizes)]
    heapq.heapify(heap)
    for _ in range(people - sum(sizes)):
        size, t = heapq.heappop(heap)
        sizes[t] = size + 1
        heapq.heappush(heap, (size + 1, t))
    return sizes


def spread_target(perspectives: Sequence[int], tables: int, rounds: int) -> int:
    """The least perspective cost any plan can have: every perspective as even as it divides."""
    best = 0
    for count in Counter(k for k in perspectives if k >= 0).values():
        low, extra = divmod(count, tables)
        best += extra * (low + 1) ** 2 + (tables - extra) * low**2
    return PERSPECTIVE_WEIGHT * best * rounds


def _plan_from_groups(groups: list[list[list[int]]], points: Mapping[int, int], everyone: int) -> Plan:
    plan = []
    for tables in groups:
        seats = [-1] * everyone
        for t, members in enumerate(tables):
            for point in members:
                if point in points:
                    seats[points[point]] = t
        plan.append(seats)
    return plan


def designed_starts(people: int, tables: int, rounds: int, fixed: Mapping[int, int],
                    perspectives: Sequence[int], themes: int) -> list[tuple[Plan, list[list[int]] | None]]:
    """Plans from finite geometry where they fit: one unmovable person per table at most,
    tables of nearly the same size. People of one perspective fill a column together, and a
    column meets each table once per round, so perspectives start evenly spread. With as many
    themes as tables, a design may bring its own theme rotation (table t has theme t + l * m_r):
    then person (x, y) discusses y + (c_x + l) * m_r, a new theme every round when c_x + l != 0."""
    if rounds == 0 or tables < 2 or any(c > 1 for c in Counter(fixed.values()).values()):
        return []
    travellers = sorted((i for i in range(people) if i not in fixed), key=lambda i: (perspectives[i] < 0, perspectives[i], i))
    starts: list[tuple[list[list[int]], list[list[int]] | None]] = []
    if people == 15 and tables == 5 and rounds <= 7 and not fixed:
        starts.append((_plan_from_groups(kirkman_rounds(rounds), dict(zip(range(15), travellers, strict=False)), people), None))
    size = math.ceil(people / tables)
    if size < 2:
        return starts
    r = ring(tables)
    virtual = not fixed  # nobody needs to stay: leave the standing-still column empty
    options: list[list[int | None]] = []
    for stride in dict.fromkeys([1, max(1, themes), 2, 3, tables + 1]):
        steps = [round_no * stride % tables for round_no in range(rounds)]
        if len(set(steps)) == rounds:
            options.append(list(steps))
    if r.is_field and size == tables and not fixed and rounds == tables + 1:
        options = [[*range(tables), None]]
    for multipliers in options:
        numbers = [m for m in multipliers if m is not None]
        chosen = grid_columns(r, numbers, size if virtual and size < tables else size - 1, range(1, tables))
        if chosen is None:
            continue
        columns = chosen[1:size + 1] if virtual and size < tables else chosen[:size]
        missing = size * tables - people
        removed = {(size - 1) * tables + y for y in range(tables - missing, tables)}
        points: dict[int, int] = {t: i for i, t in fixed.items()}  # column 0, row = their table
        free = [x * tables + y for x in range(size) for y in range(tables)
                if x * tables + y not in removed and not (x == 0 and y in points)]
        points.update(zip(free, arrange(travellers, perspectives, free, tables), strict=False))
        plan = _plan_from_groups(grid_rounds(r, multipliers, columns), points, people)
        starts.append((plan, None))
        if themes == tables and None not in multipliers:
            for shift in [s for s in range(1, tables) if s not in columns][:3]:
                rotation = [[r.add(t, r.mul(shift, m)) for t in range(tables)] for m in numbers]
                starts.append((plan, rotation))
    return starts


def arrange(travellers: Sequence[int], perspectives: Sequence[int], free: Sequence[int], tables: int) -> list[int]:
    """Travellers in the order they take the design's free points (x * tables + y, column x).

    A column of a grid design seats one of its people at each table in every round, so a
    perspective that fills whole columns and at most one part of another is spread evenly in
    every round. Perspectives, largest first, take whole empty columns, then the column whose
    room fits the rest most tightly; people with no perspective fill what is left."""
    room = Counter(point // tables for point in free)
    left = dict(room)
    placed: dict[int, list[int]] = {x: [] for x in room}
    groups: dict[int, list[int]] = {}
    for i in travellers:
        groups.setdefault(perspectives[i], []).append(i)
    unknown = groups.pop(-1, [])

    def put(x: int, people: list[int]) -> None:
        placed[x].extend(people)
        left[x] -= len(people)

    for group in sorted(groups.values(), key=len, reverse=True):
        rest = list(group)
        for x in sorted(room, key=lambda x: -room[x]):
            if left[x] == room[x] == tables and len(rest) >= tables:
                put(x, rest[:tables])
                rest = rest[tables:]
        while rest:
            fits = [x for x in left if left[x] >= len(rest)]
            x = min(fits, key=lambda x: (left[x], x)) if fits else max(left, key=lambda x: (left[x], -x))
            take = min(len(rest), left[x])
            put(x, rest[:take])
            rest = rest[take:]
    for x in sorted(left):
        take = left[x]
        put(x, unknown[:take])
        unknown = unknown[take:]
    return [placed[point // tables].pop(0) for point in free]


def theme_aware_start(everyone: int, present: int, fixed: Mapping[int, int], sizes: Sequence[int],
                      themes: Sequence[Sequence[int]], rng: random.Random) -> Plan:
    """Round by round, each traveller takes a seat at a theme they have not seen, where one is
    free; a traveller left with a seen theme swaps with someone for whom both seats are new."""
    plan = []
    travellers = [i for i in range(present) if i not in fixed]
    seen: dict[int, set[int]] = {i: set() for i in travellers}
    for row in themes:
        room = list(sizes)
        seats = [-1] * everyone
        for i, t in fixed.items():
            seats[i] = t
            room[t] -= 1
        order = list(travellers)
        rng.shuffle(order)
        order.sort(key=lambda i: -len(seen[i]))  # the most constrained choose first
        for i in order:
            open_ = [t for t in range(len(room)) if room[t] > 0]
            fresh = [t for t in open_ if row[t] not in seen[i]]
            t = rng.choice(fresh or open_)
            seats[i] = t
            room[t] -= 1
        for i in order:
            if row[seats[i]] in seen[i] and row[seats[i]] >= 0:
                for j in order:
                    a, b = seats[i], seats[j]
                    if row[b] not in seen[i] and (row[a] not in seen[j] or row[a] < 0):
                        seats[i], seats[j] = b, a
                        break
        for i in travellers:
            seen[i].add(row[seats[i]])
        plan.append(seats)
    return plan


def themed_starts(people: int, tables: int, rounds: int, fixed: Mapping[int, int], perspectives: Sequence[int],
                  themes: int, theme_mode: str) -> list[tuple[Plan, list[list[int]] | None]]:
    """A grid design in which travellers meet a new theme every round though tables share
    themes (say 8 tables, 4 themes: two tables per theme). Tables are numbered so that table
    t's own theme, t mod themes, is its coset: fixed themes fit as they stand, and rotating
    ones come with the design's own rotation."""
    if not 1 < themes < tables or rounds > themes or any(c > 1 for c in Counter(fixed.values()).values()):
        return []
    size = math.ceil(people / tables)
    r = ring(tables)
    if size < 2:
        return []
    virtual = not fixed and size < tables  # nobody needs to stay: try leaving column 0 empty
    grid = themed_grid(r, themes, rounds, size if virtual else size - 1, fixed_themes=theme_mode == "fixed",
                       column_zero_travels=not fixed and not virtual)
    if grid is None and virtual:
        virtual = False  # travellers in column 0 keep their table but still meet new themes
        grid = themed_grid(r, themes, rounds, size - 1, fixed_themes=theme_mode == "fixed", column_zero_travels=True)
    if grid is None:
        return []
    # Table numbers: the elements of coset k take the tables k, k + themes, k + 2 * themes, ...
    number: dict[int, int] = {}
    taken = Counter[int]()
    for u in range(tables):
        k = grid.coset[u]
        number[u] = k + themes * taken[k]
        taken[k] += 1
    element = {t: u for u, t in number.items()}
    columns = list(grid.columns[1:size + 1] if virtual else grid.columns[:size])
    travellers = sorted((i for i in range(people) if i not in fixed), key=lambda i: (perspectives[i] < 0, perspectives[i], i))
    missing = size * tables - people
    removed = {(size - 1) * tables + element[t] for t in range(tables - missing, tables)}
    points: dict[int, int] = {element[t]: i for i, t in fixed.items()}  # column 0, row = their table
    free = [x * tables + y for x in range(size) for y in range(tables)
            if x * tables + y not in removed and not (x == 0 and y in points)]
    points.update(zip(free, arrange(travellers, perspectives, free, tables), strict=False))
    groups = [[members_at[element[t]] for t in range(tables)] for members_at in grid_rounds(r, grid.multipliers, columns)]
    rotation = [[grid.plus(grid.coset[element[t]], shift) for t in range(tables)] for shift in grid.shifts]
    return [(_plan_from_groups(groups, points, people), None if theme_mode == "fixed" else rotation)]


def continued(design: Plan, rotation: list[list[int]] | None, past: Sequence[Sequence[int]], fixed: Mapping[int, int],
              everyone: int) -> tuple[Plan, list[list[int]] | None]:
    """A design for the whole café carried on after the rounds already played: each traveller
    takes the design's place whose tables in those rounds match theirs (most rounds agreeing
    first, late arrivals last), and the design's remaining rounds become a start."""
    played = len(past)
    present = len(design[0])
    history = {i: tuple(seats[i] for seats in past) for i in range(present) if i not in fixed}
    places: dict[tuple[int, ...], list[int]] = {}
    for i in history:
        places.setdefault(tuple(seats[i] for seats in design[:played]), []).append(i)
    place_of: dict[int, int] = {}
    waiting = []
    for i, key in history.items():
        if places.get(key):
            place_of[i] = places[key].pop()
        else:
            waiting.append(i)
    left = [place for key in places for place in places[key]]
    for i in waiting:  # the place agreeing with them in most played rounds
        best = max(range(len(left)), key=lambda k: sum(a == b for a, b in zip(history[i], (s[left[k]] for s in design), strict=False)))
        place_of[i] = left.pop(best)
    plan = []
    for seats in design[played:]:
        row = [-1] * everyone
        for i in range(present):
            row[i] = seats[place_of.get(i, i)]
        plan.append(row)
    return plan, (rotation[played:] if rotation else None)
