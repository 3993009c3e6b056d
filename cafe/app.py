"""The application factory."""
from __future__ import annotations

import os
import secrets
import tempfile
from typing import Any, cast

from flask import Flask
from flask_babel import get_locale

from cafe import compression, config, db, languages, limits, offload, sockets, static_urls, web
from cafe.extensions import csrf, socketio
from cafe.messages import PacketJSON, json_default


# Scripts written right to left; the page direction must follow the chosen locale, shipped or not.
RTL_LANGUAGES = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "ku", "ps", "sd", "syr", "ug", "ur", "yi"})


def text_direction(lang: str | None) -> str:
    """The HTML dir value ("rtl" or "ltr") for a locale such as "ar", "fa_IR" or "he-IL"."""
    base = (lang or "").replace("-", "_").split("_")[0].lower()
    return "rtl" if base in RTL_LANGUAGES else "ltr"


def _instance_secret(instance_path: str) -> str:
    """The instance folder's own random key, made once with owner-only permissions.

    Written to a private temporary file and linked into place, so processes starting together
    agree on one key and none reads a half-written file."""
    path = os.path.join(instance_path, "secret_key")
    if not os.path.exists(path):
        fd, draft = tempfile.mkstemp(dir=instance_path, prefix=".secret_key-")
        try:
            with os.fdopen(fd, "w", encoding="ascii") as fresh:
                fresh.write(secrets.token_hex(32))
            os.link(draft, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            os.unlink(draft)
    with open(path, encoding="ascii") as stored:
        key = stored.read().strip()
    if len(key) < 32:
        raise RuntimeError(f"{path} is damaged: delete it and restart (open forms then need a reload)")
    return key


def _say_texts_in_json(app: Flask) -> None:
    """JSON answers say a deferred text (cafe.messages) in the request's language, like the sockets."""
    plain = app.json.default  # type: ignore[attr-defined]

    def default(value: Any) -> Any:
        try:
            return json_default(value)
        except TypeError:
            return plain(value)

    app.json.default = default  # type: ignore[attr-defined]


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: defaults from the environment, then the test config, then extensions."""
    app = Flask(__name__, instance_path=os.environ.get("CAFE_INSTANCE_PATH") or None, instance_relative_config=True)
    _say_texts_in_json(app)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(config.from_environment(app.instance_path))
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024  # forms and plan files are small; refuse floods
    # Sixty phones reloading on venue Wi-Fi should not each re-ask for every script and stylesheet.
    if app.config.get("SEND_FILE_MAX_AGE_DEFAULT") is None:
        app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 600
    app.config.update(test_config or {})
    # Form tokens are signed with this key: it must survive a restart (a phone's open join form
    # stays valid) and be shared by the processes of one instance folder.
    app.config["SECRET_KEY"] = app.config.get("SECRET_KEY") or _instance_secret(app.instance_path)

    # A join form may stay open on a phone for a whole café: the token lives as long as the session.
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      SESSION_COOKIE_SECURE=bool(app.config.get("SECURE_COOKIES")))
    # First registered, so Flask runs its after_request hook last, on what the others finished.
    compression.init_app(app)
    static_urls.init_app(app)
    languages.init_app(app)
    csrf.init_app(app)
    db.init_app(app)
    limits.init_app(app)
    # Handlers must be registered before the first init_app so that every app gets them.
    sockets.init_app(app)
    socketio.init_app(
        app,
        async_mode=cast(Any, app.config.get("ASYNC_MODE")),  # one of ASYNC_MODES, or None to let Flask-SocketIO choose
        message_queue=app.config.get("MESSAGE_QUEUE"),
        json=PacketJSON,  # a deferred text left in a packet is said, never a failed emit
        max_http_buffer_size=64 * 1024,
        ping_interval=20,
        ping_timeout=20,
    )
    web.init_app(app)
    offload.prestart()  # under eventlet or gevent: the harvest's worker warms up in the background

    @app.context_processor
    def language() -> dict[str, str]:
        lang = str(get_locale() or "en")
        return {"current_lang": lang, "current_dir": text_direction(lang)}

    return app
