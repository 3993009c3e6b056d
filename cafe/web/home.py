"""Public pages: the start page, starting a café, the QR code and the health check."""
from __future__ import annotations

import io

import segno
from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import delete, insert

from cafe import plans, store, tomlguard
from cafe.db import get_db, transaction
from cafe.domain.plan import PlanError, plan_from_input
from cafe.errors import NotFound
from cafe.models import HealthProbeRow
from cafe.services import cafes, utcnow
from cafe.links import join_url
from cafe.web.codes import note_wrong_code

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    """The start page: join with a code, or start a café."""
    return render_template("home.html", error=None)


@bp.get("/join")
def join_by_code():
    """The home page's code form lands here."""
    code = (request.args.get("code") or "").strip().upper()
    with transaction() as db:
        try:
            store.cafe_by_code(db, code)
        except NotFound:
            if code:
                note_wrong_code()
            return render_template("home.html", error=_("No café has the code %(code)s.", code=code[:12])), 404
    return redirect(url_for("participant.join", code=code))


def _plan_cards() -> list[dict]:
    cards = []
    for entry in plans.list_plans():
        plan = entry.plan
        cards.append({
            "file": entry.file,
            "title": plan.title if plan else entry.file,
            "purpose": plan.purpose if plan else "",
            "themes": [t.name for t in plan.themes] if plan else [],
            "rounds": plan.rounds if plan else 0,
            "total_minutes": plan.total_minutes if plan else 0,
            "theme_mode": plan.theme_mode if plan else "",
            "error": str(entry.error) if entry.error else None,
        })
    return cards


FORM_FIELDS = ("title", "purpose", "themes", "rounds", "round_minutes", "table_size", "theme_mode", "host_cue")


def plan_from_form(form) -> dict:
    """The custom café form as a plan dict (cleaned and checked by plan_from_input like any plan file)."""
    themes = []
    for line in (form.get("themes") or "").splitlines():
        if not line.strip():
            continue
        name, _sep, question = line.partition(":")
        themes.append({"name": name.strip(), "question": (question.strip() or name.strip())})

    def number(key: str, default: int) -> int | str:
        raw = (form.get(key) or "").strip()
        if not raw:
            return default
        return int(raw) if raw.lstrip("-").isdigit() else raw

    return {
        "title": (form.get("title") or "").strip(),
        "purpose": (form.get("purpose") or "").strip(),
        "themes": themes,
        "rounds": number("rounds", 3),
        "round_minutes": number("round_minutes", 15),
        "table_size": number("table_size", 5),
        "theme_mode": form.get("theme_mode") or "rotate",
        "host_cue": [line.strip() for line in (form.get("host_cue") or "").splitlines() if line.strip()],
    }


def _form_messages() -> dict[str, str]:
    """What to tell a facilitator about each field of the form (the plan checker's own words
    are for plan files and name the field's path)."""
    return {
        "title": _("Give the café a title (at most 200 characters)."),
        "purpose": _("The purpose is too long or contains characters that cannot be saved."),
        "themes": _("Add 1 to 12 themes, one per line, as “Name: question”, each name used once."),
        "rounds": _("Rounds must be a whole number from 1 to 8."),
        "round_minutes": _("Minutes per round must be a whole number from 1 to 90."),
        "table_size": _("People per table must be a whole number from 2 to 12."),
        "theme_mode": _("Choose how themes move: from table to table, or staying at each table."),
        "host_cue": _("Each line of the host cue card must be text that can be saved."),
    }


def _uploaded_plan(upload):
    """A plan file sent from the facilitator's laptop; errors name the file, line and field."""
    name = (upload.filename or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1] or _("the uploaded file")
    raw = upload.read(MAX_PLAN_BYTES + 1)
    if not raw.strip():
        raise PlanError(_("Choose a plan file first."), source=name)
    if len(raw) > MAX_PLAN_BYTES:
        raise PlanError(_("This file is too large for a plan (at most %(kb)d KB; a plan needs a few KB).",
                          kb=MAX_PLAN_BYTES // 1024), source=name)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PlanError(_("This file is not UTF-8 text."), source=name) from None
    # Anyone on the network can post here: the file is bounded, then parsed in a child process.
    return plans.parse_plan_text(text, name, isolated=True)


MAX_PLAN_BYTES = tomlguard.MAX_BYTES

# Stand-ins for a field already reported, so that checking goes on to the next field.
_SOUND = {"title": "x", "purpose": "", "themes": [{"name": "x", "question": "x"}], "rounds": 3, "round_minutes": 15,
          "table_size": 5, "theme_mode": "rotate", "host_cue": []}


def _plan_or_errors(data: dict):
    """Check the form's plan and report every wrong field, not only the first."""
    errors: dict[str, str] = {}
    for _attempt in range(len(FORM_FIELDS) + 1):
        try:
            return plan_from_input(data, source=_("the form")), errors
        except PlanError as error:
            field = (error.field or "form").split("[")[0].split(".")[0]
            if field not in FORM_FIELDS or field in errors:
                errors.setdefault("form", error.message)
                return None, errors
            errors[field] = _form_messages()[field]
            data = {**data, field: _SOUND[field]}
    return None, errors


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Start a café from a shipped plan or from the form; success goes to the secret host link."""
    errors: dict[str, str] = {}
    form = request.form if request.method == "POST" else {}
    if request.method == "POST":
        upload = request.files.get("plan_file")
        try:
            if form.get("plan"):
                plan = plans.load_plan(plans.plan_path(form["plan"]))
            elif upload is not None:
                plan = _uploaded_plan(upload)
        except PlanError as error:
            errors["plan_file" if upload is not None else "plan"] = str(error)
        if not form.get("plan") and upload is None:
            plan, errors = _plan_or_errors(plan_from_form(form))
        if not errors:
            with transaction() as db:
                cafe, token = cafes.create_cafe(db, plan, utcnow())
            current_app.logger.info("café %s created", cafe.code)
            return redirect(url_for("facilitator.dashboard", host_token=token), code=303)
    status = 400 if errors else 200
    return render_template("new.html", plans=_plan_cards(), form=form, errors=errors), status


@bp.get("/qr/<code>.svg")
def qr(code: str):
    """The join URL as a QR code, for the projector and the dashboard."""
    with transaction() as db:
        cafe = store.cafe_by_code(db, code)
    url = join_url(cafe.code)
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=8, border=4, title=url)  # ISO 18004 quiet zone: 4 modules
    return Response(buffer.getvalue(), mimetype="image/svg+xml", headers={"Cache-Control": "max-age=300"})


@bp.get("/healthz")
def health():
    """ok when the database can write; 503 with the reason otherwise (tests, deploys, load balancers)."""
    try:
        with get_db().engine.begin() as connection:
            # A probe bigger than a page needs fresh pages and a real commit (with its fsync), so a
            # full disk, a full quota or a read-only file fails here; deleting it keeps nothing.
            connection.execute(insert(HealthProbeRow).values(id=1, payload=_PROBE))
            connection.execute(delete(HealthProbeRow))
    except Exception as error:  # any database failure means "not healthy"
        reason = str(getattr(error, "orig", None) or error).splitlines()[0][:200]
        current_app.logger.warning("health check failed: %s", reason)
        return Response(f"database cannot write: {reason}\n", status=503, mimetype="text/plain")
    return "ok"


_PROBE = "x" * 10_000
