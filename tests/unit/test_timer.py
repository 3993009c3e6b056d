"""The round clock: a stored deadline every screen derives the time left from."""
from __future__ import annotations

from datetime import datetime, timedelta, UTC

import pytest

from cafe.domain.timer import ClockError, RoundClock, RoundStatus

T0 = datetime(2026, 11, 25, 10, 0, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def running(duration_s: int = 600) -> RoundClock:
    return RoundClock(duration_s=duration_s).start(T0)


def paused(duration_s: int = 600, after_s: float = 100) -> RoundClock:
    return running(duration_s).pause(at(after_s))


def ended() -> RoundClock:
    return running().end(at(10))


def test_a_new_clock_is_ready_and_shows_its_whole_duration():
    clock = RoundClock(duration_s=600)
    assert clock.status is RoundStatus.READY
    assert clock.deadline is None
    assert clock.remaining(T0) == 600
    assert clock.remaining(at(10_000)) == 600


def test_start_sets_the_deadline_to_now_plus_the_duration():
    clock = RoundClock(duration_s=600).start(T0)
    assert clock.status is RoundStatus.RUNNING
    assert clock.deadline == T0 + timedelta(seconds=600)
    assert clock.remaining_s is None


def test_start_returns_a_new_clock_and_leaves_the_old_one_untouched():
    ready = RoundClock(duration_s=600)
    ready.start(T0)
    assert ready.status is RoundStatus.READY


def test_remaining_counts_down_while_running():
    clock = running(600)
    assert clock.remaining(T0) == 600
    assert clock.remaining(at(1)) == 599
    assert clock.remaining(at(450.5)) == pytest.approx(149.5)
    assert clock.remaining(at(600)) == 0


def test_remaining_goes_negative_past_the_deadline():
    clock = running(600)
    assert clock.remaining(at(630)) == -30
    assert clock.status is RoundStatus.RUNNING  # a round never ends by itself


def test_pause_freezes_the_time_left():
    clock = paused(600, after_s=100)
    assert clock.status is RoundStatus.PAUSED
    assert clock.deadline is None
    assert clock.remaining_s == 500
    assert clock.remaining(at(100)) == 500
    assert clock.remaining(at(5_000)) == 500


def test_pausing_an_overdue_round_freezes_at_zero_not_below():
    clock = running(600).pause(at(700))
    assert clock.remaining(at(700)) == 0


def test_resume_continues_from_the_frozen_time():
    clock = paused(600, after_s=100).resume(at(400))
    assert clock.status is RoundStatus.RUNNING
    assert clock.deadline == at(400 + 500)
    assert clock.remaining_s is None
    assert clock.remaining(at(400)) == 500
    assert clock.remaining(at(450)) == 450


def test_pause_and_resume_twice_loses_no_time():
    clock = running(600).pause(at(100)).resume(at(200)).pause(at(300)).resume(at(1_000))
    # 100 s ran, then another 100 s: 400 s left at the second resume.
    assert clock.remaining(at(1_000)) == 400


def test_extend_a_running_round_moves_the_deadline_later():
    clock = running(600).extend(120, at(100))
    assert clock.status is RoundStatus.RUNNING
    assert clock.deadline == at(720)
    assert clock.remaining(at(100)) == 620
    assert clock.duration_s == 720


def test_extend_a_paused_round_adds_to_the_frozen_time():
    clock = paused(600, after_s=100).extend(60, at(200))
    assert clock.status is RoundStatus.PAUSED
    assert clock.remaining(at(999)) == 560
    assert clock.resume(at(1_000)).deadline == at(1_560)


def test_extend_an_overdue_running_round_counts_the_extra_time_from_now():
    clock = running(600).extend(120, at(700))
    assert clock.deadline == at(820)
    assert clock.remaining(at(700)) == 120


def test_end_a_running_round():
    clock = running().end(at(10))
    assert clock.status is RoundStatus.ENDED
    assert clock.deadline is None
    assert clock.remaining_s is None
    assert clock.remaining(at(20)) == 0


def test_end_a_paused_round():
    clock = paused().end(at(200))
    assert clock.status is RoundStatus.ENDED
    assert clock.remaining(at(200)) == 0


@pytest.mark.parametrize(
    ("clock", "action"),
    [
        (RoundClock(duration_s=600), "pause"),
        (RoundClock(duration_s=600), "resume"),
        (RoundClock(duration_s=600), "end"),
        (RoundClock(duration_s=600), "extend"),
        (running(), "start"),
        (running(), "resume"),
        (paused(), "start"),
        (paused(), "pause"),
        (ended(), "start"),
        (ended(), "pause"),
        (ended(), "resume"),
        (ended(), "end"),
        (ended(), "extend"),
    ],
    ids=lambda value: value if isinstance(value, str) else value.status.value,
)
def test_every_control_that_does_not_fit_the_status_raises_clock_error(clock, action):
    with pytest.raises(ClockError):
        if action == "extend":
            clock.extend(60, at(50))
        else:
            getattr(clock, action)(at(50))


def test_a_refused_control_leaves_the_clock_as_it_was():
    clock = paused()
    with pytest.raises(ClockError):
        clock.pause(at(300))
    assert clock == paused()
