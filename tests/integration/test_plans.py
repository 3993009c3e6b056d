"""Plan files on disk: the shipped plans load, and broken files say where they are broken."""
from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from cafe.domain.plan import PlanError, plan_from_dict
from cafe.domain.plan_text import plan_to_toml
from cafe.plans import (
    PlanEntry, list_plans, load_plan, parse_plan_text, plan_path, sessions_dir,
)

SHIPPED = Path(__file__).resolve().parents[2] / "sessions"
ICIC = "icic-2023-lived-experience-roles.toml"

GOOD = '''\
title = "Team café"
rounds = 2
round_minutes = 10
table_size = 4
theme_mode = "fixed"

[[themes]]
name = "Now"
question = "Where are we?"
'''


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------ shipped plans


def test_sessions_folder_is_the_repos_sessions_by_default(monkeypatch):
    monkeypatch.delenv("CAFE_SESSIONS_DIR", raising=False)
    assert sessions_dir() == SHIPPED


def test_sessions_folder_can_be_set_by_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("CAFE_SESSIONS_DIR", str(tmp_path))
    write(tmp_path, "team.toml", GOOD)
    assert sessions_dir() == tmp_path
    assert [e.file for e in list_plans()] == ["team.toml"]


def test_every_shipped_plan_loads():
    entries = list_plans(SHIPPED)
    assert {ICIC, "quick-team-retro.toml"} <= {e.file for e in entries}
    for entry in entries:
        assert entry.error is None, str(entry.error)
        assert entry.plan is not None


def test_shipped_plans_survive_being_saved_back_as_toml():
    for entry in list_plans(SHIPPED):
        assert plan_from_dict(tomllib.loads(plan_to_toml(entry.plan))) == entry.plan


def test_icic_plan_explores_the_four_lived_experience_roles():
    plan = load_plan(SHIPPED / ICIC)
    assert [t.name for t in plan.themes] == [
        "Disruptor / Advocate", "Community Builder", "Improvement Expert", "Citizen Leader"]
    assert plan.theme_mode == "rotate" and plan.table_size == 5 and plan.handover_minutes == 2
    for theme in plan.themes:
        assert len(theme.questions) == plan.rounds
        assert 2 <= theme.description.count(". ") + 1 <= 4


def test_icic_plan_fits_a_forty_minute_slot_with_time_for_moves_and_harvest():
    plan = load_plan(SHIPPED / ICIC)
    assert plan.rounds == 3
    assert plan.total_minutes + 10 <= 40  # ~10 minutes for moves and the harvest
    assert "10 minutes" in plan.purpose or "~10 minutes" in plan.purpose


def test_icic_plan_says_lived_experience_is_expertise():
    plan = load_plan(SHIPPED / ICIC)
    assert any("no one is a token" in line for line in plan.etiquette)
    assert any("lived experience" in line and "heard first" in line for line in plan.host_cue)
    assert any("hand-over" in line for line in plan.host_cue)


def test_retro_plan_keeps_themes_at_their_tables():
    plan = load_plan(SHIPPED / "quick-team-retro.toml")
    assert plan.theme_mode == "fixed"
    assert all(len(t.questions) == 1 for t in plan.themes)


# ------------------------------------------------------------ broken files


def test_invalid_field_names_the_file_the_line_and_the_field(tmp_path):
    path = write(tmp_path, "bad.toml", GOOD.replace("table_size = 4", "table_size = 40"))
    with pytest.raises(PlanError) as caught:
        load_plan(path)
    err = caught.value
    assert (err.source, err.line, err.field) == ("bad.toml", 4, "table_size")
    assert str(err) == "bad.toml:4: field 'table_size': must be between 2 and 12, got 40"


def test_unknown_field_in_a_theme_names_its_line(tmp_path):
    path = write(tmp_path, "typo.toml", GOOD + 'qestion = "Where next?"\n')
    with pytest.raises(PlanError) as caught:
        load_plan(path)
    assert str(caught.value).startswith("typo.toml:10: field 'themes[1].qestion': unknown field")
    assert "did you mean 'question'" in str(caught.value)


def test_toml_syntax_error_names_the_file_and_line(tmp_path):
    path = write(tmp_path, "syntax.toml", GOOD.replace('theme_mode = "fixed"', "theme_mode fixed"))
    with pytest.raises(PlanError) as caught:
        load_plan(path)
    err = caught.value
    assert (err.source, err.line) == ("syntax.toml", 5)
    assert str(err).startswith("syntax.toml:5: TOML syntax error: ")
    assert "(at line" not in str(err)


def test_toml_error_at_the_end_points_at_the_last_line():
    with pytest.raises(PlanError) as caught:
        parse_plan_text('title = "x"\nrounds = [1,', "cut.toml")
    assert caught.value.line is not None and caught.value.source == "cut.toml"


def test_file_that_is_not_utf8_is_reported(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes(GOOD.encode() + 'purpose = "caf\xe9"\n'.encode("latin-1"))
    with pytest.raises(PlanError) as caught:
        load_plan(path)
    assert (caught.value.source, caught.value.line) == ("latin1.toml", 10)


def test_byte_order_mark_from_windows_editors_is_accepted(tmp_path):
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    assert load_plan(path).title == "Team café"


def test_unreadable_file_is_a_plan_error_named_by_file(tmp_path):
    with pytest.raises(PlanError) as caught:
        load_plan(tmp_path / "missing.toml")
    assert str(caught.value).startswith("missing.toml: cannot read the file")


def test_listing_keeps_good_plans_next_to_broken_ones(tmp_path):
    write(tmp_path, "b-broken.toml", "title = ")
    write(tmp_path, "a-good.toml", GOOD)
    write(tmp_path, "notes.txt", "not a plan")
    (tmp_path / "folder.toml").mkdir()
    entries = list_plans(tmp_path)
    assert [e.file for e in entries] == ["a-good.toml", "b-broken.toml"]
    good, broken = entries
    assert isinstance(good, PlanEntry) and good.plan is not None and good.error is None
    assert broken.plan is None and broken.error is not None and broken.error.line == 1


def test_listing_a_missing_folder_is_empty(tmp_path):
    assert list_plans(tmp_path / "nowhere") == []


# ------------------------------------------------------------ choosing a plan by name


def test_plan_path_finds_a_plan_by_its_bare_file_name(tmp_path):
    write(tmp_path, "team.toml", GOOD)
    assert plan_path("team.toml", tmp_path) == tmp_path / "team.toml"
    assert load_plan(plan_path("team.toml", tmp_path)).title == "Team café"


@pytest.mark.parametrize("name", [
    "../team.toml", "sub/team.toml", "..\\team.toml", "/etc/passwd", "..", ".", "",
    ".hidden.toml", "team", "team.toml\0", "C:team.toml",
])
def test_plan_path_rejects_anything_but_a_bare_plan_file_name(tmp_path, name):
    folder = tmp_path / "sessions"
    folder.mkdir()
    write(tmp_path, "team.toml", GOOD)
    write(folder, "team.toml", GOOD)
    with pytest.raises(PlanError) as caught:
        plan_path(name, folder)
    assert caught.value.field == "plan"


def test_plan_path_rejects_a_name_that_is_not_in_the_folder(tmp_path):
    with pytest.raises(PlanError) as caught:
        plan_path("absent.toml", tmp_path)
    assert "no such plan" in caught.value.message


def test_plan_path_uses_the_sessions_folder_by_default(monkeypatch):
    monkeypatch.delenv("CAFE_SESSIONS_DIR", raising=False)
    assert plan_path(ICIC) == SHIPPED / ICIC
