"""Perspectives spread over the tables: the figures, their floor, and the planner reaching it."""
from __future__ import annotations

import random

import pytest
from hypothesis import given, settings

from cafe.domain.rotation.planner import Participant, RotationRequest, TableSeating, fixed_tables, plan_rotation
from cafe.domain.rotation.metrics import perspective_figures, plan_metrics, spread_lower_bound
from test_planner import requests  # the planner tests' request strategy (pytest puts tests/unit on the path)

MIX = ("lived", "lived", "lived", "lived", "lived", "lived", "lived", "practitioner", "practitioner", "practitioner",
       "carer", "carer", "carer", "manager", "manager", "manager", None, None, None, None)  # 35% lived experience


def mixed_room(count: int, hosts: int) -> tuple[Participant, ...]:
    """People of a mixed room; hosts come from every perspective, not only one."""
    return tuple(Participant(i, MIX[(i * 7) % len(MIX)], host=i <= hosts) for i in range(1, count + 1))


def shuffled(plan: list[list[TableSeating]], participants: tuple[Participant, ...], seed: int) -> list[list[TableSeating]]:
    """The same tables, hosts and stayers kept, everyone else shuffled into the same sizes."""
    rng = random.Random(seed)
    fixed = {p.id for p in participants if p.fixed}
    result = []
    for tables in plan:
        movers = [pid for t in tables for pid in t.members if pid not in fixed]
        rng.shuffle(movers)
        row = []
        for t in tables:
            keep = [pid for pid in t.members if pid in fixed]
            take = len(t.members) - len(keep)
            row.append(TableSeating(t.table, t.theme, t.host, tuple(keep + movers[:take])))
            movers = movers[take:]
        result.append(row)
    return result


def test_the_figures_count_distance_from_the_even_share_clustered_and_missing_tables():
    people = {i: Participant(i, "lived" if i <= 4 else "carer") for i in range(1, 9)}
    clustered = [TableSeating(1, None, None, (1, 2, 3, 5)), TableSeating(2, None, None, (4, 6, 7, 8))]
    assert perspective_figures(clustered, people) == {"perspective_spread": 4, "perspective_clustered": 2, "perspective_missing": 0}
    apart = [TableSeating(1, None, None, (1, 2, 3, 4)), TableSeating(2, None, None, (5, 6, 7, 8))]
    assert perspective_figures(apart, people) == {"perspective_spread": 8, "perspective_clustered": 2, "perspective_missing": 2}
    even = [TableSeating(1, None, None, (1, 2, 5, 6)), TableSeating(2, None, None, (3, 4, 7, 8))]
    assert perspective_figures(even, people) == {"perspective_spread": 0, "perspective_clustered": 0, "perspective_missing": 0}


def test_the_floor_counts_only_what_people_who_cannot_move_force():
    # Two hosts with lived experience at two of three tables, one more such traveller: even.
    assert spread_lower_bound(["lived", "lived", "lived", None], 3, {0: 0, 1: 1}) == 0
    # Both people with lived experience stay at table 1 of 2: one too many there, one missing.
    assert spread_lower_bound(["lived", "lived", None, None], 2, {0: 0, 1: 0}) == 2


@pytest.mark.parametrize(("count", "tables", "hosts", "themes"), [(40, 8, 8, 4), (60, 12, 0, 4), (300, 60, 60, 4)])
def test_perspectives_are_perfectly_even_where_the_numbers_allow_and_nobody_meets_twice(count, tables, hosts, themes):
    request = RotationRequest(mixed_room(count, hosts), tables, 4, tuple(f"T{i}" for i in range(themes)), seed=1)
    assert spread_lower_bound([p.perspective for p in request.participants], tables, fixed_tables(request)) == 0
    figures = plan_metrics(plan_rotation(request), request.participants)
    assert figures["perspective_spread"] == 0
    assert figures["perspective_clustered"] == figures["perspective_missing"] == 0
    assert figures["repeat_encounters"] == figures["theme_repeats"] == 0


def test_a_mixed_room_is_spread_far_more_evenly_than_a_random_shuffle():
    request = RotationRequest(mixed_room(60, 12), 12, 5, ("A", "B", "C", "D", "E"), seed=3)
    plan = plan_rotation(request)
    planned = plan_metrics(plan, request.participants)
    chance = [plan_metrics(shuffled(plan, request.participants, seed), request.participants) for seed in range(5)]
    for figure in ("perspective_spread", "perspective_clustered", "perspective_missing"):
        baseline = sum(c[figure] for c in chance) / len(chance)
        assert planned[figure] <= baseline / 4, (figure, planned[figure], baseline)
    assert planned["theme_repeats"] == 0


def test_a_small_tight_café_with_rotating_themes_reaches_the_best_known_plan():
    # 16 people, 4 hosts, 4 tables, 3 rounds, 4 rotating themes: no plan meets nobody twice;
    # a careful search finds 10 repeated encounters without any theme repeat.
    request = RotationRequest(tuple(Participant(i, host=i <= 4) for i in range(1, 17)), 4, 3, ("A", "B", "C", "D"), seed=1)
    figures = plan_metrics(plan_rotation(request), request.participants)
    assert figures["theme_repeats"] == 0
    assert figures["repeat_encounters"] <= 10


@settings(max_examples=40, deadline=None, derandomize=True)
@given(requests())
def test_no_plan_is_spread_more_evenly_than_the_floor(request_):
    plan = plan_rotation(request_, effort=0.02)
    floor = spread_lower_bound([p.perspective for p in request_.participants], request_.tables, fixed_tables(request_))
    assert plan_metrics(plan, request_.participants)["perspective_spread"] >= floor * request_.rounds
