"""Quality figures of a rotation plan, the same for the planner, the CLI and the benchmark.

- repeat_encounters: how many times two people who already shared a table share one again
  (a pair together in c rounds counts c - 1).
- theme_repeats: how many times a traveller (neither host nor stayer) meets a theme again
  while a theme they have not seen is on offer somewhere in that round.
- max_size_gap: the largest difference between the biggest and smallest table of a round.
- perspective_spread: for every round and perspective, how far the largest and smallest count
  of that perspective over the tables differ beyond what the numbers force (0 when the
  perspective divides evenly over the tables, else 1), summed. 0 means every perspective is as
  evenly spread as it can be in every round.
- moves_of_stayers: times a host or a person who prefers not to move changed table.
- travellers_staying: times a traveller sat at the same table two rounds running.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from itertools import combinations

from cafe.domain.planner import Participant, TableSeating


def plan_metrics(rounds: Sequence[Sequence[TableSeating]], participants: Sequence[Participant]) -> dict[str, int]:
    """Every quality figure of a plan (rounds of tables, as the planner returns them)."""
    people = {p.id: p for p in participants}
    together: Counter[frozenset[Hashable]] = Counter()
    seen: dict[Hashable, set[str]] = {pid: set() for pid in people}
    last: dict[Hashable, int] = {}
    figures = dict(repeat_encounters=0, theme_repeats=0, max_size_gap=0, perspective_spread=0,
                   moves_of_stayers=0, travellers_staying=0)
    for tables in rounds:
        sizes = [len(t.members) for t in tables]
        figures["max_size_gap"] = max(figures["max_size_gap"], max(sizes, default=0) - min(sizes, default=0))
        offered = {t.theme for t in tables if t.theme is not None}
        for table in tables:
            for pair in combinations(table.members, 2):
                key = frozenset(pair)
                figures["repeat_encounters"] += together[key] > 0
                together[key] += 1
            for pid in table.members:
                person = people.get(pid)
                if person is None:
                    continue
                if pid in last and last[pid] != table.table and person.fixed:
                    figures["moves_of_stayers"] += 1
                if pid in last and last[pid] == table.table and not person.fixed:
                    figures["travellers_staying"] += 1
                last[pid] = table.table
                if table.theme is not None and not person.fixed:
                    if table.theme in seen[pid] and not offered <= seen[pid]:
                        figures["theme_repeats"] += 1
                    seen[pid].add(table.theme)
        figures["perspective_spread"] += perspective_spread(tables, people)
    return figures


def perspective_spread(tables: Sequence[TableSeating], people: Mapping[Hashable, Participant]) -> int:
    """Unevenness of perspectives over the tables of one round, beyond what the numbers force."""
    counts: dict[str, list[int]] = {}
    for i, table in enumerate(tables):
        for pid in table.members:
            person = people.get(pid)
            if person is not None and person.perspective:
                counts.setdefault(person.perspective, [0] * len(tables))[i] += 1
    total = 0
    for row in counts.values():
        forced = 0 if sum(row) % len(tables) == 0 else 1
        total += max(0, max(row) - min(row) - forced)
    return total
