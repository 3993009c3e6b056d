"""The whole-café planner: hard rules always, then unseen themes, new people, spread perspectives."""
from __future__ import annotations

from collections import Counter
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cafe.domain.rotation.designs import KIRKMAN_15, grid_columns, prime_power, ring
from cafe.domain.rotation.planner import Participant, RotationError, RotationRequest, TableSeating, plan_rotation
from cafe.domain.rotation.metrics import plan_metrics


def people(count: int, hosts: int = 0, stays: tuple[int, ...] = (), perspectives: str = "") -> tuple[Participant, ...]:
    return tuple(
        Participant(i, perspectives[i % len(perspectives)] if perspectives else None, host=i <= hosts, stays=i in stays)
        for i in range(1, count + 1)
    )


def metrics(request: RotationRequest, effort: float = 1.0) -> dict[str, int]:
    return plan_metrics(plan_rotation(request, effort), request.participants)


def seats_of(plan: list[list[TableSeating]]) -> list[dict[object, int]]:
    return [{pid: t.table for t in tables for pid in t.members} for tables in plan]


# ------------------------------------------------------------ known perfect schedules


@pytest.mark.parametrize(
    ("count", "tables", "rounds"),
    [(9, 3, 4), (16, 4, 5), (15, 5, 7), (25, 5, 6), (20, 5, 4)],
    ids=["affine-3", "affine-4", "kirkman", "affine-5", "grid-5x4"],
)
def test_nobody_meets_anyone_twice_where_a_perfect_schedule_exists(count, tables, rounds):
    figures = metrics(RotationRequest(people(count), tables, rounds))
    assert figures["repeat_encounters"] == 0
    assert figures["max_size_gap"] == 0


def test_a_café_with_staying_hosts_meets_no_one_twice_and_repeats_no_theme():
    themes = tuple(f"T{i}" for i in range(8))
    figures = metrics(RotationRequest(people(40, hosts=8, perspectives="abc"), 8, 4, themes))
    assert figures["repeat_encounters"] == 0
    assert figures["theme_repeats"] == 0
    assert figures["moves_of_stayers"] == 0


def test_a_thousand_people_are_planned_with_no_one_meeting_twice():
    figures = metrics(RotationRequest(people(1000, perspectives="abcd"), 200, 4, ("A", "B", "C", "D")))
    assert figures["repeat_encounters"] == 0
    assert figures["theme_repeats"] == 0


# ------------------------------------------------------------ goals


@pytest.mark.parametrize(("count", "tables", "rounds", "themes"), [(24, 6, 4, 4), (40, 8, 4, 4), (30, 6, 3, 5)])
def test_no_traveller_sees_a_theme_twice_when_there_are_enough_themes(count, tables, rounds, themes):
    names = tuple(f"theme {i}" for i in range(themes))
    figures = metrics(RotationRequest(people(count, hosts=tables), tables, rounds, names), effort=0.5)
    assert figures["theme_repeats"] == 0


def test_perspectives_are_spread_over_the_tables_of_every_round():
    request = RotationRequest(people(24, perspectives="aabbbc"), 6, 3)
    assert metrics(request)["perspective_spread"] == 0


def test_in_fixed_mode_each_table_keeps_its_theme():
    plan = plan_rotation(RotationRequest(people(12), 4, 3, ("A", "B", "C"), theme_mode="fixed"), 0.2)
    for tables in plan:
        assert [t.theme for t in tables] == ["A", "B", "C", "A"]


def test_in_rotate_mode_themes_move_and_every_round_offers_them_all():
    plan = plan_rotation(RotationRequest(people(12), 3, 3, ("A", "B", "C")), 0.2)
    for tables in plan:
        assert sorted(t.theme for t in tables) == ["A", "B", "C"]
    assert [t.theme for t in plan[0]] != [t.theme for t in plan[1]]


# ------------------------------------------------------------ hosts, stayers and the seating so far


def test_hosts_host_one_table_each_and_stayers_never_move():
    request = RotationRequest(people(20, hosts=4, stays=(9, 10)), 4, 4)
    plan = plan_rotation(request, 0.2)
    for tables in plan:
        assert [t.host for t in tables] == [1, 2, 3, 4]
        assert all(t.members[0] == t.host for t in tables)
    for person in (1, 2, 3, 4, 9, 10):
        assert len({seats[person] for seats in seats_of(plan)}) == 1
    assert seats_of(plan)[0][9] != seats_of(plan)[0][10]  # stayers spread over the tables


