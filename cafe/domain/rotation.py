"""Seating and rotation: hosts stay, travellers move to new people and unseen themes.

A correct, simple planner: balanced table sizes, hosts kept at their tables, a greedy placement
of travellers followed by a bounded pass of improving swaps.
"""
from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

# Weights in the order of the café's goals: unseen themes first, then new people, then not
# sitting at the same table again.
THEME_REPEAT = 1000
ENCOUNTER = 10
SAME_TABLE = 1


@dataclass(frozen=True)
class SeatingHistory:
    """Who sat where in the rounds so far (person -> table number per round, None when absent),
    and which theme each table had in each of those rounds."""

    seats: Mapping[int, Sequence[int | None]] = field(default_factory=dict)
    themes: Sequence[Mapping[int, str]] = ()

    def themes_seen(self, person: int) -> set[str]:
        """Themes this person has already discussed."""
        seen = set()
        for round_index, table in enumerate(self.seats.get(person, ())):
            if table is not None and round_index < len(self.themes) and table in self.themes[round_index]:
                seen.add(self.themes[round_index][table])
        return seen

    def met(self) -> dict[int, set[int]]:
        """For every person, the people they have shared a table with."""
        met: dict[int, set[int]] = {person: set() for person in self.seats}
        rounds = max((len(t) for t in self.seats.values()), default=0)
        for round_index in range(rounds):
            by_table: dict[int, list[int]] = {}
            for person, tables in self.seats.items():
                if round_index < len(tables) and tables[round_index] is not None:
                    by_table.setdefault(tables[round_index], []).append(person)
            for members in by_table.values():
                for person in members:
                    met[person].update(m for m in members if m != person)
        return met

    def last_table(self, person: int) -> int | None:
        """Where the person sat most recently."""
        for table in reversed(self.seats.get(person, ())):
            if table is not None:
                return table
        return None


def tables_needed(people: int, table_size: int, min_tables: int = 0) -> int:
    """How many tables seat `people` at no more than `table_size` each."""
    return max(1, min_tables, math.ceil(people / max(1, table_size)))


def theme_stride(themes: int, tables: int) -> int:
    """How far rotating themes move each round. With at least twice as many themes as tables,
    moving them by the number of tables gives every table an unseen theme each round, so
    travellers are free to mix; moving by one would force whole tables to stay together."""
    return tables if tables > 0 and themes >= 2 * tables else 1


def balanced_sizes(people: int, tables: Sequence[int]) -> dict[int, int]:
    """Table sizes that differ by at most one; lower table numbers take the remainder."""
    base, extra = divmod(people, len(tables))
    return {table: base + (1 if index < extra else 0) for index, table in enumerate(sorted(tables))}


def emptiest_table(sizes: Mapping[int, int]) -> int:
    """Where a late joiner goes: the table with fewest people, the lowest number on ties."""
    return min(sizes, key=lambda table: (sizes[table], table))


def plan_round(
    *,
    people: Sequence[int],
    tables: Sequence[int],
    hosts: Mapping[int, int],
    themes: Mapping[int, str],
    history: SeatingHistory,
    seed: int = 0,
) -> dict[int, int]:
    """Seat every person for the next round: person -> table.

    `hosts` maps table -> the person who stays there; `themes` maps table -> its theme in the
    round being planned. Everyone in `people` is seated exactly once.
    """
    rng = random.Random(seed)
    people = list(dict.fromkeys(people))
    staying = {person: table for table, person in hosts.items() if person in people and table in tables}
    travellers = [person for person in people if person not in staying]
    capacity = balanced_sizes(len(people), tables)
    # Hosts sit where they sit even if that table would be "full": balance the rest around them.
    seating: dict[int, int] = dict(staying)
    members: dict[int, list[int]] = {table: [] for table in tables}
    for person, table in staying.items():
        members[table].append(person)
    free = {table: capacity[table] - len(members[table]) for table in tables}
    _fix_overfull(free)

    met = history.met()
    seen = {person: history.themes_seen(person) for person in travellers}
    last = {person: history.last_table(person) for person in travellers}

    def cost(person: int, table: int, others: Sequence[int]) -> int:
        mine = met.get(person, set())
        return (
            THEME_REPEAT * (themes.get(table) in seen[person])
            + ENCOUNTER * sum(1 for other in others if other in mine)
            + SAME_TABLE * (last[person] == table)
        )

    # Greedy placement from several random orders, each polished by improving swaps; the
    # cheapest plan wins. Small rooms get many tries, large ones few, so planning stays fast.
    tries = max(1, min(24, 1200 // max(1, len(travellers))))
    best: tuple[int, dict[int, int]] | None = None
    for attempt in range(tries):
        order = list(travellers)
        rng.shuffle(order)
        if attempt == 0:  # most constrained first: those who have met and seen the most
            order.sort(key=lambda p: (len(seen[p]), len(met.get(p, ()))), reverse=True)
        seats = dict(staying)
        tables_now = {table: list(people_at) for table, people_at in members.items()}
        room = dict(free)
        for person in order:
            options = [table for table in tables if room[table] > 0]
            choice = min(options, key=lambda t: (cost(person, t, tables_now[t]), -room[t], rng.random()))
            seats[person] = choice
            tables_now[choice].append(person)
            room[choice] -= 1
        _improve_by_swaps(order, seats, tables_now, cost, rounds=20)
        total = sum(cost(p, seats[p], [m for m in tables_now[seats[p]] if m != p]) for p in order)
        if best is None or total < best[0]:
            best = (total, seats)
        if total == 0:
            break
    seating = best[1] if best else dict(staying)
    return seating


def _fix_overfull(free: dict[int, int]) -> None:
    # More hosts than a table's share: take the missing seats from the tables with most room.
    for table in sorted(free):
        while free[table] < 0:
            donor = max(free, key=lambda t: free[t])
            if free[donor] <= 0:
                break
            free[donor] -= 1
            free[table] += 1


def _improve_by_swaps(travellers, seating, members, cost, rounds: int) -> None:
    """Swap pairs of travellers at different tables while that lowers the total cost."""
    for _ in range(rounds):
        improved = False
        for i, a in enumerate(travellers):
            for b in travellers[i + 1:]:
                ta, tb = seating[a], seating[b]
                if ta == tb:
                    continue
                rest_a = [m for m in members[ta] if m != a]
                rest_b = [m for m in members[tb] if m != b]
                before = cost(a, ta, rest_a) + cost(b, tb, rest_b)
                after = cost(a, tb, rest_b) + cost(b, ta, rest_a)
                if after < before:
                    members[ta].remove(a)
                    members[tb].remove(b)
                    members[ta].append(b)
                    members[tb].append(a)
                    seating[a], seating[b] = tb, ta
                    improved = True
        if not improved:
            return
