"""`curate_many`: the studio's bulk actions move or hide several insights of a theme at once, all
or none, with one broadcast; a bad list changes nothing."""
from __future__ import annotations

import pytest
from test_curation_sockets import BUS, MONEY, SECRET, Harvest


@pytest.fixture
def harvest(facilitator) -> Harvest:
    return Harvest(facilitator)


def bulk(harvest: Harvest, ops: list, version: int | None = None) -> dict:
    if version is None:
        version = harvest.theme_state()["version"]
    return harvest.facilitator.emit("curate_many", {"theme": harvest.theme, "version": version, "ops": ops})


def test_several_insights_move_together_in_one_edit_and_every_screen_syncs_once(harvest):
    target = harvest.sub_of(BUS[0])["id"]
    moving = [t for t in MONEY if harvest.sub_of(t)["id"] != target]
    assert moving
    before = harvest.theme_state()["version"]
    reply = bulk(harvest, [{"op": "move", "insight_id": harvest.ids[t], "to": target} for t in moving])
    assert reply["ok"], reply
    assert reply["version"] == before + len(moving)
    theme = harvest.theme_state()
    assert all(harvest.sub_of(t, theme)["id"] == target for t in moving)
    changed = [m for m in harvest.wall.get_received() if m["name"] == "cafe_changed"]
    assert len(changed) == 1 and changed[0]["args"][0]["reason"] == "harvest_changed"


def test_several_insights_hide_together(harvest):
    reply = bulk(harvest, [{"op": "hide", "insight_id": harvest.ids[t]} for t in (BUS[1], SECRET)])
    assert reply["ok"], reply
    assert set(harvest.theme_state()["hidden"]) == {harvest.ids[BUS[1]], harvest.ids[SECRET]}


def test_one_refused_edit_leaves_the_whole_list_undone(harvest):
    before = harvest.theme_state()
    reply = bulk(harvest, [{"op": "hide", "insight_id": harvest.ids[BUS[0]]},
                           {"op": "unhide", "insight_id": harvest.ids[MONEY[0]]}])  # not hidden: refused
    assert reply == {"ok": False, "error": "conflict", "message": reply["message"]}
    after = harvest.theme_state()
    assert after["hidden"] == before["hidden"] == [] and after["version"] == before["version"]


@pytest.mark.parametrize("ops", [
    [], "move", [{"op": "rename", "subtheme": "s1", "label": "x"}], [{"op": "set_k", "k": 2}],
    [{"op": "move", "insight_id": "not-a-uuid"}], [{"op": "hide"}], [7],
    [{"op": "hide", "insight_id": "6f1c1f0e-3d7e-4b8e-9d43-0c2b9c3b1a10", "extra": 1}],
])
def test_a_bad_list_is_refused_as_invalid_and_changes_nothing(harvest, ops):
    before = harvest.theme_state()["version"]
    reply = bulk(harvest, ops)
    assert reply["ok"] is False and reply["error"] == "invalid", reply
    assert harvest.theme_state()["version"] == before


def test_too_many_edits_and_a_stale_version_are_refused(harvest):
    many = [{"op": "hide", "insight_id": harvest.ids[BUS[0]]}] * 201
    assert bulk(harvest, many)["error"] == "invalid"
    stale = bulk(harvest, [{"op": "hide", "insight_id": harvest.ids[BUS[0]]}], version=99)
    assert stale["error"] == "conflict"
    reply = harvest.facilitator.emit("curate_many", {"theme": harvest.theme, "ops": []})
    assert reply["error"] == "invalid"
