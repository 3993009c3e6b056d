"""The small seating rules the live café relies on: table counts, balanced sizes, the emptiest table.

(The seating itself is planned for the whole café; tests/unit/test_planner*.py check its hard rules.)"""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cafe.domain.rotation.tables import balanced_sizes, emptiest_table, tables_needed


def test_emptiest_table_is_the_one_with_fewest_people():
    assert emptiest_table({1: 4, 2: 2, 3: 3}) == 2


def test_emptiest_table_breaks_ties_by_the_lowest_number():
    assert emptiest_table({3: 1, 2: 1, 1: 2}) == 2
    assert emptiest_table({1: 0, 2: 0}) == 1


@pytest.mark.parametrize(
    ("people", "size", "minimum", "expected"),
    [(0, 5, 0, 1), (1, 5, 0, 1), (5, 5, 0, 1), (6, 5, 0, 2), (11, 5, 0, 3), (20, 5, 0, 4), (3, 5, 4, 4), (7, 0, 0, 7)],
)
def test_tables_needed_seats_everyone_at_no_more_than_the_table_size(people, size, minimum, expected):
    assert tables_needed(people, size, minimum) == expected


def test_balanced_sizes_differ_by_at_most_one_and_lower_numbers_take_the_remainder():
    assert balanced_sizes(11, [1, 2, 3]) == {1: 4, 2: 4, 3: 3}
    assert balanced_sizes(12, [3, 1, 2]) == {1: 4, 2: 4, 3: 4}
    assert balanced_sizes(2, [1, 2, 3]) == {1: 1, 2: 1, 3: 0}


@given(st.integers(0, 200), st.lists(st.integers(1, 50), min_size=1, max_size=15, unique=True))
def test_balanced_sizes_always_add_up_to_everyone(people, tables):
    sizes = balanced_sizes(people, tables)
    assert sum(sizes.values()) == people
    assert set(sizes) == set(tables)
    assert max(sizes.values()) - min(sizes.values()) <= 1
