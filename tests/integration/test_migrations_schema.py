"""The migrations make exactly the schema the models describe: upgrading a fresh database to the
newest revision leaves nothing for Alembic's autogenerate to add, drop or change."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from cafe.migrations import alembic_config
from cafe.models import Base

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "v0" / "cafe-v0.sqlite3"


def differences(url: str) -> list:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()


def test_upgrade_head_on_a_fresh_sqlite_file_makes_the_models_schema(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    command.upgrade(alembic_config(url), "head")
    assert differences(url) == []
    engine = create_engine(url)
    try:
        names = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert names == set(Base.metadata.tables) | {"alembic_version"}


def shape(engine, table: str) -> tuple:
    i = inspect(engine)
    return (
        [(c["name"], str(c["type"]), c["nullable"]) for c in i.get_columns(table)],
        sorted((x["name"], tuple(x["column_names"]), bool(x["unique"])) for x in i.get_indexes(table)),
        sorted(tuple(u["column_names"]) for u in i.get_unique_constraints(table)),
        sorted((tuple(f["constrained_columns"]), f["referred_table"], f["options"].get("ondelete")) for f in i.get_foreign_keys(table)),
        i.get_pk_constraint(table)["constrained_columns"],
    )


def test_the_initial_migration_is_the_schema_create_all_made_before_migrations(tmp_path):
    """A database create_all made is stamped 0001, so 0001 must be that schema, foreign keys and all:
    the v0 fixture (made by the code before migrations) is the witness."""
    made = create_engine(f"sqlite:///file:{FIXTURE}?mode=ro&uri=true")
    url = f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
    command.upgrade(alembic_config(url), "0001")
    migrated = create_engine(url)
    try:
        tables = sorted(inspect(made).get_table_names())
        assert len(tables) == 14 and set(inspect(migrated).get_table_names()) == set(tables) | {"alembic_version"}
        assert [shape(migrated, t) for t in tables] == [shape(made, t) for t in tables]
    finally:
        made.dispose()
        migrated.dispose()


def test_upgrade_head_on_a_fresh_postgresql_database_makes_the_models_schema():
    """Each revision runs on PostgreSQL too, and leaves its schema equal to the models."""
    import sys
    import uuid

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))
    from services import Postgres

    service = Postgres()
    try:
        url = service.create_database(f"schema_{uuid.uuid4().hex[:8]}").replace("postgresql://", "postgresql+psycopg://")
        command.upgrade(alembic_config(url), "head")
        assert differences(url) == []
        engine = create_engine(url)
        try:
            assert set(inspect(engine).get_table_names()) == set(Base.metadata.tables) | {"alembic_version"}
        finally:
            engine.dispose()
    finally:
        service.stop()
