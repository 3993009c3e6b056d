"""Quality figures of a rotation plan, the same for the planner, the CLI and the benchmark.

- repeat_encounters: how many times two people who already shared a table share one again
  (a pair together in c rounds counts c - 1).
- theme_repeats: how many times a traveller (neither host nor stayer) meets a theme again
  while a theme they have not seen is on offer somewhere in that round.
- host_theme_repeats: the same for hosts and people who stay at one table, when themes rotate:
  they sit still, so their table's theme coming round again is them hearing it again (a re-plan
  that moves themes between tables can do that; with fixed themes a table keeps its theme by
  design and nothing is counted).
- max_size_gap: the largest difference between the biggest and smallest table of a round.
- perspective_spread: for every round, perspective and table, how far the table's count of
  people with that perspective lies outside its even share: with n of them seated in the round
  over T tables, each table should hold floor(n / T) or ceil(n / T); a table holding c counts
  max(0, c - ceil(n / T)) + max(0, floor(n / T) - c). Summed; 0 means every perspective is as
  evenly spread as the numbers allow in every round.
- perspective_clustered: tables, per round and perspective, holding more than ceil(n / T) of it
  (what a facilitator sees as "they all sat together").
- perspective_missing: tables, per round and perspective, with nobody of a perspective that has
  at least as many people in the room as there are tables (so every table could have one).
- moves_of_stayers: times a host or a person who prefers not to move changed table.
- travellers_staying: times a traveller sat at the same table two rounds running.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from itertools import combinations

from cafe.domain.rotation.planner import Participant, TableSeating


def plan_metrics(rounds: Sequence[Sequence[TableSeating]], participants: Sequence[Participant],
                 themes_move: bool = True) -> dict[str, int]:
    """Every quality figure of a plan (rounds of tables, as the planner returns them); `themes_move`
    is False for a café whose tables keep their theme (theme_mode "fixed")."""
    people = {p.id: p for p in participants}
    together: Counter[frozenset[Hashable]] = Counter()
    seen: dict[Hashable, set[str]] = {pid: set() for pid in people}
    last: dict[Hashable, int] = {}
    figures = {"repeat_encounters": 0, "theme_repeats": 0, "host_theme_repeats": 0, "max_size_gap": 0,
               "perspective_spread": 0, "perspective_clustered": 0, "perspective_missing": 0, "moves_of_stayers": 0,
               "travellers_staying": 0}
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
                if table.theme is not None and (themes_move or not person.fixed):
                    if table.theme in seen[pid] and not offered <= seen[pid]:
                        figures["host_theme_repeats" if person.fixed else "theme_repeats"] += 1
                    seen[pid].add(table.theme)
        for name, value in perspective_figures(tables, people).items():
            figures[name] += value
    return figures


def perspective_counts(tables: Sequence[TableSeating], people: Mapping[Hashable, Participant]) -> dict[str, list[int]]:
    """Perspective -> how many people holding it sit at each table of one round."""
    counts: dict[str, list[int]] = {}
    for i, table in enumerate(tables):
        for pid in table.members:
            person = people.get(pid)
            if person is not None and person.perspective:
                counts.setdefault(person.perspective, [0] * len(tables))[i] += 1
    return counts


def perspective_figures(tables: Sequence[TableSeating], people: Mapping[Hashable, Participant]) -> dict[str, int]:
    """Spread, clustered and missing (see the module docstring) for one round."""
    figures = {"perspective_spread": 0, "perspective_clustered": 0, "perspective_missing": 0}
    for row in perspective_counts(tables, people).values():
        low, high = _shares(sum(row), len(row))
        for c in row:
            figures["perspective_spread"] += max(0, c - high) + max(0, low - c)
            figures["perspective_clustered"] += c > high
            figures["perspective_missing"] += low >= 1 and c == 0
    return figures


def perspective_spread(tables: Sequence[TableSeating], people: Mapping[Hashable, Participant]) -> int:
    """How far the perspectives of one round lie outside their even shares (0: as even as can be)."""
    return perspective_figures(tables, people)["perspective_spread"]


def spread_lower_bound(perspectives: Sequence[str | None], tables: int, fixed: Mapping[int, int]) -> int:
    """The least perspective_spread of one round, given everyone's perspective and the table
    (from 0) of those who cannot move (`fixed`: person index -> table): each perspective on its
    own, the movable people of it added to the table holding fewest of it, table sizes ignored."""
    total = 0
    for kind in dict.fromkeys(k for k in perspectives if k):
        row = [0] * tables
        for i, t in fixed.items():
            row[t] += perspectives[i] == kind
        movable = sum(1 for i, k in enumerate(perspectives) if k == kind and i not in fixed)
        for _ in range(movable):
            row[row.index(min(row))] += 1
        low, high = _shares(sum(row), tables)
        total += sum(max(0, c - high) + max(0, low - c) for c in row)
    return total


def _shares(count: int, tables: int) -> tuple[int, int]:
    """The fewest and most of `count` people each of `tables` tables holds when split evenly."""
    low, extra = divmod(count, tables)
    return low, low + (extra > 0)


def repeat_lower_bound(people: int, tables: int, rounds: int, hosts: int = 0, fixed_at: Sequence[int] = ()) -> int:
    """A floor no plan can go below on repeat_encounters (balanced tables, `hosts` at one table
    each, themes ignored): the larger of two counts. Pigeonhole: in each round after the first,
    a table of s people drawn from the previous round's tables seats at least the pairs of s
    split as evenly as possible over those tables together again. Partners: a person with more
    seats beside them over the café than people they can meet must meet someone twice. Fixed:
    `fixed_at` counts the people who cannot move at each table, and they meet every round."""
    if people < 2 or tables < 1 or rounds < 1:
        return 0
    low, extra = divmod(people, tables)
    sizes = [low + 1] * extra + [low] * (tables - extra)
    pigeonhole = (rounds - 1) * sum(_even_pairs(s, tables) for s in sizes)
    # Everyone sits at a table of at least `low`; hosts never share a table with one another.
    travellers = people - hosts
    excess = travellers * max(0, rounds * (low - 1) - (people - 1))
    excess += hosts * max(0, rounds * (low - 1) - (people - hosts))
    fixed = (rounds - 1) * sum(k * (k - 1) // 2 for k in fixed_at)
    return max(pigeonhole, (excess + 1) // 2, fixed)


def _even_pairs(size: int, bins: int) -> int:
    """Pairs sharing a bin when `size` things are spread as evenly as possible over `bins`."""
    low, extra = divmod(size, bins)
    return extra * (low + 1) * low // 2 + (bins - extra) * low * (low - 1) // 2
