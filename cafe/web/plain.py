"""The phone without JavaScript: its table as a page, and a plain POST form that posts an insight."""
from __future__ import annotations

import uuid

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from cafe import limits, perspectives, store
from cafe import validation as check
from cafe.db import transaction
from cafe.errors import CafeError, NotFound, RateLimited
from cafe.services import posting, utcnow, views
from cafe import languages, live
from cafe.links import join_url

bp = Blueprint("plain", __name__)


def _me(db, cafe):
    token = request.cookies.get(f"cafe_{cafe.code}")
    if not token:
        return None
    try:
        return store.participant_by_token(db, cafe, token)
    except NotFound:
        return None


def _page(code: str, error: str | None = None, status: int = 200, text: str = "", do_not_quote: bool = False):
    """Render the table page; a refused post keeps the words in the form (never in the URL)."""
    with transaction() as db:
        cafe = store.cafe_by_code(db, code)
        me = _me(db, cafe)
        if me is None:
            return redirect(url_for("participant.join", code=cafe.code))
        state = views.phone_state(db, cafe, me, utcnow(), join_url(cafe.code), languages.current())
    response = current_app.make_response((render_template(
        "phone_plain.html", state=state, code=cafe.code, post_id=str(uuid.uuid4()), scribe_id=str(uuid.uuid4()), error=error, text=text,
        do_not_quote=do_not_quote, sent=request.args.get("sent") == "1", perspective_labels=perspectives.labels(),
    ), status))
    response.headers["Cache-Control"] = "no-store"
    return response


def _number(value: str) -> int | str:
    """A form's digits as a number (anything else stays text, for the validator to refuse)."""
    return int(value) if value.isdigit() and len(value) < 12 else value


@bp.get("/p/<code>/table")
def table(code: str):
    """The phone's table as plain HTML (people without JavaScript reload it to see what is new)."""
    return _page(code)


@bp.post("/p/<code>/insights")
def post_insight(code: str):
    """A phone posts an insight with a plain form (CSRF-checked); the same id twice stores it once."""
    text = request.form.get("text", "")
    do_not_quote = request.form.get("do_not_quote") in ("on", "yes", "true")
    try:
        with transaction() as db:
            cafe = store.cafe_by_code(db, code)
            me = _me(db, cafe)
            if me is None:
                return redirect(url_for("participant.join", code=cafe.code), code=303)
            # The same buckets as the socket event: a form is no way around the limits.
            lim = limits.limits()
            lim.spend([(lim.per_event[limits.PARTICIPANT_EVENTS["post_insight"]], me.id),
                       (lim.address, limits.address())])
            data = {"id": request.form.get("id"), "text": text}
            insight_id = check.client_id(data, "id")
            clean = check.text(data, "text", max_len=check.MAX_INSIGHT, multiline=True)
            if "person_id" in request.form:
                # The table host writes for someone at the table (scribe mode).
                person_id = check.integer({"person_id": _number(request.form["person_id"])}, "person_id",
                                          low=1, high=2**31 - 1)
                person = store.participant(db, cafe, int(person_id or 0))  # not nullable: never None
                _row, _duplicate, broadcasts = posting.scribe_insight(
                    db, cafe, me, person, insight_id, clean, do_not_quote, utcnow())
            else:
                _row, _duplicate, broadcasts = posting.post_insight(
                    db, cafe, me, insight_id, clean, do_not_quote, utcnow())
            pushes = live.stamp(db, broadcasts)
    except NotFound as error:
        if "participant" not in error.english:
            raise
        return _page(code, error.message, 400, text, do_not_quote)
    except RateLimited as error:
        response = _page(code, error.message, 429, text, do_not_quote)
        response.headers["Retry-After"] = str(error.retry_after)
        return response
    except CafeError as error:
        status = {"conflict": 409, "forbidden": 403}.get(error.code, 400)
        return _page(code, error.message, status, text, do_not_quote)
    live.send(pushes)
    # Post/redirect/get: reloading the page that follows sends nothing twice.
    return redirect(url_for("plain.table", code=code, sent=1) + "#sent", code=303)

