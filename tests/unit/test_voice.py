"""Voice balance: shares by perspective against the room, and when lived-experience voices are flagged."""
from __future__ import annotations

import pytest

from cafe.domain.perspective import PERSPECTIVES
from cafe.domain.harvest.voice import (
    FLAG_BELOW, INSIGHTS, LIVED_EXPERIENCE, MIN_EVIDENCE, MIN_LIVED_IN_ROOM, NEVER_FLAGGED, RESONANCE, Voice,
    voice_balance,
)

# 10 people: 4 with lived experience (40%), 5 practitioners, 1 who gave none.
ROOM = {"lived_experience": 3, "family_carer": 1, "practitioner": 5, None: 1}


def insights(lived: int, others: int, *, lived_resonance: int = 0, other_resonance: int = 0) -> list[Voice]:
    return ([Voice("lived_experience", lived_resonance) for _ in range(lived)]
            + [Voice("practitioner", other_resonance) for _ in range(others)])


def test_the_named_rules_are_the_documented_ones():
    assert {"lived_experience", "family_carer"} == LIVED_EXPERIENCE and set(PERSPECTIVES) >= LIVED_EXPERIENCE
    assert "prefer_not_to_say" in NEVER_FLAGGED and "not_given" in NEVER_FLAGGED
    assert (MIN_LIVED_IN_ROOM, MIN_EVIDENCE, FLAG_BELOW) == (2, 5, 0.5)


def test_shares_set_each_perspective_against_its_room_share():
    balance = voice_balance(insights(1, 3, lived_resonance=6, other_resonance=2), ROOM)
    assert balance.insight_count == 4 and balance.resonance_count == 12
    practitioner = balance.perspectives["practitioner"]
    assert (practitioner.room, practitioner.room_share) == (5, 0.5)
    assert (practitioner.insights, practitioner.insight_share) == (3, 0.75)
    assert (practitioner.resonance, practitioner.resonance_share) == (6, 0.5)
    assert balance.perspectives["not_given"].room == 1 and balance.perspectives["not_given"].insights == 0


def test_lived_experience_groups_family_carers_with_lived_experience():
    voices = [Voice("family_carer"), Voice("lived_experience"), Voice("practitioner"), Voice("researcher")]
    lived = voice_balance(voices, ROOM).lived_experience
    assert (lived.room, lived.room_share) == (4, 0.4)
    assert (lived.insights, lived.insight_share) == (2, 0.5)


def test_resonance_counts_for_the_author_of_the_insight():
    balance = voice_balance([Voice("family_carer", 7), Voice("practitioner", 1)], ROOM)
    assert balance.perspectives["family_carer"].resonance == 7
    assert balance.lived_experience.resonance_share == pytest.approx(7 / 8)


def test_an_author_missing_from_the_room_still_counts():
    balance = voice_balance([Voice("researcher")], ROOM)
    assert balance.perspectives["researcher"].insights == 1 and balance.perspectives["researcher"].room == 0


def test_flags_when_the_insight_share_is_below_half_the_room_share():
    # room share 40%; 1 of 10 insights is 10%, below 20%
    balance = voice_balance(insights(1, 9), ROOM)
    assert [f.measure for f in balance.flags] == [INSIGHTS]
    flag = balance.flags[0]
    assert (flag.count, flag.total, flag.share, flag.room_share) == (1, 10, 0.1, 0.4)


def test_exactly_half_the_room_share_is_not_flagged():
    assert voice_balance(insights(2, 8), ROOM).flags == ()  # 20% is half of 40%


def test_no_flag_without_enough_insights():
    assert voice_balance(insights(0, MIN_EVIDENCE - 1), ROOM).flags == ()
    assert [f.measure for f in voice_balance(insights(0, MIN_EVIDENCE), ROOM).flags] == [INSIGHTS]


def test_no_flag_with_fewer_than_two_lived_experience_people_in_the_room():
    one = {"lived_experience": 1, "practitioner": 3}
    assert voice_balance(insights(0, 12), one).flags == ()
    two = {"lived_experience": 1, "family_carer": 1, "practitioner": 3}
    assert [f.measure for f in voice_balance(insights(0, 12), two).flags] == [INSIGHTS]


def test_flags_resonance_going_elsewhere_even_when_insights_are_balanced():
    balance = voice_balance(insights(4, 6, lived_resonance=0, other_resonance=2), ROOM)  # 0 of 12 resonances
    assert [f.measure for f in balance.flags] == [RESONANCE]
    assert (balance.flags[0].count, balance.flags[0].total) == (0, 12)


def test_resonance_needs_enough_resonances_to_flag():
    few = insights(4, 4, other_resonance=1)[:]  # 4 resonances in all
    assert voice_balance(few, ROOM).flags == ()


def test_people_who_gave_no_perspective_are_shown_but_never_flagged():
    room = {None: 6, "prefer_not_to_say": 3, "lived_experience": 2, "practitioner": 1}
    balance = voice_balance(insights(1, 9), room)  # only lived experience may be flagged
    assert balance.perspectives["not_given"].room == 6 and balance.perspectives["prefer_not_to_say"].room == 3
    assert all(f.measure in (INSIGHTS, RESONANCE) for f in balance.flags)
    # they wrote nothing, yet nothing is said about them
    assert voice_balance(insights(2, 8), {None: 5, "lived_experience": 2, "practitioner": 3}).flags == ()


def test_an_empty_theme_or_room_has_zero_shares_and_no_flags():
    balance = voice_balance([], {})
    assert balance.insight_count == 0 and balance.perspectives == {} and balance.flags == ()
    assert balance.lived_experience.room_share == 0.0
