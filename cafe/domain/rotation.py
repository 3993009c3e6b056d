"""Seating and rotation: hosts stay, travellers move to new people and unseen themes.

The live café plans one round at a time with `plan_round`, on the same seating search as the
whole-café planner in `planner` (which also weighs perspectives and starts from known designs).
"""
from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from cafe.domain.annealing import anneal
from cafe.domain.seating_search import MEET_WEIGHT, Schedule
from cafe.domain.seeding import random_start, table_sizes


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
    round being planned. Everyone in `people` is seated exactly once, table sizes differ by at
    most one where the hosts allow, and the seating search weighs unseen themes, new people and
    moving on, in that order.
    """
    people = list(dict.fromkeys(people))
    present = set(people)
    numbers = sorted(set(tables))
    staying = {person: table for table, person in hosts.items() if person in present and table in numbers}
    # Past tables that no longer exist still tell who met whom: give them indices after ours.
    gone = sorted({t for seats in history.seats.values() for t in seats if t is not None and t not in numbers})
    index = {number: i for i, number in enumerate(numbers + gone)}
    everyone = people + [p for p in history.seats if p not in present]
    so_far = max((len(seats) for seats in history.seats.values()), default=0)
    names = {name: i for i, name in enumerate(dict.fromkeys(
        [n for row in history.themes for n in row.values()] + list(themes.values())))}
    past, past_themes = [], []
    for r in range(so_far):
        seats = []
        for person in everyone:
            sat = history.seats.get(person, ())
            seats.append(index[sat[r]] if r < len(sat) and sat[r] is not None else -1)
        past.append(seats)
        row = history.themes[r] if r < len(history.themes) else {}
        past_themes.append([names[row[n]] if n in row else -1 for n in index])
    position = {person: i for i, person in enumerate(people)}
    fixed = {position[person]: index[table] for person, table in staying.items()}
    counts = [0] * len(numbers)
    for t in fixed.values():
        counts[t] += 1
    start = random_start(len(everyone), len(people), fixed, table_sizes(len(people), counts), 1, random.Random(seed))
    schedule = Schedule(
        tables=len(numbers), past=past, past_themes=past_themes, planned=start,
        themes=[[names[themes[n]] if n in themes else -1 for n in numbers]],
        fixed=[i in fixed for i in range(len(everyone))], perspectives=[-1] * len(everyone), themes_movable=False,
        stay_weight=MEET_WEIGHT // 6,  # travellers travel when it costs no new encounter
    )
    anneal(schedule, iterations=max(600, min(6000, 40 * len(people))), seed=seed, target=schedule.floor)
    return {person: numbers[schedule.seat[0][i]] for i, person in enumerate(people)}
