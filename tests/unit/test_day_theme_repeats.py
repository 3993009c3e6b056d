"""Re-plan honesty: a host's (or stayer's) table hearing a theme again is counted, as a traveller's is."""
from __future__ import annotations

from dataclasses import replace

from cafe.domain.rotation.planner import Participant, RotationRequest, TableSeating, plan_rotation
from cafe.domain.rotation.metrics import plan_metrics

HOSTS = (Participant("h1", host=True), Participant("h2", host=True))
TRAVELLERS = (Participant("a"), Participant("b"))


def test_a_hosts_table_repeating_a_theme_while_another_is_on_offer_is_counted():
    rounds = [
        [TableSeating(1, "A", "h1", ("h1", "a")), TableSeating(2, "B", "h2", ("h2", "b"))],
        # the themes did not rotate at table 1: its host hears A again while B is on offer
        [TableSeating(1, "A", "h1", ("h1", "b")), TableSeating(2, "C", "h2", ("h2", "a"))],
    ]
    figures = plan_metrics(rounds, HOSTS + TRAVELLERS)
    assert figures["host_theme_repeats"] == 1
    assert figures["theme_repeats"] == 0  # b meets A for the first time, a meets C
    # with fixed themes a table keeps its theme by design: nothing to count
    assert plan_metrics(rounds, HOSTS + TRAVELLERS, themes_move=False)["host_theme_repeats"] == 0


def test_a_person_who_stays_counts_like_a_host():
    stayer = Participant("s", stays=True)
    rounds = [[TableSeating(1, "A", None, ("s",)), TableSeating(2, "B", None, ("t",))],
              [TableSeating(1, "A", None, ("s",)), TableSeating(2, "B", None, ("t",))]]
    figures = plan_metrics(rounds, (stayer, Participant("t")))
    assert figures["host_theme_repeats"] == 1 and figures["theme_repeats"] == 1


def test_a_re_plan_reports_its_hosts_repeats_and_the_service_reads_the_cafes_theme_mode():
    full = RotationRequest(tuple(Participant(i, "ab"[i % 2], host=i <= 6) for i in range(1, 31)), 6, 4,
                           ("A", "B", "C", "D", "E", "F"), seed=2)
    history = tuple(tuple(tables) for tables in plan_rotation(full, 0.3)[:1])
    late = replace(full, participants=(*full.participants, Participant(99, "a")), seating=history)
    plan = plan_rotation(late, 0.3)
    hosts = {p.id for p in late.participants if p.host}
    heard: dict[object, list[str]] = {h: [] for h in hosts}
    for tables in plan:
        for table in tables:
            for pid in table.members:
                if pid in hosts and table.theme is not None:
                    heard[pid].append(table.theme)
    # six themes over four rounds: every repeat a host hears is one with an unheard theme on offer
    expected = sum(len(themes) - len(set(themes)) for themes in heard.values())
    assert plan_metrics(plan, late.participants)["host_theme_repeats"] == expected
