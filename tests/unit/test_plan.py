"""Rules for café plans: validation, theme placement, and round trips through dict and TOML."""
from __future__ import annotations

import json
import tomllib
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cafe.domain.plan import (
    MAX_NAME, THEME_MODES, Plan, PlanError, Theme, plan_from_dict, plan_to_dict,
)
from cafe.domain.plan_text import plan_to_toml


def minimal(**overrides) -> dict:
    data = {
        "title": "Café",
        "rounds": 3,
        "round_minutes": 10,
        "table_size": 5,
        "theme_mode": "rotate",
        "themes": [{"name": f"Theme {i}", "question": f"Question {i}?"} for i in (1, 2, 3, 4)],
    }
    data.update(overrides)
    return data


def plan(**overrides) -> Plan:
    return plan_from_dict(minimal(**overrides))


def error_of(data: dict, text: str | None = None, source: str = "cafe.toml") -> PlanError:
    with pytest.raises(PlanError) as caught:
        plan_from_dict(data, source=source, text=text)
    return caught.value


# ------------------------------------------------------------ themes and rounds


def test_rotating_themes_move_one_table_each_round():
    p = plan()
    assert [p.theme_for(t, 1).name for t in (1, 2, 3, 4)] == ["Theme 1", "Theme 2", "Theme 3", "Theme 4"]
    assert [p.theme_for(t, 2).name for t in (1, 2, 3, 4)] == ["Theme 2", "Theme 3", "Theme 4", "Theme 1"]
    assert [p.theme_for(t, 3).name for t in (1, 2, 3, 4)] == ["Theme 3", "Theme 4", "Theme 1", "Theme 2"]


def test_fixed_themes_stay_at_their_table_every_round():
    p = plan(theme_mode="fixed")
    for round_no in (1, 2, 3):
        assert [p.theme_for(t, round_no).name for t in (1, 2, 3, 4)] == [
            "Theme 1", "Theme 2", "Theme 3", "Theme 4"]


def test_more_tables_than_themes_repeat_the_themes():
    p = plan(theme_mode="fixed")
    assert p.theme_for(5, 1).name == "Theme 1"
    assert p.theme_for(6, 2).name == "Theme 2"
    assert plan().theme_for(5, 2).name == "Theme 2"


def test_a_theme_chosen_by_the_seating_plan_wins_over_the_rotation_for_its_table_and_round():
    p = plan()
    chosen = p.with_table_themes({(1, 2): "Theme 4", (2, 2): "No such theme"})
    assert chosen.theme_for(1, 2).name == "Theme 4"
    assert chosen.theme_for(2, 2).name == p.theme_for(2, 2).name == "Theme 3"  # unknown names keep the rotation
    assert chosen.theme_for(1, 3).name == "Theme 3" and chosen.theme_for(9, 2).name == "Theme 2"
    assert p.theme_for(1, 2).name == "Theme 2"  # the plan itself is unchanged
    again = chosen.with_table_themes({(1, 3): "Theme 1"})
    assert (again.theme_for(1, 2).name, again.theme_for(1, 3).name) == ("Theme 4", "Theme 1")
    assert chosen != p and hash(chosen) == hash(p)  # still a hashable value
    assert plan_to_dict(chosen) == plan_to_dict(p)  # and never part of a plan file


def test_a_single_question_is_asked_every_round():
    theme = plan().themes[0]
    assert [theme.question_for(r) for r in (1, 2, 3)] == ["Question 1?"] * 3


def test_per_round_questions_follow_the_round_and_stay_on_the_last():
    theme = Theme("Roles", "", ("first", "second", "third"))
    assert [theme.question_for(r) for r in (1, 2, 3, 4, 9)] == [
        "first", "second", "third", "third", "third"]
    assert theme.question_for(0) == "first"


def test_one_round_minutes_number_applies_to_every_round():
    p = plan(round_minutes=12)
    assert p.round_minutes == (12, 12, 12)
    assert p.duration_s(2) == 720
    assert p.total_minutes == 36


def test_round_minutes_list_gives_each_round_its_own_length():
    p = plan(round_minutes=[12, 12, 10])
    assert [p.duration_s(r) for r in (1, 2, 3)] == [720, 720, 600]
    assert p.total_minutes == 34


def test_duration_of_a_round_that_is_not_planned_is_refused():
    with pytest.raises(ValueError):
        plan().duration_s(4)


def test_optional_fields_take_their_defaults():
    p = plan()
    assert (p.purpose, p.etiquette, p.host_cue) == ("", (), ())
    assert (p.handover_minutes, p.min_tables) == (2, 0)
    assert p.themes[0].description == ""
    assert THEME_MODES == ("rotate", "fixed")


# ------------------------------------------------------------ validation


def test_unknown_field_is_named_with_a_suggestion():
    err = error_of(minimal(round=3))
    assert err.field == "round"
    assert "unknown field 'round'" in err.message and "'rounds'" in err.message


