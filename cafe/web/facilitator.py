"""The facilitator's pages behind the secret host link: dashboard, plan file, exports."""
from __future__ import annotations

import json

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import gettext as _

from cafe import offload, perspectives, store
from cafe.db import reading, transaction
from cafe.domain.plan_text import plan_to_toml
from cafe.services import exporting, harvest_view, printing, utcnow, views
from cafe.links import facilitator_urls, join_url
from cafe.messages import localized

bp = Blueprint("facilitator", __name__, url_prefix="/f")


@bp.get("/<host_token>")
def dashboard(host_token: str):
    """The live dashboard; everything on it arrives over the socket."""
    with transaction() as db:
        cafe = store.cafe_by_host_token(db, host_token)
        code, title = cafe.code, cafe.title
    urls = facilitator_urls(host_token, code)
    page = {
        "host_token": host_token,
        "code": code,
        "join_url": join_url(code),
        "wall_url": urls["wall"],
        "qr_url": urls["qr"],
        "exports": urls["exports"],
        "studio_url": url_for("facilitator.studio", host_token=host_token),
    }
    labels = perspectives.labels()
    return _private(render_template("dashboard.html", cafe_title=title, page=page, perspective_labels=labels))


@bp.get("/<host_token>/harvest")
def studio(host_token: str):
    """The Harvest studio: curate each theme's sub-themes live; everything arrives over the socket."""
    with transaction() as db:
        cafe = store.cafe_by_host_token(db, host_token)
        code, title = cafe.code, cafe.title
    page = {"host_token": host_token, "code": code, "dashboard_url": url_for("facilitator.dashboard", host_token=host_token),
            "wall_url": url_for("wall.wall", code=code)}
    return _private(render_template("studio.html", cafe_title=title, page=page))


@bp.get("/<host_token>/plan.toml")
def plan_file(host_token: str):
    """The café's setup saved back as a plan file."""
    with transaction() as db:
        cafe = store.cafe_by_host_token(db, host_token)
        text, name = plan_to_toml(store.plan_of(cafe)), f"cafe-{cafe.code.lower()}.toml"
    return Response(text, mimetype="application/toml", headers={"Content-Disposition": f'attachment; filename="{name}"'})


EXPORTS = {
    "md": ("text/markdown; charset=utf-8", "md"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "json": ("application/json", "json"),
    "html": ("text/html; charset=utf-8", "html"),
    "pdf": ("application/pdf", "pdf"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
}


@bp.get("/<host_token>/export.<fmt>")
def export(host_token: str, fmt: str):
    """Download the café as Markdown, CSV, JSON, a printable HTML report, PDF or Word."""
    if fmt not in EXPORTS:
        abort(404)
    with reading() as db:  # no write lock while a big café's harvest is computed
        cafe = store.cafe_by_host_token(db, host_token)
        snap = views.Snapshot(db, cafe, utcnow(), join_url(cafe.code))
        data = localized(exporting.export_data(snap))  # rendered off the request: said here
    anonymise = request.args.get("anonymise") == "1"
    if anonymise:  # a report to share beyond the room: perspectives, no names
        data = harvest_view.anonymised(data)
    labels = perspectives.labels()
    # a report of a big café computes for seconds: off the event loop, so other cafés go on
    body: str | bytes
    try:
        if fmt == "json":
            body = offload.run(json.dumps, data, ensure_ascii=False, indent=2)
        else:
            body = offload.run(exporting.render, fmt, data, labels, language=True)
    except offload.OffloadFailed:
        return Response(_("The report took too long to make. Try again in a minute, or a lighter format."),
                        status=503, content_type="text/plain; charset=utf-8", headers={"Retry-After": "60"})
    if fmt == "csv" and isinstance(body, str):
        body = "\ufeff" + body  # the byte-order mark makes spreadsheet programs read UTF-8 names right
    mimetype, ext = EXPORTS[fmt]
    stem = f'cafe-{data["cafe"]["code"].lower()}' + ("-anonymised" if anonymise else "")
    disposition = "inline" if fmt == "html" else f'attachment; filename="{stem}.{ext}"'
    return Response(body, content_type=mimetype, headers={"Content-Disposition": disposition, "Cache-Control": "no-store"})


@bp.get("/<host_token>/seating")
def seating_plan(host_token: str):
    """The Seating plan screen: every round per table, a proposed re-plan, swaps and Apply."""
    with transaction() as db:
        cafe = store.cafe_by_host_token(db, host_token)
        code, title = cafe.code, cafe.title
    page = {"host_token": host_token, "code": code}
    return _private(render_template("seating.html", cafe_title=title, page=page, host_token=host_token,
                                    perspective_labels=perspectives.labels()))


@bp.get("/<host_token>/sheet")
def sheet(host_token: str):
    """A printable sheet: one itinerary per person and one card per table."""
    with transaction() as db:
        cafe = store.cafe_by_host_token(db, host_token)
        data = printing.sheet_data(db, cafe, everyone=request.args.get("everyone") == "1")
    return _private(render_template("sheet.html", cafe_title=data["title"], sheet=data, host_token=host_token))


def _private(html: str) -> Response:
    """A page behind the host link: never kept by a browser or proxy cache (it holds the token)."""
    return Response(html, headers={"Cache-Control": "no-store"})
