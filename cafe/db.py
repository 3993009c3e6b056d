"""The database: one engine per app, and a transaction scope for every use case."""
from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import Flask, current_app
from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import Connection
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from cafe.models import Base


# Set while the current green thread is inside a write transaction. SQLite has one write lock and
# waits for it in C, which blocks the whole event loop: a green thread that yielded while holding
# it (to wait for a worker, cafe/offload.py) would wait for a loop that another writer blocks.
_writing: ContextVar[bool] = ContextVar("cafe_writing", default=False)


def writing() -> bool:
    """Whether this green thread is inside a write transaction (it must then not yield for long)."""
    return _writing.get()


class ReadOnlyViolation(RuntimeError):
    """A read transaction tried to write: a bug in the caller, never a user's mistake."""


class SchemaError(RuntimeError):
    """The database's schema is not one this code may use or change as asked; the message says what to do."""


def _revision(connection: Connection) -> str | None:
    from alembic.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def _has_tables(connection: Connection) -> bool:
    # "cafes" is in every schema cafe ever made; an empty database (or another app's) has none.
    return inspect(connection).has_table("cafes")


def _stamp(connection: Connection, revision: str) -> None:
    from alembic.migration import MigrationContext

    from cafe import migrations

    context = MigrationContext.configure(connection)
    context.stamp(migrations.script(), revision)


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
            # A read (`reading`) begins deferred: in WAL mode it takes no lock, waits for no writer
            # and holds none up, however long it takes.
            event.listen(self.engine, "begin", lambda conn: conn.exec_driver_sql(
                "BEGIN" if conn.get_execution_options().get("cafe_read") else "BEGIN IMMEDIATE"))
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.read_sessions = sessionmaker(self.engine.execution_options(cafe_read=True), expire_on_commit=False)

    def create_all(self) -> None:
        """Kept for callers from before migrations: the same schema step an app start takes."""
        self.prepare_schema("serve")

    def revision(self) -> tuple[str | None, bool]:
        """Where the database stands: its Alembic revision, and whether it has cafe's tables at all."""
        with self.engine.connect() as connection:
            return _revision(connection), _has_tables(connection)

    def prepare_schema(self, policy: str = "serve") -> str | None:
        """Bring the schema to this code's newest revision as `policy` allows; return the one line
        to tell the user when something was upgraded.

        "serve": a fresh database is created, one from before migrations is recognised, an older
        SQLite file is backed up and upgraded; an older PostgreSQL database is refused (SchemaError),
        since a hosted database changes only by `cafe db upgrade` (the release step).
        "upgrade": older databases of both kinds are upgraded. A newer database is always refused."""
        from cafe import migrations

        sqlite = self.engine.dialect.name == "sqlite"
        head = migrations.head()
        current, has_tables = self.revision()
        if current == head:
            return None  # the common case, checked without a lock: every app start passes here
        if current is not None and not migrations.known(current):
            raise SchemaError(f"the database is at schema revision {current}, which this version of cafe does not know "
                              f"(its newest is {head}): it was upgraded by a newer cafe. Run that version, or a copy "
                              "of the database made before the upgrade; this one refuses to touch it.")
        # A database with tables and no revision was made by create_all before migrations existed:
        # older than any revision, to be recognised (0001 adds only what it lacks) and upgraded.
        older = has_tables
        if older and policy == "serve" and not sqlite:
            raise SchemaError(f"the database schema is older than this code (at {current or 'a schema from before migrations'}, "
                              f"the code needs {head}). Run `cafe db upgrade` (the Procfile's release step does) "
                              "and start again; `cafe serve` never changes a PostgreSQL database.")
        backup = None
        if older and sqlite:
            backup = self._backup(current or "v0")
        with self.engine.connect() as connection:
            if sqlite:
                # Batch migrations copy and drop tables; with foreign keys on, dropping a parent
                # would cascade into its children's rows. The pragma only changes outside a transaction.
                _driver_pragma(connection, "PRAGMA foreign_keys=OFF")
            try:
                with connection.begin():
                    if not sqlite:
                        # Processes booting at once would race to create or upgrade the same tables.
                        connection.exec_driver_sql("SELECT pg_advisory_xact_lock(4242001)")
                    current, has_tables = _revision(connection), _has_tables(connection)  # again, under the lock
                    if current == head:
                        return None
                    if not has_tables:
                        # A fresh database: the models' schema in one go is the newest revision.
                        Base.metadata.create_all(connection)
                        _stamp(connection, head)
                        return None
                    from alembic import command

                    command.upgrade(migrations.alembic_config(connection=connection), "head")
                    if sqlite:
                        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                        if broken:
                            raise SchemaError(f"the upgrade would leave {len(broken)} rows pointing at nothing; nothing was changed")
            finally:
                if sqlite:
                    _driver_pragma(connection, "PRAGMA foreign_keys=ON")
        where = f"; the old file is kept at {backup}" if backup else ""
        return f"cafe: upgraded the database schema from {current or 'v0 (before migrations)'} to {head}{where}"

    def _backup(self, revision: str) -> str | None:
        """Copy the SQLite file next to itself (sqlite3's backup API: consistent even with the WAL)."""
        path = self.engine.url.database
        if not path or path == ":memory:" or path.startswith("file:"):
            return None
        target = f"{path}.backup-{revision}"
        n = 1
        while os.path.exists(target):
            n += 1
            target = f"{path}.backup-{revision}-{n}"
        source = sqlite3.connect(path)
        try:
            copy = sqlite3.connect(target)
            try:
                source.backup(copy)
                copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, easy to move or restore
            finally:
                copy.close()
        finally:
            source.close()
        return target

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session that commits when the block succeeds and rolls back on any error,
        so a refused event never leaves a half-written row."""
        session = self.sessions()
        token = _writing.set(True)
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
            _writing.reset(token)

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads only (building a screen's state, an export): one consistent
        snapshot of the database that takes no write lock, so slow work inside it (a harvest,
        computed off the event loop) holds up no one. Writing in it is a bug and raises."""
        session = self.read_sessions()
        event.listen(session, "before_flush", _refuse_flush)
        try:
            yield session
            session.commit()  # nothing to write (flushes are refused); unlike a rollback, keeps rows loaded
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()


