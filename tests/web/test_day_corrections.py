"""Corrections during the rounds: the facilitator hides an insight (undoably) from the wall and other
phones, and an author edits or withdraws their own while its round is open."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from cafe.db import transaction
from cafe.domain.textclean import clean
from cafe.models import InsightRow, ResonanceRow
from test_sockets import Room, drain, names, stored


def new_id() -> str:
    return str(uuid.uuid4())


@pytest.fixture
def room(facilitator) -> Room:
    return Room(facilitator)


def post(phone, text: str, do_not_quote: bool = False) -> str:
    insight_id = new_id()
    assert phone.emit("post_insight", {"id": insight_id, "text": text, "do_not_quote": do_not_quote})["ok"]
    return insight_id


def texts(state: dict) -> list:
    return [i["text"] for i in state["insights"]]


def row(app, insight_id: str) -> InsightRow | None:
    with app.app_context(), transaction() as db:
        found = db.get(InsightRow, insight_id)
        if found is not None:
            db.expunge(found)
        return found


def test_a_hidden_insight_leaves_the_wall_and_other_phones_stays_in_the_record_and_comes_back(room):
    author, neighbour = room.at[1][0], room.at[1][1]
    insight_id = post(author, "Something nobody should see on the projector")
    room.drain()
    reply = room.facilitator.emit("moderate_insight", {"insight_id": insight_id, "hidden": True})
    assert reply == {"ok": True, "insight_id": insight_id, "hidden": True}
    # every screen re-syncs
    for client in (room.wall, neighbour.socket, room.facilitator.socket):
        assert "cafe_changed" in names(client)
    wall = room.wall.emit("sync", {}, callback=True)["state"]
    assert insight_id not in [i["id"] for i in wall["insights"]]
    assert insight_id not in [i["id"] for i in neighbour.state()["insights"]]
    [own] = [i for i in author.state()["insights"] if i["id"] == insight_id]
    assert own["hidden"] is True and own["text"] == "Something nobody should see on the projector"
    [seen] = [i for i in room.facilitator.state()["insights"] if i["id"] == insight_id]
    assert seen["hidden"] is True
    # the table's count is the same on every screen, and leaves the hidden one out
    assert {t["number"]: t["insight_count"] for t in wall["tables"]}[1] == 0
    assert row(room.app, insight_id).hidden_at is not None
    export = room.facilitator.http.get(f"/f/{room.facilitator.host_token}/export.json").get_json()
    [kept] = [i for i in export["insights"] if i["id"] == insight_id]
    assert kept["hidden"] is True and kept["text"]
    assert "Something nobody" not in room.facilitator.http.get(f"/f/{room.facilitator.host_token}/export.md").get_data(as_text=True)

    assert room.facilitator.emit("moderate_insight", {"insight_id": insight_id, "hidden": False})["ok"]
    assert insight_id in [i["id"] for i in neighbour.state()["insights"]]
    assert row(room.app, insight_id).hidden_at is None


def test_an_insight_hidden_in_the_rounds_stays_hidden_in_the_harvest_until_the_studio_shows_it(room):
    author = room.at[1][0]
    insight_id = post(author, "Hidden while the rounds went on")
    post(room.at[2][0], "Shown to everyone")
    assert room.facilitator.emit("moderate_insight", {"insight_id": insight_id, "hidden": True})["ok"]
    room.facilitator.play_on_to_harvest()
    harvest = room.facilitator.state()["harvest"]
    assert harvest["hidden_count"] == 1
    [theme] = [t for t in harvest["themes"] if insight_id in t["hidden"]]
    assert all(insight_id not in s["insight_ids"] for s in theme["subthemes"])
    # moderation is for the rounds; in the harvest the studio's show-again lifts it
    refused = room.facilitator.emit("moderate_insight", {"insight_id": insight_id, "hidden": False})
    assert refused["ok"] is False and refused["error"] == "conflict"
    shown = room.facilitator.emit("curate", {"theme": theme["theme"], "version": theme["version"], "op": "unhide",
                                             "insight_id": insight_id})
    assert shown["ok"], shown
    assert row(room.app, insight_id).hidden_at is None
    assert room.facilitator.state()["harvest"]["hidden_count"] == 0


@pytest.mark.parametrize("payload", [
    {}, {"insight_id": "nope", "hidden": True}, {"insight_id": str(uuid.uuid4()), "hidden": "yes"},
    {"insight_id": str(uuid.uuid4()), "hidden": True, "extra": 1}, [1],
])
def test_a_bad_moderation_is_refused_and_changes_nothing(room, payload):
    post(room.at[1][0], "Stays as it is")
    before = stored(room.app)
    reply = room.facilitator.emit("moderate_insight", payload)
    assert reply["ok"] is False and reply["error"] in ("invalid", "not_found")
    assert stored(room.app) == before


def test_a_phone_may_not_moderate(room):
    insight_id = post(room.at[1][0], "Mine")
    reply = room.at[1][1].emit("moderate_insight", {"insight_id": insight_id, "hidden": True})
    assert reply["ok"] is False and reply["error"] == "forbidden"
    assert row(room.app, insight_id).hidden_at is None


def test_the_author_edits_their_insight_and_everyone_sees_the_new_cleaned_words(room):
    author, neighbour = room.at[1][0], room.at[1][1]
    insight_id = post(author, "Pay peple for their time")
    drain(room.wall, neighbour.socket)
    raw = "  Pay people for their\u202e time \u0007"
    assert clean(raw, multiline=True) == "Pay people for their time"  # what a post would keep
    reply = author.emit("edit_insight", {"insight_id": insight_id, "text": raw})
    assert reply["ok"], reply
    assert reply["insight"]["text"] == "Pay people for their time"
    assert "cafe_changed" in names(neighbour.socket)
    assert "Pay people for their time" in texts(neighbour.state())
    assert "Pay people for their time" in texts(room.wall.emit("sync", {}, callback=True)["state"])
    assert row(room.app, insight_id).text == "Pay people for their time"


@pytest.mark.parametrize("text", ["", "   ", "x" * 501, 7])
def test_an_edit_is_checked_as_a_post_is(room, text):
    insight_id = post(room.at[1][0], "Before")
    reply = room.at[1][0].emit("edit_insight", {"insight_id": insight_id, "text": text})
    assert reply["ok"] is False and reply["error"] == "invalid"
    assert row(room.app, insight_id).text == "Before"


def test_only_the_author_may_correct_and_only_while_the_round_is_open(room):
    author, neighbour = room.at[1][0], room.at[1][1]
    insight_id = post(author, "My words")
    other = neighbour.emit("edit_insight", {"insight_id": insight_id, "text": "Your words now"})
    assert other["ok"] is False and other["error"] == "forbidden"
    assert neighbour.emit("withdraw_insight", {"insight_id": insight_id})["error"] == "forbidden"
    room.facilitator.do("end_round")
    late = author.emit("edit_insight", {"insight_id": insight_id, "text": "Too late"})
    assert late["ok"] is False and late["error"] == "conflict"
    assert author.emit("withdraw_insight", {"insight_id": insight_id})["error"] == "conflict"
    assert row(room.app, insight_id).text == "My words"
    unknown = author.emit("withdraw_insight", {"insight_id": new_id()})
    assert unknown["ok"] is False and unknown["error"] == "not_found"


def test_a_withdrawn_insight_is_gone_everywhere_and_kept_nowhere(room):
    author, neighbour = room.at[1][0], room.at[1][1]
    insight_id = post(author, "I take this back")
    assert neighbour.emit("resonate", {"insight_id": insight_id})["ok"]
    assert author.emit("withdraw_insight", {"insight_id": insight_id}) == {"ok": True, "insight_id": insight_id}
    assert row(room.app, insight_id) is None
    with room.app.app_context(), transaction() as db:
        assert db.scalars(select(ResonanceRow).where(ResonanceRow.insight_id == insight_id)).all() == []
    for state in (author.state(), neighbour.state(), room.facilitator.state(),
                  room.wall.emit("sync", {}, callback=True)["state"]):
        assert "I take this back" not in str(state)
    token = room.facilitator.host_token
    for fmt in ("json", "md", "csv", "html"):
        assert "I take this back" not in room.facilitator.http.get(f"/f/{token}/export.{fmt}").get_data(as_text=True)


def test_corrections_are_rate_limited_like_posts(facilitator):
    facilitator.app.config["LIMIT_POST_INSIGHT"] = (2, 60)
    from cafe import limits
    facilitator.app.extensions["cafe_limits"] = limits.Limits(facilitator.app.config)
    room = Room(facilitator)
    author = room.at[1][0]
    insight_id = post(author, "One")
    assert author.emit("edit_insight", {"insight_id": insight_id, "text": "Two"})["ok"]
    limited = author.emit("edit_insight", {"insight_id": insight_id, "text": "Three"})
    assert limited["ok"] is False and limited["error"] == "rate_limited"
