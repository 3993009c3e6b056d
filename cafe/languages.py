"""Which language each screen speaks: a phone, the facilitator's screens and the wall choose apart.

Each role remembers its own choice in its own cookie, so a laptop that shows the dashboard in
English and the projector in Arabic keeps both, and no phone's choice changes either. A `?lang=`
on any page chooses (and remembers) for that page's role; without a choice the browser's
Accept-Language decides, then CAFE_LANGUAGE.
"""
from __future__ import annotations

from flask import Flask, Response, current_app, request, session
from flask_babel import get_locale
from markupsafe import Markup

from cafe.extensions import babel

COOKIE_AGE = 365 * 24 * 3600
ROLES = ("phone", "host", "wall")
# Each language's name in that language, as a picker must show it to someone who cannot read the current one.
NAMES = {"en": "English", "es": "Español", "fr": "Français", "ar": "العربية"}
# Blueprints (and single endpoints) by the role whose choice they follow; the home page is where
# participants type the code, so it follows the phones.
_ROLE_OF_BLUEPRINT = {"participant": "phone", "home": "phone", "wall": "wall", "facilitator": "host"}
_ROLE_OF_ENDPOINT = {"home.new": "host"}
_ROLE_OF_SOCKET = {"participant": "phone", "facilitator": "host", "wall": "wall"}


def cookie_name(role: str) -> str:
    """The cookie that remembers one role's language."""
    return f"cafe_lang_{role}"


def available() -> list[str]:
    """Every language with a catalogue, and the default one (whose texts are the sources).

    Read from disk once per app (every request asks several times); a new catalogue needs a restart."""
    cached = current_app.extensions.get("cafe_languages")
    if cached is None:
        shipped = [str(locale) for locale in babel.list_translations()]
        default = current_app.config.get("BABEL_DEFAULT_LOCALE", "en")
        cached = sorted(set(shipped) | {default}, key=lambda code: (code != "en", code))
        current_app.extensions["cafe_languages"] = cached
    return list(cached)


def role() -> str | None:
    """The role the current request speaks for, or None where no choice applies (static files)."""
    if request.path.startswith("/socket.io"):
        return _ROLE_OF_SOCKET.get(str(session.get("role")))
    endpoint = request.endpoint or ""
    return _ROLE_OF_ENDPOINT.get(endpoint) or _ROLE_OF_BLUEPRINT.get(request.blueprint or "")


def _asked() -> str | None:
    """A language named by ?lang= that we have."""
    value = request.args.get("lang")
    return value if isinstance(value, str) and value in available() else None


def select() -> str | None:
    """flask_babel's locale selector: this page's choice, the role's cookie, then the browser."""
    if not request:
        return None
    languages = available()
    chosen = _asked()
    if chosen:
        return chosen
    who = role()
    remembered = request.cookies.get(cookie_name(who)) if who else None
    if remembered in languages:
        return remembered
    return request.accept_languages.best_match(languages) or current_app.config.get("BABEL_DEFAULT_LOCALE", "en")


def current() -> str:
    """The language of the current request ("en", "ar", ...)."""
    return str(get_locale() or "en")


def choices() -> list[dict[str, object]]:
    """The picker's entries: each language, its own name, and whether it is the current one."""
    now = current()
    return [{"code": code, "name": NAMES.get(code, code), "current": code == now} for code in available()]


def init_app(app: Flask) -> None:
    """Choose each request's locale and remember a ?lang= choice for its role."""
    babel.init_app(app, locale_selector=select)

    @app.after_request
    def remember(response: Response) -> Response:
        chosen, who = _asked(), role()
        if chosen and who and request.cookies.get(cookie_name(who)) != chosen:
            response.set_cookie(cookie_name(who), chosen, max_age=COOKIE_AGE, httponly=True, samesite="Lax",
                                secure=bool(current_app.config.get("SECURE_COOKIES")))
        return response

    @app.context_processor
    def languages() -> dict[str, object]:
        return {"language_choices": choices}

    @app.template_filter("bdi")
    def bdi(value: object) -> Markup:
        """User text set inside a translated sentence, isolated so its own direction cannot reorder the sentence."""
        return Markup("<bdi>{}</bdi>").format(value)
