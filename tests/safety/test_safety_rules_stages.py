"""Issue 9, item 5: the stage rules hold on the real socket path (late posts after the harvest,
posts from people who left, resonating with oneself) and a refusal writes nothing."""
from __future__ import annotations

import uuid

from sqlalchemy import func, select

from cafe.db import transaction
from cafe.models import InsightRow, ResonanceRow


def new_id() -> str:
    return str(uuid.uuid4())


def count(app, row) -> int:
    with app.app_context(), transaction() as db:
        return db.scalar(select(func.count()).select_from(row))


def test_an_insight_naming_an_earlier_round_is_refused_once_the_harvest_started(facilitator):
    [phone] = facilitator.join(1)
    facilitator.do("start_round")
    facilitator.play_on_to_harvest()
    reply = phone.emit("post_insight", {"id": new_id(), "text": "Sneaked in late", "round": 1})
    assert reply["ok"] is False and reply["error"] == "conflict", reply
    assert count(facilitator.app, InsightRow) == 0


def test_someone_who_left_the_cafe_can_no_longer_post(facilitator):
    [phone] = facilitator.join(1)
    facilitator.do("start_round")
    assert phone.emit("leave_cafe")["ok"]
    for payload in ({"id": new_id(), "text": "Still here?"}, {"id": new_id(), "text": "Offline", "round": 1}):
        reply = phone.emit("post_insight", payload)
        assert reply["ok"] is False and reply["error"] == "conflict", reply
    assert count(facilitator.app, InsightRow) == 0


def test_nobody_can_resonate_with_their_own_insight(facilitator):
    author, reader = facilitator.join(2)
    facilitator.do("start_round")
    insight_id = author.emit("post_insight", {"id": new_id(), "text": "Mine"})["insight"]["id"]
    reply = author.emit("resonate", {"insight_id": insight_id})
    assert reply["ok"] is False and reply["error"] == "conflict", reply
    assert count(facilitator.app, ResonanceRow) == 0
    assert reader.emit("resonate", {"insight_id": insight_id})["resonance"] == 1
