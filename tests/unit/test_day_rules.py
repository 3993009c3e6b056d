"""The café's rules for corrections during a round (cafe.domain.cafe): names read as rules."""
from __future__ import annotations

from datetime import datetime, timedelta, UTC

import pytest

from cafe.domain.cafe import NUDGE_LIFETIME, Cafe, Person, Refused, nudge_expires_at

ANNA = Person(id=1, seats={1: 1, 2: 3})


def cafe(stage: str = "rounds", round_no: int = 1, status: str = "running") -> Cafe:
    return Cafe.of(stage, round_no, 3, status)


def reason(call) -> tuple[str, str]:
    with pytest.raises(Refused) as caught:
        call()
    return caught.value.reason, caught.value.code


@pytest.mark.parametrize("status", ["running", "paused"])
def test_an_author_corrects_their_insight_while_its_round_runs(status):
    cafe(status=status).ensure_may_correct(ANNA, author_id=1, insight_round=1)


def test_nobody_corrects_someone_elses_insight():
    assert reason(lambda: cafe().ensure_may_correct(ANNA, author_id=2, insight_round=1)) == ("not_your_insight", "forbidden")


@pytest.mark.parametrize(("stage", "round_no", "status", "insight_round", "why"), [
    ("rounds", 1, "ended", 1, "round_closed"),
    ("rounds", 2, "running", 1, "round_closed"),
    ("rounds", 2, "ready", 2, "round_closed"),
    ("harvest", 3, "ended", 3, "rounds_over"),
])
def test_once_its_round_is_over_an_insight_is_the_record(stage, round_no, status, insight_round, why):
    assert reason(lambda: cafe(stage, round_no, status).ensure_may_correct(ANNA, 1, insight_round)) == (why, "conflict")


def test_someone_who_left_corrects_nothing():
    gone = Person(id=1, seats={1: 1}, left=True)
    assert reason(lambda: cafe().ensure_may_correct(gone, 1, 1))[0] == "left_cafe"


def test_moderation_is_for_the_rounds_and_the_studio_hides_in_the_harvest():
    cafe(status="ready").ensure_may_moderate()
    assert reason(lambda: cafe("harvest", 3, "ended").ensure_may_moderate()) == ("rounds_over", "conflict")


def test_a_nudge_expires_a_few_minutes_after_it_was_sent():
    sent = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)
    assert nudge_expires_at(sent) == sent + NUDGE_LIFETIME
    assert timedelta(minutes=2) <= NUDGE_LIFETIME <= timedelta(minutes=15)
