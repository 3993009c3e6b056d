"""Table counts and sizes, the emptiest table, and the theme stride: the small rules the live
café's seating relies on. The seating itself is planned for the whole café by `planner`."""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence


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
