"""Settings read from the environment, with safe defaults (SQLite in the instance folder)."""
from __future__ import annotations

import os
from pathlib import Path


def from_environment(instance_path: str) -> dict[str, object]:
    """Configuration for an app whose instance folder is `instance_path`."""
    default_db = "sqlite:///" + str(Path(instance_path) / "cafe.sqlite3")
    database_url = os.environ.get("CAFE_DATABASE_URL") or os.environ.get("DATABASE_URL") or default_db
    # Heroku-style URLs still say postgres://; SQLAlchemy wants a driver name.
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgres://"):]
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://"):]
    return {
        "DATABASE_URL": database_url,
        "MESSAGE_QUEUE": os.environ.get("CAFE_MESSAGE_QUEUE") or os.environ.get("REDIS_URL") or None,
        "PUBLIC_URL": (os.environ.get("CAFE_PUBLIC_URL") or "").rstrip("/") or None,
        "SECRET_KEY": os.environ.get("CAFE_SECRET_KEY") or os.environ.get("SECRET_KEY") or None,
        "BABEL_DEFAULT_LOCALE": os.environ.get("CAFE_LANGUAGE", "en"),
        "SECURE_COOKIES": os.environ.get("CAFE_SECURE_COOKIES", "") == "1",
    }
