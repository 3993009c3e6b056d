"""The participant's pages: join (works without JavaScript) and the live phone screen."""
from __future__ import annotations

import uuid

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from cafe.domain.cafe import may_join
from cafe import languages, perspectives, store
from cafe.db import reading, transaction
from cafe.errors import Invalid, NotFound
from cafe import live
from cafe.services import cafes, utcnow, views
from cafe.links import join_url

bp = Blueprint("participant", __name__)
COOKIE_AGE = 7 * 24 * 3600


def _cookie(code: str) -> str:
    return f"cafe_{code}"


def _known(db, cafe) -> bool:
    token = request.cookies.get(_cookie(cafe.code))
    if not token:
        return False
    try:
        store.participant_by_token(db, cafe, token)
    except NotFound:
        return False
    return True


@bp.route("/j/<code>", methods=["GET", "POST"])
def join(code: str):
    """Join form; a phone that already joined goes straight to its screen."""
    errors: dict[str, str] = {}
    # only a POST writes: the join page itself is read without taking the database's write lock
    with (transaction() if request.method == "POST" else reading()) as db:
        cafe = store.cafe_by_code(db, code)
        if cafe.code != code:
            return redirect(url_for("participant.join", code=cafe.code))
        if request.method == "GET" and _known(db, cafe):
            return redirect(url_for("participant.phone", code=cafe.code))
        plan = store.plan_of(cafe)
        shown = plan.in_language(languages.current())
        title, purpose = (shown.title if shown is not plan else cafe.title), shown.purpose
        if not may_join(store.utc(cafe.created_at), store.utc(cafe.joins_until), utcnow()):
            # Closed to newcomers (people who joined before still reach their phone screen above).
            return render_template("join.html", cafe_title=title, purpose=purpose, code=cafe.code, closed=True,
                                   perspectives=perspectives.choices(), form={}, errors={}), 403
        if request.method == "POST":
            name = request.form.get("name", "")
            perspective = request.form.get("perspective", "")
            try:
                stays = request.form.get("stays") == "yes"
                _person, token, broadcasts = cafes.newcomer(db, cafe, name, perspective, utcnow(), stays=stays)
            except Invalid as error:
                errors["name" if "name" in error.english else "perspective"] = error.message
            else:
                # the newcomer's table and the staff hear of them (after a start, whoever moved to fit them in)
                pushes = live.stamp(db, broadcasts)
    if request.method == "POST" and not errors:
        live.send(pushes)
        response = redirect(url_for("participant.phone", code=cafe.code), code=303)
        response.set_cookie(
            _cookie(cafe.code), token, max_age=COOKIE_AGE, httponly=True, samesite="Lax",
            secure=current_app.config.get("SECURE_COOKIES", False),
        )
        return response
    return render_template(
        "join.html", cafe_title=title, purpose=purpose, code=cafe.code, perspectives=perspectives.choices(),
        form=request.form, errors=errors,
    ), (400 if errors else 200)


@bp.get("/p/<code>")
def phone(code: str):
    """The phone screen; it connects with the cookie the join set (a read: no write lock is held
    while a harvest in the phone's first state is computed)."""
    with reading() as db:
        cafe = store.cafe_by_code(db, code)
        if not _known(db, cafe):
            return redirect(url_for("participant.join", code=cafe.code))
        plan = store.plan_of(cafe)
        shown = plan.in_language(languages.current())
        title = shown.title if shown is not plan else cafe.title
        me = store.participant_by_token(db, cafe, request.cookies[_cookie(cafe.code)])
        # The phone's state in the page itself: its table shows before the socket is up.
        first_state = views.phone_state(db, cafe, me, utcnow(), join_url(cafe.code), languages.current())
    page = {"code": cafe.code, "participant_token": None,
            "feedback_script": url_for("static", filename="phone-feedback.js")}
    labels = perspectives.labels()
    response = current_app.make_response(
        render_template("phone.html", cafe_title=title, page=page, perspective_labels=labels, post_id=str(uuid.uuid4()),
                        first_state=first_state)
    )
    response.headers["Cache-Control"] = "no-store"
    return response
