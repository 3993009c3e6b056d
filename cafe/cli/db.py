"""`cafe db upgrade`, `cafe db current` and `cafe init-db`: the database's schema."""
from __future__ import annotations

import sys


def schema_app(policy: str):
    """An app whose start brings the schema as far as `policy` allows, or None after saying why not."""
    from cafe import create_app
    from cafe.db import SchemaError

    try:
        return create_app({"ASYNC_MODE": "threading", "DATABASE_SCHEMA": policy})
    except SchemaError as error:
        print(f"cafe: {error}", file=sys.stderr)
        return None


def _where(app) -> str:
    return app.config["DATABASE_URL"].split("@")[-1]  # never print a password


def db_upgrade(args) -> int:
    """Create the database, or upgrade it to this code's newest schema (the Procfile's release step)."""
    app = schema_app("upgrade")
    if app is None:
        return 2
    from cafe import migrations

    print(f"database ready at schema {migrations.head()}: {_where(app)}")
    app.extensions["cafe_db"].engine.dispose()
    return 0


def db_current(args) -> int:
    """Say where the database's schema stands against this code's, changing nothing."""
    app = schema_app("leave")
    if app is None:
        return 2
    from cafe import migrations

    database = app.extensions["cafe_db"]
    try:
        current, has_tables = database.revision()
    finally:
        database.engine.dispose()
    head = migrations.head()
    if current is None:
        state = "no tables yet (cafe db upgrade creates them)" if not has_tables else \
            f"made before migrations; cafe db upgrade recognises it and brings it to {head}"
    elif current == head:
        state = f"{current}: the newest this code knows"
    elif migrations.known(current):
        state = f"{current}: older than this code's {head}; run cafe db upgrade"
    else:
        state = f"{current}: newer than this code ({head}); this version will not use it"
    print(f"{_where(app)}: {state}")
    return 0