def _refuse_flush(session: Session, _context: object, _instances: object) -> None:
    if session.new or session.dirty or session.deleted:
        raise ReadOnlyViolation("a read transaction tried to write")


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets readers run during a write; NORMAL sync keeps each commit cheap under eventlet.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
    dbapi_connection.isolation_level = None


def init_app(app: Flask) -> None:
    """Attach a Database to the app and bring its schema to this code's (config DATABASE_SCHEMA:
    "serve" by default, "upgrade" for `cafe db upgrade`, "leave" to look without changing)."""
    database = Database(app.config["DATABASE_URL"])
    policy = app.config.get("DATABASE_SCHEMA", "serve")
    if policy != "leave":
        try:
            said = database.prepare_schema(policy)
        except BaseException:
            database.engine.dispose()
            raise
        if said:
            print(said, flush=True)
    app.extensions["cafe_db"] = database


def get_db() -> Database:
    """The current app's Database."""
    return current_app.extensions["cafe_db"]


def transaction():
    """Shortcut for get_db().transaction()."""
    return get_db().transaction()


def reading():
    """Shortcut for get_db().reading()."""
    return get_db().reading()


def _driver_pragma(connection: Connection, statement: str) -> None:
    """A PRAGMA straight to the driver, outside SQLAlchemy's transaction (foreign_keys only changes there)."""
    driver = connection.connection.driver_connection
    if driver is None:
        raise SchemaError("the database connection is closed")
    driver.execute(statement)
