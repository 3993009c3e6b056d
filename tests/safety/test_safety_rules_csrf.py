"""Issue 9, item 6: every HTTP form carries a CSRF token, and a POST without it (another site's
page posting into the café) is refused with a 400 page and writes nothing."""
from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy import func, select

from cafe.db import transaction
from cafe.models import CafeRow, ParticipantRow

PLAN = "icic-2023-lived-experience-roles.toml"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def plain(app) -> FlaskClient:
    """A client that posts only what it is told to, like a forged form on another site."""
    return FlaskClient(app, app.response_class, use_cookies=True)


def rows(app, row) -> int:
    with app.app_context(), transaction() as db:
        return db.scalar(select(func.count()).select_from(row))


def test_every_post_form_on_every_page_carries_a_token(app, facilitator):
    client = plain(app)
    for path in ("/new", f"/j/{facilitator.code}"):
        page = client.get(path).get_data(as_text=True)
        forms = re.findall(r"<form\b[^>]*method=\"post\"[^>]*>(.*?)</form>", page, re.S | re.I)
        assert forms, path
        assert all(TOKEN.search(form) for form in forms), path


def test_starting_a_cafe_without_the_token_is_refused_and_creates_nothing(app):
    client = plain(app)
    for data in ({"plan": PLAN}, {"plan": PLAN, "csrf_token": "forged"}):
        response = client.post("/new", data=data)
        assert response.status_code == 400
        assert "reload the page" in response.get_data(as_text=True)
    assert rows(app, CafeRow) == 0


def test_joining_without_the_token_is_refused_and_seats_nobody(app, facilitator):
    before = rows(app, ParticipantRow)
    response = plain(app).post(f"/j/{facilitator.code}", data={"name": "Forged"})
    assert response.status_code == 400 and "cafe_" not in response.headers.get("Set-Cookie", "")
    assert rows(app, ParticipantRow) == before


def test_a_token_from_another_session_is_refused(app):
    stolen = TOKEN.search(plain(app).get("/new").get_data(as_text=True)).group(1)
    assert plain(app).post("/new", data={"plan": PLAN, "csrf_token": stolen}).status_code == 400
    assert rows(app, CafeRow) == 0


def test_the_same_form_with_its_pages_token_works(app):
    client = plain(app)
    token = TOKEN.search(client.get("/new").get_data(as_text=True)).group(1)
    assert client.post("/new", data={"plan": PLAN, "csrf_token": token}).status_code == 303
    assert rows(app, CafeRow) == 1


def test_the_session_cookie_that_holds_the_token_is_http_only_and_same_site(app):
    cookie = plain(app).get("/new").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_a_join_form_shown_before_a_restart_is_accepted_after_it(app, facilitator, tmp_path):
    """With no key configured, the instance folder keeps one, so a restart (or a second process on
    the same folder) accepts a form another one showed; a phone never sees 'reload the page'."""
    from cafe import create_app

    phone = plain(app)
    page = phone.get(f"/j/{facilitator.code}").get_data(as_text=True)
    token = TOKEN.search(page).group(1)
    restarted = create_app({"TESTING": True, "ASYNC_MODE": "threading", "DATABASE_URL": app.config["DATABASE_URL"],
                            "PUBLIC_URL": "http://cafe.test"})
    try:
        assert restarted.config["SECRET_KEY"] == app.config["SECRET_KEY"]
        after = FlaskClient(restarted, restarted.response_class, use_cookies=True)
        session_cookie = phone.get_cookie("session")
        after.set_cookie("session", session_cookie.value)
        response = after.post(f"/j/{facilitator.code}", data={"name": "Kept", "csrf_token": token})
        assert response.status_code == 303, response.get_data(as_text=True)
    finally:
        restarted.extensions["cafe_db"].engine.dispose()