def test_rounds_already_seated_are_kept_and_hosts_keep_the_table_they_sat_at():
    first = tuple(TableSeating(t, None, None, tuple(range(t, 13, 3))) for t in (1, 2, 3))  # 1 sits at table 1
    request = RotationRequest((*people(12, hosts=1), Participant(13)), 3, 3, seating=(first,))
    plan = plan_rotation(request, 0.2)
    assert [t.members for t in plan[0]] == [t.members for t in first]
    for seats in seats_of(plan)[1:]:
        assert seats[1] == 1
        assert 13 in seats  # the late arrival is seated
    assert plan_metrics(plan, request.participants)["max_size_gap"] <= 1


def test_people_who_left_are_not_seated_again():
    first = (TableSeating(1, None, None, (1, 2, 99)), TableSeating(2, None, None, (3, 4)))
    plan = plan_rotation(RotationRequest(people(4), 2, 2, seating=(first,)), 0.2)
    assert sorted(seats_of(plan)[1]) == [1, 2, 3, 4]


def test_the_same_request_and_seed_give_the_same_plan_and_another_seed_may_not():
    request = RotationRequest(people(30, hosts=6, perspectives="ab"), 6, 4, ("A", "B", "C", "D"), seed=5)
    assert plan_rotation(request, 0.2) == plan_rotation(request, 0.2)


# ------------------------------------------------------------ requests that cannot be met


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (RotationRequest((*people(3), Participant(2)), 2, 2), "more than once"),
        (RotationRequest(people(10), 2, 2, max_size=4), "do not fit"),
        (RotationRequest(people(5), 3, 2, min_size=2), "cannot fill"),
        (RotationRequest(people(6, hosts=3), 2, 2), "hosts"),
        (RotationRequest(people(6, stays=(1, 2, 3, 4)), 1, 2, max_size=3), "do not fit"),
        (RotationRequest(people(6), 2, 2, theme_mode="spin"), "theme_mode"),
        (RotationRequest(people(6), 0, 2), "tables"),
    ],
)
def test_impossible_requests_are_refused_with_a_reason(request_, message):
    with pytest.raises(RotationError, match=message):
        plan_rotation(request_)


# ------------------------------------------------------------ the designs themselves


def test_the_embedded_kirkman_solution_seats_every_pair_together_exactly_once():
    pairs = Counter(frozenset(p) for day in KIRKMAN_15 for triple in day for p in combinations(triple, 2))
    assert len(pairs) == 105 and set(pairs.values()) == {1}
    assert all(sorted(x for triple in day for x in triple) == list(range(15)) for day in KIRKMAN_15)


@pytest.mark.parametrize("size", [4, 8, 9])
def test_finite_fields_have_inverses_for_every_nonzero_element(size):
    field = ring(size)
    assert field.is_field and prime_power(size)
    for a in range(1, size):
        assert sum(field.mul(a, b) == 1 for b in range(1, size)) == 1


def test_grid_columns_in_the_integers_modulo_ten_avoid_zero_divisors():
    r = ring(10)
    columns = grid_columns(r, [0, 1, 2, 3], 4, range(1, 10))
    assert columns is not None
    for a, b in combinations(columns, 2):
        assert all(r.mul(g, r.sub(a, b)) != 0 for g in (1, 2, 3))


# ------------------------------------------------------------ property: the hard rules on any input


@st.composite
def requests(draw):
    tables = draw(st.integers(1, 6))
    count = draw(st.integers(tables, 30))
    hosts = draw(st.integers(0, tables))
    stays = draw(st.lists(st.integers(1, count), max_size=4, unique=True))
    rounds = draw(st.integers(1, 4))
    themes = tuple(f"t{i}" for i in range(draw(st.integers(0, 5))))
    mode = draw(st.sampled_from(["rotate", "fixed"]))
    return RotationRequest(people(count, hosts, tuple(stays), draw(st.sampled_from(["", "ab", "abcc"]))),
                           tables, rounds, themes, mode, seed=draw(st.integers(0, 1000)))


@settings(max_examples=60, deadline=None, derandomize=True)
@given(requests())
def test_any_plan_seats_everyone_once_a_round_keeps_fixed_seats_and_balances_tables(request_):
    plan = plan_rotation(request_, effort=0.02)
    ids = sorted(p.id for p in request_.participants)
    fixed = {p.id for p in request_.participants if p.fixed}
    assert len(plan) == request_.rounds
    for tables in plan:
        assert [t.table for t in tables] == list(range(1, request_.tables + 1))
        seated = [pid for t in tables for pid in t.members]
        assert sorted(seated) == ids
        sizes = [len(t.members) for t in tables]
        unmovable = Counter(seats_of([tables])[0][pid] for pid in fixed)
        if max(unmovable.values(), default=0) <= len(ids) // request_.tables:
            assert max(sizes) - min(sizes) <= 1
    for pid in fixed:
        assert len({seats[pid] for seats in seats_of(plan)}) == 1
    figures = plan_metrics(plan, request_.participants)
    assert figures["moves_of_stayers"] == 0
