"""The database: one engine per app, and a transaction scope for every use case."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from cafe.models import Base


class Database:
    """Engine and session factory for one database URL."""

    def __init__(self, url: str) -> None:
        self.url = url
        options: dict[str, object] = {"pool_pre_ping": True}
        if url.startswith("sqlite"):
            options["connect_args"] = {"check_same_thread": False, "timeout": 30}
        self.engine: Engine = create_engine(url, **options)
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
            # pysqlite opens transactions on its own and breaks SAVEPOINTs; we say BEGIN ourselves.
            # IMMEDIATE takes the write lock up front: a deferred transaction that reads and then
            # writes fails at once (SQLITE_BUSY) when another writer got in between, instead of
            # waiting its turn, which threading mode or a second process would hit under load.
            event.listen(self.engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def create_all(self) -> None:
        """Create missing tables (the schema is small and additive so far)."""
        with self.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # Processes booting at once on a fresh database would race to create the same tables.
                connection.exec_driver_sql("SELECT pg_advisory_xact_lock(4242001)")
            Base.metadata.create_all(connection)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session that commits when the block succeeds and rolls back on any error,
        so a refused event never leaves a half-written row."""
        session = self.sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets readers run during a write; NORMAL sync keeps each commit cheap under eventlet.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
    dbapi_connection.isolation_level = None


def init_app(app: Flask) -> None:
    """Attach a Database to the app and make sure the schema exists."""
    database = Database(app.config["DATABASE_URL"])
    database.create_all()
    app.extensions["cafe_db"] = database


def get_db() -> Database:
    """The current app's Database."""
    return current_app.extensions["cafe_db"]


def transaction():
    """Shortcut for get_db().transaction()."""
    return get_db().transaction()
