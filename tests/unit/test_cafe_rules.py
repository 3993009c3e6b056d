"""The café's rules (cafe.domain.cafe): who may do what in which stage. Names read as rules."""
from __future__ import annotations

import pytest

from cafe.domain.cafe import Cafe, Person, Refused, Stage
from cafe.domain.timer import RoundStatus
from datetime import UTC


def cafe(stage: str = "rounds", round_no: int = 1, status: str = "running", rounds: int = 3) -> Cafe:
    return Cafe.of(stage, round_no, rounds, status)


ANNA = Person(id=1, seats={1: 1, 2: 3})
HOST = Person(id=2, seats={1: 1, 2: 1}, hosts=1)


def refusal(call) -> Refused:
    with pytest.raises(Refused) as caught:
        call()
    return caught.value


def test_an_insight_is_filed_at_the_posters_table_in_the_running_round():
    assert cafe(round_no=2).ensure_may_post(ANNA) == (2, 3)


@pytest.mark.parametrize("status", ["running", "paused", "ended"])
def test_insights_are_taken_once_the_round_has_started(status):
    assert cafe(status=status).can_post(1)


def test_no_insight_is_taken_before_the_round_starts():
    assert refusal(lambda: cafe(status="ready").ensure_may_post(ANNA)).reason == "round_not_started"


def test_an_insight_written_offline_in_an_earlier_round_is_filed_there_while_the_rounds_go_on():
    assert cafe(round_no=2, status="ready").ensure_may_post(ANNA, written_in=1) == (1, 1)


def test_naming_an_earlier_round_does_not_open_the_harvest_to_posts():
    error = refusal(lambda: cafe(stage="harvest", round_no=2, status="ended").ensure_may_post(ANNA, written_in=1))
    assert (error.code, error.reason) == ("conflict", "rounds_over")


def test_naming_a_later_round_files_under_the_current_one():
    assert cafe(round_no=1).ensure_may_post(ANNA, written_in=2) == (1, 1)


def test_someone_who_left_may_not_post():
    gone = Person(id=1, seats={1: 1}, left=True)
    assert refusal(lambda: cafe().ensure_may_post(gone)).reason == "left_cafe"


def test_someone_without_a_seat_may_not_post():
    assert refusal(lambda: cafe().ensure_may_post(Person(id=9))).reason == "no_seat"


def test_nobody_resonates_with_their_own_insight():
    error = refusal(lambda: cafe().ensure_may_resonate(ANNA, author_id=ANNA.id, insight_round=1, insight_table=1))
    assert (error.code, error.reason) == ("conflict", "own_insight")


def test_resonance_is_for_insights_of_a_table_one_sat_at():
    cafe().ensure_may_resonate(HOST, author_id=ANNA.id, insight_round=1, insight_table=1)
    error = refusal(lambda: cafe().ensure_may_resonate(ANNA, author_id=HOST.id, insight_round=2, insight_table=1))
    assert error.code == "forbidden"


def test_someone_who_left_may_not_resonate():
    gone = Person(id=3, seats={1: 1}, left=True)
    assert refusal(lambda: cafe().ensure_may_resonate(gone, ANNA.id, 1, 1)).reason == "left_cafe"


def test_only_the_tables_host_writes_its_handover_and_only_during_the_rounds():
    assert cafe().ensure_may_submit_handover(HOST) == 1
    assert refusal(lambda: cafe().ensure_may_submit_handover(ANNA)).code == "forbidden"
    assert refusal(lambda: cafe(stage="harvest", status="ended").ensure_may_submit_handover(HOST)).reason == "rounds_over"


def test_a_host_who_left_writes_no_handover():
    gone = Person(id=2, seats={1: 1}, hosts=1, left=True)
    assert refusal(lambda: cafe().ensure_may_submit_handover(gone)).reason == "left_cafe"


def test_feedback_on_the_harvest_waits_for_the_harvest_and_for_people_still_here():
    cafe(stage="harvest", round_no=3, status="ended").ensure_may_give_feedback(ANNA)
    assert refusal(lambda: cafe().ensure_may_give_feedback(ANNA)).reason == "harvest_not_started"
    gone = Person(id=1, left=True)
    assert refusal(lambda: cafe(stage="harvest").ensure_may_give_feedback(gone)).reason == "left_cafe"


def test_round_controls_stop_at_the_harvest():
    cafe().ensure_rounds()
    assert refusal(lambda: cafe(stage="harvest").ensure_rounds()).reason == "rounds_over"


def test_the_next_round_follows_a_started_round_up_to_the_last():
    cafe(round_no=1, status="ended").ensure_may_move_on()
    assert refusal(lambda: cafe(status="ready").ensure_may_move_on()).reason == "round_not_started"
    assert refusal(lambda: cafe(round_no=3).ensure_may_move_on()).reason == "last_round"


def test_the_harvest_starts_once_after_the_last_round_has_started():
    cafe(round_no=3, status="running").ensure_may_start_harvest()
    assert refusal(lambda: cafe(round_no=2).ensure_may_start_harvest()).reason == "harvest_too_early"
    assert refusal(lambda: cafe(round_no=3, status="ready").ensure_may_start_harvest()).reason == "harvest_too_early"
    assert refusal(lambda: cafe(stage="harvest", round_no=3).ensure_may_start_harvest()).reason == "harvest_started"


def test_the_harvest_is_curated_only_once_it_exists():
    cafe(stage="harvest").ensure_may_curate()
    assert refusal(lambda: cafe().ensure_may_curate()).reason == "harvest_not_started"


def test_the_cafe_has_started_once_the_first_round_timer_ran():
    assert not cafe(status="ready").has_started
    assert cafe(status="running").has_started and cafe(round_no=2, status="ready").has_started


def test_a_stored_stage_or_status_outside_the_rules_is_a_bug_not_a_silent_default():
    with pytest.raises(ValueError):
        Cafe.of("lobby", 1, 3, "running")
    with pytest.raises(ValueError):
        Cafe.of("rounds", 1, 3, "stopped")
    assert Cafe.of("harvest", 3, 3, "ended") == Cafe(Stage.HARVEST, 3, 3, RoundStatus.ENDED)


def test_a_join_code_seats_newcomers_for_seven_days_unless_the_facilitator_chose_otherwise():
    from datetime import datetime, timedelta

    from cafe.domain.cafe import JOIN_WINDOW, ensure_may_join, may_join

    made = datetime(2026, 3, 1, 9, tzinfo=UTC)
    assert timedelta(days=7) == JOIN_WINDOW
    assert may_join(made, None, made + timedelta(days=6, hours=23))
    assert not may_join(made, None, made + timedelta(days=7))
    closed = made + timedelta(hours=2)
    assert not may_join(made, closed, closed) and may_join(made, closed, closed - timedelta(seconds=1))
    reopened = made + timedelta(days=30)
    assert may_join(made, reopened, made + timedelta(days=20))
    with pytest.raises(Refused) as refused:
        ensure_may_join(made, closed, closed)
    assert (refused.value.reason, refused.value.code) == ("joining_closed", "conflict")
