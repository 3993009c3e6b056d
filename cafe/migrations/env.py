"""Alembic's entry point for cafe's migrations.

cafe/db.py runs the migrations itself and hands over its own connection (so that the
PostgreSQL advisory lock and the SQLite pragmas are the app's). Run on its own (the `alembic`
command with a `sqlalchemy.url`), it connects through the app's Database to that URL.
"""
from __future__ import annotations

from alembic import context

from cafe.models import Base

config = context.config
target_metadata = Base.metadata


def _configure_and_run(connection) -> None:
    # Batch mode: SQLite cannot ALTER most things, so Alembic copies the table; on PostgreSQL it is a no-op.
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure_and_run(connection)
        return
    from cafe.db import Database

    url = config.get_main_option("sqlalchemy.url")
    if url is None:
        raise RuntimeError("alembic.ini or the command gives no sqlalchemy.url")
    database = Database(url)
    try:
        with database.engine.connect() as connection:
            _configure_and_run(connection)
            connection.commit()
    finally:
        database.engine.dispose()


if context.is_offline_mode():
    raise SystemExit("cafe's migrations run against a database; offline (--sql) mode is not supported")
run_migrations_online()