def test_unknown_field_is_named_with_its_line():
    text = 'title = "Café"\nrounds = 3\nround_minutes = 10\ntable_size = 5\ntheme_mode = "rotate"\n' \
           '[[themes]]\nname = "A"\nquestion = "Q?"\n[[themes]]\nname = "B"\nquestion = "Q?"\n' \
           'colour = "red"\n'
    data = tomllib.loads(text)
    err = error_of(data, text)
    assert (err.field, err.line) == ("themes[2].colour", 12)
    assert str(err).startswith("cafe.toml:12: field 'themes[2].colour': unknown field 'colour'")


@pytest.mark.parametrize("field, value", [
    ("rounds", 0), ("rounds", 9), ("round_minutes", 0), ("round_minutes", 91),
    ("table_size", 1), ("table_size", 13), ("handover_minutes", -1), ("handover_minutes", 11),
    ("min_tables", -1),
])
def test_numbers_out_of_range_are_refused(field, value):
    err = error_of(minimal(**{field: value}))
    assert err.field == field and "between" in err.message


@pytest.mark.parametrize("field, value", [
    ("rounds", "3"), ("rounds", 3.0), ("rounds", True), ("table_size", [5]),
    ("title", 7), ("purpose", ["x"]), ("theme_mode", 1), ("etiquette", "be kind"),
    ("round_minutes", "10"), ("themes", {"name": "x"}),
])
def test_wrong_types_are_refused(field, value):
    err = error_of(minimal(**{field: value}))
    assert err.field == field and "not" in err.message


@pytest.mark.parametrize("field", ["title", "rounds", "round_minutes", "table_size", "theme_mode",
                                   "themes"])
def test_required_fields_must_be_present(field):
    data = minimal()
    del data[field]
    assert error_of(data).field == field


def test_empty_title_is_refused():
    assert error_of(minimal(title="   ")).message == "must not be empty"


def test_empty_line_in_a_list_is_named_by_position():
    assert error_of(minimal(host_cue=["Welcome", ""])).field == "host_cue[2]"


def test_theme_mode_must_be_rotate_or_fixed():
    err = error_of(minimal(theme_mode="shuffle"))
    assert err.field == "theme_mode" and "rotate" in err.message


def test_round_minutes_list_must_have_one_entry_per_round():
    assert error_of(minimal(round_minutes=[10, 10])).field == "round_minutes"
    assert error_of(minimal(round_minutes=[10, 0, 10])).field == "round_minutes[2]"


def test_a_plan_needs_between_one_and_twelve_themes():
    assert error_of(minimal(themes=[])).field == "themes"
    many = [{"name": f"T{i}", "question": "Q?"} for i in range(13)]
    assert error_of(minimal(themes=many)).field == "themes"


def test_theme_needs_a_name_and_a_question():
    assert error_of(minimal(themes=[{"question": "Q?"}])).field == "themes[1].name"
    assert error_of(minimal(themes=[{"name": "A"}])).field == "themes[1]"


def test_theme_cannot_have_both_question_and_questions():
    theme = {"name": "A", "question": "Q?", "questions": ["Q?"]}
    assert error_of(minimal(themes=[theme])).field == "themes[1]"


def test_per_round_questions_must_match_the_rounds_or_be_one():
    assert plan(themes=[{"name": "A", "questions": ["only"]}]).themes[0].questions == ("only",)
    err = error_of(minimal(themes=[{"name": "A", "questions": ["one", "two"]}]))
    assert err.field == "themes[1].questions" and "(3)" in err.message
    err = error_of(minimal(themes=[{"name": "A", "questions": ["one", "", "three"]}]))
    assert err.field == "themes[1].questions[2]"


def test_two_themes_cannot_share_a_name():
    themes = [{"name": "Roles", "question": "Q?"}, {"name": " roles", "question": "Q?"}]
    err = error_of(minimal(themes=themes))
    assert err.field == "themes[2].name" and "themes[1]" in err.message


def test_plan_must_be_a_table():
    err = error_of(["not", "a", "plan"])  # type: ignore[arg-type]
    assert err.field is None and str(err).startswith("cafe.toml: a plan must be a table")


# ------------------------------------------------------------ where errors are written

PLAN_TEXT = '''\
title = "Café"
rounds = 3
round_minutes = [10, 10, 10]
table_size = 5
theme_mode = "rotate"
purpose = """
rounds = 99 is only text inside a multi-line string
"""

[[themes]]
name = "A"
question = "Q?"

[[themes]]
name = "B"
questions = [
    "one",
    "two",
]
'''


def test_error_in_a_theme_points_at_that_themes_field_line():
    err = error_of(tomllib.loads(PLAN_TEXT), PLAN_TEXT)
    assert (err.field, err.line) == ("themes[2].questions", 16)
    assert str(err) == ("cafe.toml:16: field 'themes[2].questions': "
                        "needs 1 question or one per round (3), got 2")


