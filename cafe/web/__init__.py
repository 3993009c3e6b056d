"""HTTP blueprints: home, facilitator, participant, wall."""
from __future__ import annotations

from flask import Flask, Response, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from cafe import limits
from cafe.errors import NotFound, UnknownCode
from cafe.web.codes import note_wrong_code

# Every page that answers differently for a join code that exists and one that does not: wrong codes
# asked here count against the address, and a guessing address is refused on all of them.
CODE_ENDPOINTS = frozenset({"home.join_by_code", "home.qr", "participant.join", "participant.phone", "wall.wall",
                            "plain.table", "plain.post_insight"})


def guessing_refused(seconds: int):
    """The 429 page for an address that asked for too many wrong codes (right ones are refused too)."""
    message = _("Too many wrong café codes came from your network. Check the code on the screen and try again "
                "in %(minutes)s minutes.", minutes=max(1, round(seconds / 60)))
    response = Response(render_template("error.html", message=message, status=429), status=429)
    response.headers["Retry-After"] = str(seconds)
    return response


def init_app(app: Flask) -> None:
    """Register the blueprints, error pages and security headers."""
    from cafe.web import facilitator, home, participant, plain, wall

    for module in (home, facilitator, participant, plain, wall):
        app.register_blueprint(module.bp)

    @app.before_request
    def refuse_guessers():
        if request.endpoint in CODE_ENDPOINTS:
            seconds = limits.limits().code_block(limits.address())
            if seconds:
                return guessing_refused(seconds)
        return None

    @app.errorhandler(NotFound)
    def not_found(error: NotFound):
        if isinstance(error, UnknownCode) and request.endpoint in CODE_ENDPOINTS:
            note_wrong_code()
        return render_template("error.html", message=error.message, status=404), 404

    @app.errorhandler(CSRFError)
    def form_not_ours(error: CSRFError):
        # A form posted without our token: another site's page, or one loaded before a restart.
        message = _("This form has expired or did not come from this café. Go back, reload the page and send it again.")
        return render_template("error.html", message=message, status=400), 400

    @app.errorhandler(404)
    def http_not_found(error: HTTPException):
        return render_template("error.html", message=None, status=404), 404

    @app.after_request
    def security_headers(response: Response) -> Response:
        # The projector shows user text to a whole room: no script but our own may ever run. A
        # policy governs documents (and SVG, which may hold script); on a script or a style sheet
        # it is only bytes a phone on slow Wi-Fi pays for.
        if response.mimetype not in ("text/javascript", "application/javascript", "text/css"):
            response.headers.setdefault(
                "Content-Security-Policy",
                "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                "connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
            )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response
