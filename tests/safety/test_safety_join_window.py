"""Issue 9, item 3: a join code does not seat strangers for ever. The facilitator closes joining
(and opens it again); without that, a café's code seats new people for seven days. People who
joined before keep their phone either way."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from cafe.db import transaction
from cafe.models import CafeRow, ParticipantRow


def people(app) -> int:
    with app.app_context(), transaction() as db:
        return db.scalar(select(func.count()).select_from(ParticipantRow))


def test_closing_joining_refuses_newcomers_and_keeps_everyone_already_here(app, facilitator, actions):
    [here] = facilitator.join(1)
    facilitator.received()
    assert facilitator.state()["cafe"]["joining"]["open"] is True
    facilitator.do("set_joining", {"open": False})
    [update] = [m["args"][0] for m in facilitator.received("cafe_updated") if m["args"][0]["reason"] == "joining_changed"]
    assert update["cafe"]["joining"]["open"] is False
    assert facilitator.state()["cafe"]["joining"]["open"] is False
    before = people(app)
    stranger = app.test_client()
    page = stranger.get(f"/j/{facilitator.code}")
    assert page.status_code == 403 and "Joining this café is closed" in page.get_data(as_text=True)
    assert 'name="name"' not in page.get_data(as_text=True)
    fresh = type(facilitator.http)(app, app.response_class, use_cookies=True)  # posts with the page's token
    assert fresh.post(f"/j/{facilitator.code}", data={"name": "Late"}).status_code == 403
    assert people(app) == before
    # The person who joined before still reaches their phone screen and can post.
    assert here.http.get(f"/j/{facilitator.code}").status_code == 302
    assert here.state()["role"] == "participant"
    facilitator.do("set_joining", {"open": True})
    actions.Phone(app, facilitator.code, "Welcome back")


def test_without_a_choice_the_code_seats_newcomers_for_seven_days(app, facilitator, actions):
    with app.app_context(), transaction() as db:
        cafe = db.scalar(select(CafeRow).where(CafeRow.code == facilitator.code))
        cafe.created_at = cafe.created_at - timedelta(days=7, minutes=1)
    assert facilitator.state()["cafe"]["joining"]["open"] is False
    fresh = type(facilitator.http)(app, app.response_class, use_cookies=True)
    assert fresh.post(f"/j/{facilitator.code}", data={"name": "Too late"}).status_code == 403
    facilitator.do("set_joining", {"open": True})
    assert facilitator.state()["cafe"]["joining"]["open"] is True
    actions.Phone(app, facilitator.code, "Let in again")


def test_only_the_facilitator_sets_joining_and_only_with_a_boolean(facilitator):
    [phone] = facilitator.join(1)
    assert phone.emit("set_joining", {"open": False})["error"] == "forbidden"
    for bad in ({}, {"open": "no"}, {"open": 0}, {"open": False, "extra": 1}):
        assert facilitator.emit("set_joining", bad)["error"] == "invalid"
    assert facilitator.state()["cafe"]["joining"]["open"] is True
