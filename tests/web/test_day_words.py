"""The same words and figures on every screen: nudges that expire, one name for anonymous people,
one insight count on the wall and the dashboard."""
from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from cafe import store
from cafe.db import transaction
from cafe.domain.cafe import NUDGE_LIFETIME
from cafe.services import printing, utcnow, views
from test_sockets import Room, received


@pytest.fixture
def room(facilitator) -> Room:
    return Room(facilitator)


def cafe_at(app, code: str, later: timedelta) -> dict:
    """The <cafe> every screen would get `later` from now."""
    with app.test_request_context(), transaction() as db:
        cafe = store.cafe_by_code(db, code)
        return views.Snapshot(db, cafe, utcnow() + later, "http://x/j").cafe()


def test_a_nudge_carries_its_expiry_and_a_late_joiner_never_gets_an_old_one(room):
    assert room.facilitator.emit("nudge", {"text": "Five minutes left"})["ok"]
    [nudged] = received(room.phones[0].socket, "nudged")
    sent, until = (nudged["at"], nudged["expires_at"])
    assert until > sent
    fresh = cafe_at(room.app, room.facilitator.code, timedelta(minutes=1))["last_nudge"]
    assert fresh == {"text": "Five minutes left", "at": sent, "expires_at": until}
    assert cafe_at(room.app, room.facilitator.code, NUDGE_LIFETIME + timedelta(seconds=1))["last_nudge"] is None
    late = room.facilitator.join(1)[0]
    assert late.state()["cafe"]["last_nudge"]["text"] == "Five minutes left"  # still news now


def test_an_anonymous_person_has_one_name_everywhere(facilitator, actions):
    author = actions.Phone(facilitator.app, facilitator.code, "")  # no name given
    others = facilitator.join(3)
    facilitator.do("start_round")
    reply = author.emit("post_insight", {"id": str(uuid.uuid4()), "text": "Said without a name"})
    pid = author.state()["me"]["id"]
    assert reply["insight"]["author"] is None and reply["insight"]["author_id"] == pid
    table = author.state()["table"]["number"]
    neighbour = next(p for p in others if p.state()["table"]["number"] == table)
    [seen] = [i for i in neighbour.state()["insights"] if i["text"] == "Said without a name"]
    assert seen["author_id"] == pid
    with facilitator.app.test_request_context():
        assert printing.person_label(None, pid) == f"Anonymous #{pid}"
    page = facilitator.http.get(f"/f/{facilitator.host_token}/sheet?everyone=1").get_data(as_text=True)
    assert f"Anonymous #{pid}" in page and "Guest" not in page


def test_a_withheld_insight_still_reaches_the_wall_so_its_count_is_the_dashboards(room):
    author = room.at[1][0]
    assert author.emit("post_insight", {"id": str(uuid.uuid4()), "text": "Keep this to us", "do_not_quote": True})["ok"]
    assert author.emit("post_insight", {"id": str(uuid.uuid4()), "text": "Quote me"})["ok"]
    wall = room.wall.emit("sync", {}, callback=True)["state"]
    dashboard = room.facilitator.state()
    counts = lambda state: {t["number"]: t["insight_count"] for t in state["tables"]}  # noqa: E731
    assert counts(wall) == counts(dashboard) and counts(wall)[1] == 2
    assert len([i for i in wall["insights"] if i["table"] == 1]) == 2
    assert "Keep this to us" not in str(wall)
