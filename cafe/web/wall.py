"""The projector view: no controls, readable from the back of the room."""
from __future__ import annotations

from flask import Blueprint, render_template, url_for

from cafe import perspectives, store
from cafe.db import transaction
from cafe.links import join_url

bp = Blueprint("wall", __name__)


@bp.get("/w/<code>")
def wall(code: str):
    """Join QR and code, round and timer, live insights, then the harvest."""
    with transaction() as db:
        cafe = store.cafe_by_code(db, code)
        code, title = cafe.code, cafe.title
    page = {"code": code, "join_url": join_url(code), "qr_url": url_for("home.qr", code=code)}
    labels = perspectives.labels()
    return render_template("wall.html", cafe_title=title, page=page, perspective_labels=labels)