def test_missing_theme_field_points_at_the_theme_header():
    text = PLAN_TEXT.replace('name = "B"\n', "")
    err = error_of(tomllib.loads(text), text)
    assert (err.field, err.line) == ("themes[2].name", 14)


def test_top_level_error_points_at_its_line_not_at_lookalike_text():
    text = PLAN_TEXT.replace("table_size = 5", "table_size = 50")
    err = error_of(tomllib.loads(text), text)
    assert (err.field, err.line) == ("table_size", 4)
    text = PLAN_TEXT.replace("[10, 10, 10]", "[10, 100, 10]")
    assert error_of(tomllib.loads(text), text).line == 3


def test_missing_top_level_field_has_no_line():
    text = PLAN_TEXT.replace('title = "Café"\n', "")
    err = error_of(tomllib.loads(text), text)
    assert (err.field, err.line) == ("title", None)
    assert str(err) == "cafe.toml: field 'title': missing (this field is required)"


def test_without_the_text_errors_have_no_line():
    assert error_of(minimal(rounds=0)).line is None


def test_plan_error_text_leaves_out_what_is_unknown():
    assert str(PlanError("broken")) == "<plan>: broken"
    assert str(PlanError("broken", source="a.toml", line=3)) == "a.toml:3: broken"
    assert str(PlanError("bad", source="a.toml", field="rounds")) == "a.toml: field 'rounds': bad"
    err = PlanError("bad", source="a.toml", line=2, field="rounds")
    assert (err.message, err.source, err.line, err.field) == ("bad", "a.toml", 2, "rounds")
    assert isinstance(err, ValueError)


# ------------------------------------------------------------ round trips

TRICKY = [
    'She said "hello"', "back\\slash and \\n not a newline", "two\nlines\r\nand\ttab",
    "accents é ü ñ, 漢字, emoji 🌍", "'single' quotes and \"\"\" triple", "bell \x07 and del \x7f",
    "# not a comment", "[[themes]]", "  leading and trailing spaces  ",
]


def tricky_plan() -> Plan:
    return plan_from_dict(minimal(
        title=TRICKY[0], purpose=TRICKY[2], etiquette=TRICKY, host_cue=TRICKY[3:], rounds=3,
        round_minutes=[5, 90, 1], theme_mode="fixed", handover_minutes=0, min_tables=7,
        themes=[{"name": TRICKY[1], "description": TRICKY[4], "questions": TRICKY[5:8]},
                {"name": TRICKY[8], "question": TRICKY[3]}],
    ))


def test_plan_round_trips_through_dict_and_json():
    p = tricky_plan()
    data = plan_to_dict(p)
    assert plan_from_dict(json.loads(json.dumps(data))) == p


def test_plan_round_trips_through_toml_with_tricky_text():
    p = tricky_plan()
    assert plan_from_dict(tomllib.loads(plan_to_toml(p))) == p
    plain = plan()
    assert plan_from_dict(tomllib.loads(plan_to_toml(plain))) == plain


def test_written_toml_uses_one_number_when_all_rounds_are_equal():
    assert "round_minutes = 10\n" in plan_to_toml(plan())
    assert "round_minutes = [12, 12, 10]\n" in plan_to_toml(plan(round_minutes=[12, 12, 10]))


# Within the plan's own limits: names and titles take at most MAX_NAME characters.
text_st = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=MAX_NAME).filter(str.strip)


@st.composite
def plans(draw) -> Plan:
    rounds = draw(st.integers(1, 8))
    names = draw(st.lists(text_st, min_size=1, max_size=12,
                          unique_by=lambda n: n.strip().casefold()))
    themes = tuple(
        Theme(name, draw(st.text(st.characters(blacklist_categories=("Cs",)))),
              tuple(draw(st.lists(text_st, min_size=n, max_size=n))))
        for name in names for n in [draw(st.sampled_from(sorted({1, rounds})))]
    )
    return Plan(
        title=draw(text_st), purpose=draw(st.text(st.characters(blacklist_categories=("Cs",)))),
        etiquette=tuple(draw(st.lists(text_st, max_size=3))), themes=themes, rounds=rounds,
        round_minutes=tuple(draw(st.lists(st.integers(1, 90), min_size=rounds, max_size=rounds))),
        table_size=draw(st.integers(2, 12)), theme_mode=draw(st.sampled_from(THEME_MODES)),
        host_cue=tuple(draw(st.lists(text_st, max_size=3))),
        handover_minutes=draw(st.integers(0, 10)), min_tables=draw(st.integers(0, 100)),
    )


@settings(max_examples=60, deadline=None)
@given(plans())
def test_any_valid_plan_round_trips_through_dict_and_toml(p):
    assert plan_from_dict(plan_to_dict(p)) == p
    assert plan_from_dict(tomllib.loads(plan_to_toml(p))) == p


def test_plans_are_immutable_values():
    p = plan()
    with pytest.raises(AttributeError):
        p.rounds = 4  # type: ignore[misc]
    assert replace(p, rounds=3) == p
