"""HTTP blueprints: home, facilitator, participant, wall."""
from __future__ import annotations

from flask import Flask, Response, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from cafe.errors import NotFound


def init_app(app: Flask) -> None:
    """Register the blueprints, error pages and security headers."""
    from cafe.web import facilitator, home, participant, wall

    for module in (home, facilitator, participant, wall):
        app.register_blueprint(module.bp)

    @app.errorhandler(NotFound)
    def not_found(error: NotFound):
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
        # The projector shows user text to a whole room: no script but our own may ever run.
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            "connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response
